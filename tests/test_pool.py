"""Worker processes die with the run that started them (a SIGKILLed run leaves no workers)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

PARENT = r"""
import os, signal, sys, time
from dataclasses import replace
from pathlib import Path
from flows.pool import process_pool

def work(path):
    Path(path).write_text(str(os.getpid()))
    time.sleep(60)

if __name__ == "__main__":
    pool = process_pool(1)
    pool.submit(work, sys.argv[1])
    while not Path(sys.argv[1]).exists():
        time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses prctl (Linux)")
def test_a_worker_dies_when_its_run_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    pid_file = tmp_path / "worker.pid"
    run = subprocess.run([sys.executable, str(script), str(pid_file)], timeout=60,
                         cwd=Path(__file__).resolve().parent.parent, check=False)
    assert run.returncode == -9
    worker = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)


def test_the_steps_of_a_run_share_its_pool_and_it_ends_with_the_run() -> None:
    from flows.pool import process_pool, run_pool, run_pool_open

    assert not run_pool_open()
    with run_pool(2) as shared:
        assert run_pool_open()
        with process_pool(2) as first_step:
            first = {first_step.submit(os.getpid).result() for _ in range(8)}
        with process_pool(2) as second_step:  # still open after the first step
            second = {second_step.submit(os.getpid).result() for _ in range(8)}
        assert first_step is second_step is shared
        assert len(first | second) <= 2 and os.getpid() not in first  # the same two workers
        with pytest.raises(RuntimeError, match="already open"), run_pool(2):
            pass
    assert not run_pool_open()
    with pytest.raises(RuntimeError):  # shut down with the run
        shared.submit(os.getpid)
    with process_pool(1) as own:  # outside a run's pool: a pool of the step's own
        assert own is not shared and own.submit(os.getpid).result() not in first


def test_a_run_opens_its_pool_only_when_reading_fans_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows import load
    from flows.ingest import LandingFile
    from flows.pipeline import _needs_run_pool
    from flows.settings import load_settings

    monkeypatch.delenv("SITREP_FAULT", raising=False)
    monkeypatch.delenv("SITREP_FAULT_MARKS", raising=False)
    settings = load_settings().with_overrides(tmp_path / "landing", tmp_path / "wh.duckdb")
    two, one = replace(settings, workers=2), replace(settings, workers=1)

    def files(n: int) -> list[LandingFile]:
        return [LandingFile(tmp_path / f"{i}.txt", f"{i}.txt", 100, None) for i in range(n)]

    many = files(load.CHUNK_FILES + 1)  # two chunks
    assert _needs_run_pool(two, many)
    assert not _needs_run_pool(two, files(load.CHUNK_FILES))  # one chunk: read in-process
    assert not _needs_run_pool(one, many)
    monkeypatch.setenv("SITREP_FAULT", "ingest:1")  # the fault harness: one process
    assert not _needs_run_pool(two, many)


def test_a_run_after_a_big_one_starts_its_pool_before_discovery(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows import load, publish
    from flows.pipeline import _expects_run_pool
    from flows.settings import load_settings

    monkeypatch.delenv("SITREP_FAULT", raising=False)
    monkeypatch.delenv("SITREP_FAULT_MARKS", raising=False)
    settings = replace(load_settings().with_overrides(tmp_path / "landing",
                                                      tmp_path / "wh.duckdb"), workers=2)
    work_db = str(settings.work_db_path)

    def finished(run_id: str, status: str, files_new: int) -> None:
        publish.start_run(work_db, run_id, "landing", "wh.duckdb", "v")
        publish.set_run_status(work_db, run_id, status, None, {"files_new": files_new})

    assert load.last_run_files_new(work_db) == 0 and not _expects_run_pool(settings, work_db)
    finished("run-1", "published", load.CHUNK_FILES + 1)
    assert _expects_run_pool(settings, work_db)
    assert not _expects_run_pool(replace(settings, workers=1), work_db)
    finished("run-2", "failed", 0)  # a failed run says nothing of what comes
    assert load.last_run_files_new(work_db) == load.CHUNK_FILES + 1
    finished("run-3", "published", 12)
    assert load.last_run_files_new(work_db) == 12 and not _expects_run_pool(settings, work_db)
