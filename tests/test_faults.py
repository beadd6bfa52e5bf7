"""Crash safety: the fault hook, the comparison the harness relies on, and one kill per stage.

`make faults` runs the full campaign (at least five kills per stage); here one kill per stage
proves on every `make test` that a run killed with SIGKILL anywhere loses, duplicates and
half-publishes nothing, and that its leftovers never block the next run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from flows.fault_harness import (
    Snapshot,
    Trial,
    compare,
    run_faults,
    snapshot,
    table,
    work_duplicates,
)
from flows.faults import FAULT_ENV, MARKS_ENV, STAGES, parse_fault, read_marks

HOOKED = textwrap.dedent("""
    import sys, time
    from flows.faults import checkpoint
    checkpoint("ingest")
    print("after ingest", flush=True)
    checkpoint("extract")
    print("after extract", flush=True)
    time.sleep(float(sys.argv[1]))
    print("finished", flush=True)
""")


def _hooked(fault: str | None, marks: Path, linger: float = 0.0
            ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (FAULT_ENV, MARKS_ENV)}
    env[MARKS_ENV] = str(marks)
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run([sys.executable, "-c", HOOKED, str(linger)], capture_output=True,
                          text=True, env=env, timeout=60)


def test_a_kill_at_once_stops_the_process_at_that_stage(tmp_path: Path) -> None:
    done = _hooked("extract:kill:0", tmp_path / "marks")
    assert done.returncode == -signal.SIGKILL
    assert done.stdout.splitlines() == ["after ingest"]
    assert [s for s, _ in read_marks(tmp_path / "marks")] == ["ingest", "extract"]


def test_a_delayed_kill_lands_later_in_the_stage(tmp_path: Path) -> None:
    done = _hooked("extract:kill:0.3", tmp_path / "marks", linger=10)
    assert done.returncode == -signal.SIGKILL
    assert done.stdout.splitlines() == ["after ingest", "after extract"]


def test_without_a_fault_the_hook_only_marks(tmp_path: Path) -> None:
    done = _hooked(None, tmp_path / "marks")
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "finished"
    marks = read_marks(tmp_path / "marks")
    assert [s for s, _ in marks] == ["ingest", "extract"]
    assert marks[0][1] <= marks[1][1]


def test_a_fault_for_another_stage_does_nothing(tmp_path: Path) -> None:
    assert _hooked("swap:kill:0", tmp_path / "marks").returncode == 0


@pytest.mark.parametrize("spec", ["", "ingest", "ingest:kill", "nowhere:kill:0",
                                  "ingest:explode:0", "ingest:kill:soon"])
def test_malformed_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_fault(spec)


def test_hold_pauses_until_the_file_goes(tmp_path: Path) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    env = {**os.environ, FAULT_ENV: f"ingest:hold:{hold}", MARKS_ENV: str(tmp_path / "m")}
    proc = subprocess.Popen([sys.executable, "-c", HOOKED, "0"], stdout=subprocess.PIPE,
                            text=True, env=env)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=1.5)
        hold.unlink()
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
    assert proc.stdout is not None and "finished" in proc.stdout.read()


# ------------------------------------------------------------------ comparison


def _warehouse(path: Path, facts: list[tuple[int, int]], extra_sql: str = "") -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create table fact_strike (strike_key bigint, launched bigint, "
                    "run_id varchar)")
        con.execute("create table dim_article (article_key bigint, title varchar, "
                    "ingested_at timestamp)")
        for key, launched in facts:
            con.execute("insert into fact_strike values (?, ?, ?)",
                        [key, launched, f"run-{key}"])
        con.execute("insert into dim_article values (1, 'a', now())")
        if extra_sql:
            con.execute(extra_sql)
    return path


def test_compare_counts_lost_extra_repeated_and_changed_rows(tmp_path: Path) -> None:
    reference = snapshot(_warehouse(tmp_path / "ref.duckdb", [(1, 10), (2, 20), (3, 30)]))
    assert compare(reference, reference).none
    # Same rows written by another run at another time: volatile columns do not count.
    again = snapshot(_warehouse(tmp_path / "again.duckdb", [(1, 10), (2, 20), (3, 30)]))
    assert compare(reference, again).none

    broken = snapshot(_warehouse(tmp_path / "broken.duckdb", [(1, 10), (2, 21), (4, 40)],
                                 "insert into fact_strike values (4, 40, 'x')"))
    diff = compare(reference, broken)
    assert (diff.lost, diff.extra, diff.changed) == (1, 2, 1)  # key 3; key 4 and its repeat


def test_work_duplicates_finds_a_doubled_article(tmp_path: Path) -> None:
    from flows.warehouse import work_connection

    work = tmp_path / "work.duckdb"
    with work_connection(work) as con:
        con.execute("insert into raw.article (article_key, content_sha256, text, run_id, "
                     "ingested_at) values (1, 'abc', 't', 'r', now())")
    assert work_duplicates(work) == 0
    with work_connection(work) as con:
        con.execute("insert into raw.article select * from raw.article")
    assert work_duplicates(work) == 1


def test_the_table_reports_every_stage_and_totals() -> None:
    trials = [Trial("ingest", 0.0, killed=True, landed="ingest"),
              Trial("swap", 0.01, killed=True, landed="swap", half_published=1)]
    text = table(trials)
    lines = text.splitlines()
    assert lines[0].split()[:7] == ["stage", "runs", "killed", "lost", "duplicated",
                                    "half-published", "changed"]
    assert lines[2].split()[:7] == ["ingest", "1", "1", "0", "0", "0", "0"]
    assert lines[3].split()[:7] == ["swap", "1", "1", "0", "0", "1", "0"]
    assert lines[-1].split()[:7] == ["total", "2", "2", "0", "0", "1", "0"]
    assert not Trial("swap", 0.0, killed=True, half_published=1).clean
    assert not Trial("swap", 0.0, killed=False).clean


def test_snapshot_of_a_broken_file_raises(tmp_path: Path) -> None:
    bad = tmp_path / "half.duckdb"
    bad.write_bytes(b"DUCK" + os.urandom(4096))
    with pytest.raises(duckdb.Error):
        snapshot(bad)
    assert isinstance(snapshot(_warehouse(tmp_path / "ok.duckdb", [(1, 1)])), Snapshot)


# ------------------------------------------------------------------ one kill per stage


def test_one_kill_per_stage_loses_duplicates_and_half_publishes_nothing(
        tmp_path: Path) -> None:
    trials = run_faults(tmp_path, STAGES, per_stage=1)
    report = table(trials)
    assert [t.stage for t in trials] == list(STAGES), report
    for t in trials:
        assert t.killed, (t, report)
        assert t.landed == t.stage, (t, report)  # the kill fell in the stage it aimed at
        assert not t.error, (t, report)
        assert (t.lost, t.duplicated, t.half_published, t.changed, t.leftovers) == (
            0, 0, 0, 0, 0), (t, report)


def test_recover_clears_leftovers_and_closes_runs_without_an_outcome(tmp_path: Path) -> None:
    from flows.publish import recover, start_run
    from flows.warehouse import work_connection

    work, live = tmp_path / "w.work.duckdb", tmp_path / "w.duckdb"
    nxt, scratch = tmp_path / ".w.duckdb.next", tmp_path / ".sitrep-batches"
    for run_id in ("killed-early", "killed-before-swap", "killed-after-swap", "done"):
        start_run(work, run_id, "landing", str(live), "v1")
    with work_connection(work) as con:
        con.execute("update audit.run_log set status = 'publishing' "
                    "where run_id in ('killed-before-swap', 'killed-after-swap')")
        con.execute("update audit.run_log set status = 'published' where run_id = 'done'")
    with duckdb.connect(str(live)) as con:  # the swapped-in file lists its own run
        con.execute("create table publish_log as select 'killed-after-swap' as run_id, "
                    "'published' as status")
    nxt.write_bytes(b"half a candidate")
    (scratch / "run-x" / "batch-00001").mkdir(parents=True)

    notes = recover(work, nxt, live, scratch)

    assert not nxt.exists() and list(scratch.iterdir()) == []
    assert len(notes) == 5
    with duckdb.connect(str(work), read_only=True) as con:
        assert dict(con.execute("select run_id, status from audit.run_log").fetchall()) == {
            "killed-early": "interrupted", "killed-before-swap": "interrupted",
            "killed-after-swap": "published", "done": "published"}
    assert recover(work, nxt, live, scratch) == []  # nothing left to do
