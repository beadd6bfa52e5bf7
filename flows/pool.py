"""The worker processes that read and extract: spawned, and never outliving the run.

A run killed with SIGKILL (the OOM killer, a power cut in the fault harness) cannot stop its
pool, and orphaned workers would go on writing batch files after the next run has cleared
the scratch folder. On Linux each worker asks the kernel to kill it when its parent dies.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Worker initializer: SIGKILL this process when the process that started it dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: workers end when their work does
        pass


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes (no fork under Prefect's threads)."""
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with_parent)
