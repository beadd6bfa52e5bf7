"""Publishing: readers keep working during a run, the shell opens the file, one run at a time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import CRUISE, SHAHED, ScriptedExtractor, strike, write_article

from flows.extract.model import EventDate
from flows.pipeline import run_pipeline
from flows.publish import LockBusy, build_candidate, run_lock
from flows.settings import Settings

NIGHT = EventDate(date(2024, 3, 10), "day")
FIRST = ("Russia launched 16 Shahed drones at Odesa overnight; air defence destroyed 13 of "
         "them, the air force said.")
SECOND = "On the following night four cruise missiles and 20 Shahed drones were fired."
DUCKDB_SHELL = Path(sys.executable).parent / "duckdb"


def _script(ex: ScriptedExtractor) -> None:
    ex.add(FIRST, lambda t, p: [strike(t, FIRST, SHAHED, 16, 13, NIGHT)])
    ex.add(SECOND, lambda t, p: [strike(t, SECOND, CRUISE, 4, None, NIGHT),
                                 strike(t, SECOND, SHAHED, 20, None, NIGHT)])


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    query = "select count(*) from fact_strike"
    print(con.execute(query).fetchone()[0], flush=True)
    sys.stdin.readline()
    print(con.execute(query).fetchone()[0], flush=True)
""")


