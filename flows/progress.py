"""Progress of long stages: a bar in the terminal and a progress artifact in Prefect.

Backfills, rebuilds and big landings take minutes; whoever runs them should see how far they
are. `tracker` gives a callable `update(done, total)` that a stage calls as it goes:

- in a terminal (stderr is a TTY), a rich progress bar, cleared when the stage ends;
- inside a Prefect flow or task run, a progress artifact (percent done) on that run,
  updated at most once a second, so the UI shows the stage moving;
- otherwise (logs, CI), one log line per tenth of the work.

Updates never raise: progress is a courtesy, a failure to show it must not fail the run.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any
from uuid import UUID

log = logging.getLogger("sitrep.progress")

Update = Callable[[int, int], None]
ARTIFACT_EVERY_SECONDS = 1.0


def _in_prefect_run() -> bool:
    try:
        from prefect.context import FlowRunContext, TaskRunContext
    except ImportError:  # pragma: no cover - prefect is a dependency
        return False
    return FlowRunContext.get() is not None or TaskRunContext.get() is not None


class _Artifact:
    """A Prefect progress artifact, created on the first update and throttled after."""

    def __init__(self, key: str, label: str) -> None:
        self.key, self.label = key, label
        self.id: UUID | None = None
        self.last = 0.0

    def update(self, done: int, total: int, final: bool = False) -> None:
        from prefect.artifacts import create_progress_artifact, update_progress_artifact

        now = time.monotonic()
        if not final and self.id is not None and now - self.last < ARTIFACT_EVERY_SECONDS:
            return
        self.last = now
        percent = 100.0 * done / total if total else 100.0
        description = f"{self.label}: {done:,} of {total:,}"
        with suppress(Exception):
            if self.id is None:
                created = create_progress_artifact(percent, key=self.key,
                                                   description=description)
                self.id = created if isinstance(created, UUID) else None
            else:
                update_progress_artifact(self.id, percent, description=description)


class _LogLines:
    """One log line per tenth of the work, for runs nobody watches in a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.next_tenth = 1

    def update(self, done: int, total: int) -> None:
        if not total:
            return
        tenth = done * 10 // total
        if tenth >= self.next_tenth:
            self.next_tenth = tenth + 1
            log.info("%s: %d of %d (%d%%)", self.label, done, total, done * 100 // total)


@contextmanager
def tracker(label: str, key: str, total: int, unit: str = "items",
            terminal: bool | None = None) -> Iterator[Update]:
    """`update(done, total)` for one stage; `key` names the Prefect artifact (a-z, 0-9, -)."""
    show_bar = sys.stderr.isatty() if terminal is None else terminal
    artifact = _Artifact(key, label) if _in_prefect_run() else None
    lines = _LogLines(label)
    bar: Any = None
    task_id: Any = None
    if show_bar and total:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bar = Progress(TextColumn(f"{label} ({unit})"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), TimeRemainingColumn(), transient=True)
        bar.start()
        task_id = bar.add_task(label, total=total)
    state = {"done": 0, "total": total}

    def update(done: int, total_now: int) -> None:
        state["done"], state["total"] = done, total_now
        with suppress(Exception):
            if bar is not None:
                bar.update(task_id, completed=done, total=total_now)
            lines.update(done, total_now)
            if artifact is not None:
                artifact.update(done, total_now)

    try:
        yield update
    finally:
        if bar is not None:
            with suppress(Exception):
                bar.stop()
        if artifact is not None and state["total"]:
            artifact.update(state["done"], state["total"], final=True)
