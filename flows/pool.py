"""The worker processes that read and extract: spawned, and never outliving the run.

A run killed with SIGKILL (the OOM killer, a power cut in the fault harness) cannot stop its
pool, and orphaned workers would go on writing batch files after the next run has cleared
the scratch folder. On Linux each worker asks the kernel to kill it when its parent dies.

Spawning a worker and importing the extractor in it costs about half a second of CPU each,
which a small scheduled run pays at every step that fans out (reading, extracting, grouping
events). A run that will use workers therefore opens one pool for all its steps
(`run_pool`), started while the run still has other work to do; `process_pool` hands it out
while it is open.
"""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext

_PR_SET_PDEATHSIG = 1


def _exit_at_once() -> None:
    """A worker's last act: its results are sent and its files closed, so tearing down the
    extractor's lexicons and the interpreter (up to a second with both workers) is skipped."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _die_with_parent() -> None:
    """Worker initializer: SIGKILL this process when the process that started it dies, and
    leave without tearing down the interpreter when the pool shuts down."""
    atexit.register(_exit_at_once)
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: workers end when their work does
        pass


def _new_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes (no fork under Prefect's threads)."""
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with_parent)


_run_pool: ProcessPoolExecutor | None = None


def process_pool(workers: int) -> AbstractContextManager[ProcessPoolExecutor]:
    """A pool for one step: the run's pool while one is open (left open when the step is
    done), else a new pool of `workers` processes, shut down when the step is done."""
    if _run_pool is not None:
        return nullcontext(_run_pool)
    return _new_pool(workers)


def run_pool_open() -> bool:
    """Whether a run's pool is open (workers already started: handing work out is cheap)."""
    return _run_pool is not None


def _import_extractor() -> None:
    """Warm-up task: import what the reading workers need before the first chunk arrives."""
    import flows.extract.article  # noqa: F401
    import flows.load  # noqa: F401


@contextmanager
def run_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """One pool of `workers` processes for every step of a run, its workers started and
    importing the extractor at once, while the caller goes on; shut down on leaving."""
    global _run_pool
    if _run_pool is not None:
        raise RuntimeError("a run pool is already open")
    pool = _new_pool(workers)
    for _ in range(workers):  # each submission starts a worker until there are `workers`
        pool.submit(_import_extractor)
    _run_pool = pool
    try:
        yield pool
    finally:
        _run_pool = None
        pool.shutdown(wait=True, cancel_futures=True)