def test_a_reader_holding_the_published_file_neither_fails_the_run_nor_sees_it_change(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "first.txt", FIRST)
    assert run_pipeline(wh_settings).status == "published"

    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh_settings.warehouse_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().strip() == "1"
        write_article(wh_settings.landing_dir, "second.txt", SECOND)
        summary = run_pipeline(wh_settings)
        reader.stdin.write("again\n")
        reader.stdin.flush()
        # The reader still answers, from the snapshot it opened.
        assert reader.stdout.readline().strip() == "1"
    finally:
        reader.stdin.close() if reader.stdin else None
        reader.wait(timeout=30)
    assert reader.returncode == 0
    assert summary.status == "published"
    with duckdb.connect(str(wh_settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from fact_strike").fetchone() == (3,)


def test_the_duckdb_shell_opens_the_published_file(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "first.txt", FIRST)
    write_article(wh_settings.landing_dir, "second.txt", SECOND)
    run_pipeline(wh_settings)
    query = ("select weapon, launched, intercepted from v_strikes order by weapon, launched; "
             "select weapon_category, launched, intercepted, intercept_rate "
             "from v_daily_air_attacks order by 1; "
             "select count(*) from fact_strike;")
    done = subprocess.run([str(DUCKDB_SHELL), "-readonly", "-csv",
                           str(wh_settings.warehouse_path), query],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "cruise missile,4,NULL" in lines
    assert "Shahed-136,16,13" in lines and "Shahed-136,20,NULL" in lines
    # intercept rate over the rows where both figures are known: 13 / 16
    assert "drone,36,13,0.8125" in lines
    assert "missile,4,NULL,NULL" in lines
    assert lines[-1] == "3"


def test_leftovers_of_a_killed_run_do_not_get_in_the_way(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "first.txt", FIRST)
    wh_settings.state_dir.mkdir(parents=True)
    wh_settings.next_path.write_bytes(b"half-written candidate")
    Path(str(wh_settings.next_path) + ".wal").write_bytes(b"stale wal")
    wh_settings.lock_path.write_text("pid 999999 since long ago\n")

    assert run_pipeline(wh_settings).status == "published"
    assert not wh_settings.next_path.exists()
    assert not Path(str(wh_settings.next_path) + ".wal").exists()
    with duckdb.connect(str(wh_settings.warehouse_path), read_only=True) as con:
        assert con.execute("select launched from fact_strike").fetchall() == [(16,)]


def test_a_second_run_is_refused_while_one_holds_the_lock(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "first.txt", FIRST)
    with run_lock(wh_settings.lock_path), pytest.raises(LockBusy, match="another sitrep run"):
        run_pipeline(wh_settings)
    assert not wh_settings.warehouse_path.exists()
    assert run_pipeline(wh_settings).status == "published"


HOLDER = textwrap.dedent("""
    import sys, time
    from flows.publish import run_lock
    with run_lock(sys.argv[1]):
        print("locked", flush=True)
        time.sleep(120)
""")


def test_a_killed_lock_holder_releases_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / ".warehouse.duckdb.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockBusy, match=f"pid {holder.pid}"), run_lock(lock):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=30)
    with run_lock(lock, wait_seconds=5):
        assert lock.read_text().startswith("pid ")


def test_waiting_for_the_lock_gives_up_after_the_wait(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    with run_lock(lock), pytest.raises(LockBusy), run_lock(lock, wait_seconds=0.5):
        pass


def _table_rows(path: Path) -> dict[str, set[tuple[object, ...]]]:
    """Every published table's rows (as sets: dim_article keeps no order)."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()]
        return {name: set(con.execute(f'select * from "{name}"').fetchall())
                for name in names if name != "build_info"}


_Rows = dict[str, set[tuple[object, ...]]]


def _copied_and_fresh(settings: Settings, tmp_path: Path) -> tuple[_Rows, _Rows]:
    """The tables of a candidate started from the live file and of one built from scratch."""
    copied = tmp_path / "copied.duckdb"
    fresh = tmp_path / "fresh.duckdb"
    build_candidate(settings.work_db_path, copied, "run-x", live_db=settings.warehouse_path)
    build_candidate(settings.work_db_path, fresh, "run-x")
    return _table_rows(copied), _table_rows(fresh)


def test_a_file_started_from_the_live_one_equals_one_built_from_scratch(
        wh_settings: Settings, scripted: ScriptedExtractor, tmp_path: Path) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "first.txt", FIRST)
    assert run_pipeline(wh_settings).status == "published"
    write_article(wh_settings.landing_dir, "second.txt", SECOND)
    # an article whose metadata changes in the work database must change in the copy too
    with duckdb.connect(str(wh_settings.work_db_path)) as con:
        con.execute("update raw.article set title = 'Corrected title'")
    copied_rows, fresh_rows = _copied_and_fresh(wh_settings, tmp_path)
    # (the copy also still holds the live file's events and audit tables: the publish step
    # creates those again)
    assert {name: copied_rows[name] for name in fresh_rows} == fresh_rows
    assert {r[5] for r in copied_rows["dim_article"]} == {"Corrected title"}


def test_an_article_gone_from_the_work_database_leaves_the_copied_file_too(
        wh_settings: Settings, scripted: ScriptedExtractor, tmp_path: Path) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "first.txt", FIRST)
    write_article(wh_settings.landing_dir, "second.txt", SECOND)
    assert run_pipeline(wh_settings).status == "published"
    with duckdb.connect(str(wh_settings.work_db_path)) as con:
        gone = con.execute("select min(article_key) from raw.article").fetchone()[0]  # type: ignore[index]
        con.execute("delete from raw.article where article_key = $key", {"key": gone})
    copied_rows, fresh_rows = _copied_and_fresh(wh_settings, tmp_path)
    assert copied_rows["dim_article"] == fresh_rows["dim_article"]
    assert len(fresh_rows["dim_article"]) == 1
    assert gone not in {r[0] for r in copied_rows["dim_article"]}


def test_a_live_file_built_by_other_sql_is_not_copied(
        wh_settings: Settings, scripted: ScriptedExtractor, tmp_path: Path) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "first.txt", FIRST)
    assert run_pipeline(wh_settings).status == "published"
    with duckdb.connect(str(wh_settings.warehouse_path)) as con:
        con.execute("create table left_by_an_older_version as select 1 as x")
    candidate = tmp_path / "candidate.duckdb"
    build_candidate(wh_settings.work_db_path, candidate, "run-y",
                    live_db=wh_settings.warehouse_path)
    assert "left_by_an_older_version" in _table_rows(candidate)  # same SQL: copied
    with duckdb.connect(str(wh_settings.warehouse_path)) as con:
        con.execute("update build_info set layout_version = 'older'")
    build_candidate(wh_settings.work_db_path, candidate, "run-z",
                    live_db=wh_settings.warehouse_path)
    tables = _table_rows(candidate)
    assert "left_by_an_older_version" not in tables and len(tables["dim_article"]) == 1
