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
from flows.publish import LockBusy, run_lock
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
