"""Two runs at once, and readers querying the published file in a loop while runs publish.

Runs are real processes against one warehouse; the `hold` fault hook keeps the first one
inside its extract stage (holding the lock and the work database) for as long as a test needs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

from conftest import REPO, SHAHED, ScriptedExtractor, strike, write_article

from flows.extract.model import EventDate
from flows.fault_harness import compare, snapshot
from flows.faults import FAULT_ENV, MARKS_ENV, read_marks
from flows.pipeline import run_pipeline
from flows.publish import run_lock
from flows.settings import Settings, load_settings

SAMPLES = REPO / "samples" / "landing"
FILES = ("seed_wire_report.txt", "airforce_summary.txt", "wire_feed.jsonl",
         "toll_revised_odesa.txt")

RUN = textwrap.dedent("""
    import sys
    from pathlib import Path
    from flows.pipeline import run_pipeline
    from flows.publish import LockBusy
    from flows.settings import load_settings
    settings = load_settings().with_overrides(Path(sys.argv[1]), Path(sys.argv[2]))
    try:
        summary = run_pipeline(settings, wait_seconds=float(sys.argv[3]))
    except LockBusy as exc:
        print(exc, file=sys.stderr)
        sys.exit(3)
    print(summary.status, summary.articles_new, flush=True)
""")


def _landing(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in FILES:
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    return folder


def _start(landing: Path, warehouse: Path, wait: float = 0.0, **env: str
           ) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", RUN, str(landing), str(warehouse),
                             str(wait)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **env})


def _wait_for_stage(marks: Path, stage: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while stage not in [s for s, _ in read_marks(marks)]:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_two_runs_at_once_one_is_refused_one_waits_nothing_is_corrupted(
        tmp_path: Path) -> None:
    landing = _landing(tmp_path / "landing")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    reference = load_settings().with_overrides(landing, tmp_path / "ref" / "warehouse.duckdb")
    assert run_pipeline(reference).status == "published"

    hold, marks = tmp_path / "hold", tmp_path / "marks"
    hold.touch()
    first = _start(landing, warehouse, **{FAULT_ENV: f"extract:hold:{hold}",
                                          MARKS_ENV: str(marks)})
    try:
        _wait_for_stage(marks, "extract", first)
        refused = _start(landing, warehouse)
        out, err = refused.communicate(timeout=120)
        assert refused.returncode == 3, (out, err)
        assert "another sitrep run is writing this warehouse" in err
        assert f"pid {first.pid}" in err

        waiting = _start(landing, warehouse, wait=300)
        time.sleep(2.0)
        assert waiting.poll() is None  # queued behind the first run
    finally:
        hold.unlink()
    out_first, err_first = first.communicate(timeout=300)
    out_waiting, err_waiting = waiting.communicate(timeout=300)
    assert (first.returncode, out_first.split()) == (0, ["published", "7"]), err_first
    assert (waiting.returncode, out_waiting.split()) == (0, ["published", "0"]), err_waiting
    diff = compare(snapshot(reference.warehouse_path), snapshot(warehouse))
    assert diff.none, diff


CLI_RUN = [sys.executable, "-m", "flows.cli", "run"]


def test_sitrep_run_exits_3_with_a_clear_message_while_another_run_writes(
        tmp_path: Path) -> None:
    landing = _landing(tmp_path / "landing")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    hold, marks = tmp_path / "hold", tmp_path / "marks"
    hold.touch()
    first = _start(landing, warehouse, **{FAULT_ENV: f"ingest:hold:{hold}",
                                          MARKS_ENV: str(marks)})
    try:
        _wait_for_stage(marks, "ingest", first)
        env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
        env.pop("PREFECT_API_URL", None)
        second = subprocess.run([*CLI_RUN, "--landing", str(landing), "--warehouse",
                                 str(warehouse)], capture_output=True, text=True, env=env,
                                timeout=300, cwd=REPO)
        assert second.returncode == 3, (second.stdout, second.stderr)
        assert "another sitrep run is writing this warehouse" in second.stderr
        assert not warehouse.exists()
    finally:
        first.kill()  # SIGKILL: the kernel frees the lock, no cleanup needed
        first.wait(timeout=60)
        hold.unlink()
    with run_lock(tmp_path / "wh" / ".warehouse.duckdb.lock", wait_seconds=5):
        pass


READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import duckdb
    path, stop, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    QUERY = '''
        select
            (select count(*) from dim_article),
            (select count(*) from fact_strike),
            (select count(*) from rejects),
            (select max(run_id) from publish_log where status = 'published'),
            (select count(*) from fact_strike f
             where not exists (select 1 from dim_article a where a.article_key = f.article_key))
    '''
    # DuckDB shares one database per path within a process: while a process holds a
    # connection, every connection it opens sees that snapshot. So the reader that holds one
    # open through every publish and the reader that reconnects are two processes.
    held = duckdb.connect(path, read_only=True) if mode == "held" else None
    while not stop.exists():
        try:
            if held is not None:
                row = held.execute(QUERY).fetchone()
            else:
                with duckdb.connect(path, read_only=True) as con:
                    row = con.execute(QUERY).fetchone()
            print(json.dumps({mode: list(row)}), flush=True)
        except Exception as exc:
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        time.sleep(0.01)
""")
NIGHT = EventDate(date(2024, 3, 10), "day")


def _signature(path: Path) -> list[object]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("""
            select (select count(*) from dim_article), (select count(*) from fact_strike),
                   (select count(*) from rejects),
                   (select max(run_id) from publish_log where status = 'published'), 0
        """).fetchone()
    assert row is not None
    return list(row)


def test_readers_in_a_loop_see_the_old_or_the_new_warehouse_never_a_mix(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    sentences = [f"Russia launched {n} Shahed drones at Odesa overnight, the air force said."
                 for n in (11, 12, 13, 14)]
    for s in sentences:
        scripted.add(s, lambda t, p, s=s: [strike(t, s, SHAHED, int(s.split()[2]), None,
                                                  NIGHT)])
    write_article(wh_settings.landing_dir, "night-1.txt", sentences[0])
    assert run_pipeline(wh_settings).status == "published"
    states = [_signature(wh_settings.warehouse_path)]

    stop = wh_settings.state_dir / "stop-reader"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(wh_settings.warehouse_path),
                                 str(stop), mode], stdout=subprocess.PIPE, text=True)
               for mode in ("fresh", "held")]
    try:
        time.sleep(1.5)
        for i, s in enumerate(sentences[1:], start=2):
            write_article(wh_settings.landing_dir, f"night-{i}.txt", s)
            (wh_settings.landing_dir / f"empty-{i}.txt").write_bytes(b"")
            assert run_pipeline(wh_settings).status == "published"
            states.append(_signature(wh_settings.warehouse_path))
            time.sleep(0.5)
    finally:
        stop.touch()
        outs = [reader.communicate(timeout=60)[0] for reader in readers]
    seen = [json.loads(line) for out in outs for line in out.splitlines()]
    assert not [o for o in seen if "error" in o]
    fresh = [o["fresh"] for o in seen if "fresh" in o]
    held = [o["held"] for o in seen if "held" in o]
    assert len(fresh) > 20 and len(held) > 20
    assert all(sig in states for sig in fresh), (fresh, states)
    assert {tuple(sig) for sig in held} == {tuple(states[0])}  # its snapshot never moves
    assert len({tuple(sig) for sig in fresh}) >= 3  # new connections saw several publishes
    assert [s[1] for s in states] == [1, 2, 3, 4]
