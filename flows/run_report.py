"""What a person sees of a run in the Prefect UI: its name, its Data Docs, its failure message.

A run is first named after the time it started (`2024-03-10 14:05:03 · running`), then,
when it ends, after what it did (`2024-03-10 14:05:03 · 2 new articles · published`), so the
runs list reads as a history. A failed run logs one plain sentence (which task failed, why,
and whether the published warehouse was touched) and leaves a markdown artifact saying the
same; the traceback stays in the logs for whoever needs it.
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from uuid import UUID

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from flows.datadocs import DataDocs, build_data_docs, docs_dir, find_data_docs
from flows.settings import Settings

log = logging.getLogger("sitrep.run_report")

SEP = " · "
SUMMARY_KEY = "sitrep-run-summary"
DOCS_KEY = "sitrep-data-docs"


class SummaryLike(Protocol):
    """The parts of `pipeline.RunSummary` a run's name is made of."""

    run_id: str
    status: str
    files_new: int
    articles_new: int
    rejected: dict[str, int]
    quarantined_rows: int


def started_name() -> str:
    """The name a run gets when it starts (Prefect calls this as `flow_run_name`).

    A served run's process is started a few seconds before its scheduled time, so the name
    takes the scheduled time when that is still ahead.
    """
    when = datetime.now()
    try:
        from prefect.runtime import flow_run

        when = max(when, datetime.fromtimestamp(flow_run.scheduled_start_time.timestamp()))
    except Exception:  # no run context, or no schedule: now is the start
        pass
    return f"{when:%Y-%m-%d %H:%M:%S}{SEP}running"


def outcome_name(summary: SummaryLike, started: datetime | None = None) -> str:
    """The name a run keeps: its start time, then what it did and how it ended."""
    when = started or run_started(summary.run_id)
    parts = [f"{when:%Y-%m-%d %H:%M:%S}"]
    if summary.articles_new:
        parts.append(_count(summary.articles_new, "new article"))
    elif summary.files_new:
        parts.append(_count(summary.files_new, "new file") + ", no new article")
    else:
        parts.append("nothing new")
    rejected = sum(summary.rejected.values())
    if rejected:
        parts.append(_count(rejected, "reject"))
    if summary.quarantined_rows:
        parts.append(_count(summary.quarantined_rows, "row") + " quarantined")
    parts.append(summary.status)
    return SEP.join(parts)


def run_started(run_id: str) -> datetime:
    """The start time encoded in a run id (`20240310T140503-…`); now when there is none."""
    try:
        return datetime.strptime(run_id[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return datetime.now()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def rename_run(name: str) -> None:
    """Rename the current flow run in the Prefect API; a failure here is only logged."""
    run_id = _flow_run_id()
    if run_id is None:
        return
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            client.update_flow_run(run_id, name=name)
    except Exception as exc:  # naming is cosmetic: never fail a run over it
        log.warning("could not rename the flow run: %s", exc)


def _flow_run_id() -> UUID | None:
    ctx = FlowRunContext.get()
    return ctx.flow_run.id if ctx and ctx.flow_run else None


# ------------------------------------------------------------------ start and lock


@dataclass(frozen=True)
class RunStart:
    """What the run saw when it started, to tell at the end whether the warehouse changed."""

    run_id: str
    warehouse: Path
    warehouse_stamp: tuple[int, int] | None


def begin(settings: Settings, run_id: str, wait_seconds: float) -> RunStart:
    """Log where the run reads and writes, and say so when it must wait for another run."""
    logger = get_run_logger()
    logger.info("Sitrep run %s: landing %s -> warehouse %s", run_id, settings.landing_dir,
                settings.warehouse_path)
    holder = lock_holder(settings.lock_path)
    if holder is not None:
        if wait_seconds > 0:
            logger.warning("another run is writing this warehouse (%s); waiting up to %.0f s "
                           "for it to finish", holder, wait_seconds)
        else:
            logger.warning("another run is writing this warehouse (%s)", holder)
    return RunStart(run_id, settings.warehouse_path, _stamp(settings.warehouse_path))


def lock_holder(lock_path: Path) -> str | None:
    """Who holds the warehouse lock (its pid line), or None when it is free.

    Only a probe for the log: the lock itself is taken by `publish.run_lock`.
    """
    if not lock_path.exists():
        return None
    try:
        with open(lock_path, encoding="utf-8") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return handle.read().strip() or "unknown holder"
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        return None
    return None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


# ------------------------------------------------------------------ end of a run


def finish(summary: SummaryLike) -> str:
    """Name the finished run after what it did; returns the name."""
    name = outcome_name(summary)
    rename_run(name)
    return name


def report_failure(exc: BaseException, start: RunStart) -> str:
    """One clear sentence for a failed run: in the log, as an artifact and in the run's name."""
    # the step the pipeline noted when the exception passed through it; else ask the API
    # (task states reach it asynchronously, so it may not know yet)
    step = getattr(exc, "sitrep_step", None) or failed_task_name()
    changed = _stamp(start.warehouse) != start.warehouse_stamp
    where = f" in task {step}" if step else ""
    effect = ("the published warehouse had already been replaced before the failure"
              if changed else f"the published warehouse {start.warehouse} was left as it was")
    message = (f"Sitrep run {start.run_id} failed{where}: {type(exc).__name__}: {exc}. "
               f"{effect[0].upper()}{effect[1:]}; the traceback is in the logs above.")
    get_run_logger().error(message)
    try:
        create_markdown_artifact(
            key=SUMMARY_KEY, description=f"Sitrep run {start.run_id} (failed)",
            markdown="\n".join([
                "# Sitrep run", "", f"**Failed**{where}: `{type(exc).__name__}: {exc}`", "",
                f"Warehouse: `{start.warehouse}`: {effect}.", "",
                "The traceback is in this run's logs.", ""]))
    except Exception as art_exc:  # the failure itself is what matters
        log.warning("could not write the failure artifact: %s", art_exc)
    rename_run(SEP.join([f"{run_started(start.run_id):%Y-%m-%d %H:%M:%S}", "failed"]))
    return message


def failed_task_name() -> str | None:
    """The name of the task of the current flow run that ended Failed, if any."""
    run_id = _flow_run_id()
    if run_id is None:
        return None
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import (
            FlowRunFilter,
            FlowRunFilterId,
            TaskRunFilter,
            TaskRunFilterState,
            TaskRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType

        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
                task_run_filter=TaskRunFilter(state=TaskRunFilterState(
                    type=TaskRunFilterStateType(any_=[StateType.FAILED, StateType.CRASHED]))))
    except Exception as exc:
        log.warning("could not read the run's task states: %s", exc)
        return None
    # Task runs are named `<task name>-<n>`; the task's name is what a person recognises.
    return runs[0].name.rsplit("-", 1)[0] if runs else None


# ------------------------------------------------------------------ data docs


@task(name="build-data-docs", cache_policy=NO_CACHE)
def data_docs_task(work_db: str, next_db: str, run_id: str) -> str | None:
    """Render this run's GX Data Docs; a failure is a warning, never a failed run.

    SITREP_DATA_DOCS=0 turns them off (they are a second GX pass over the rows the gate
    checked; `make bench` turns them off to measure Prefect's own overhead).
    """
    logger = get_run_logger()
    if os.environ.get("SITREP_DATA_DOCS", "1").strip().lower() in ("0", "false", "no"):
        logger.info("Data Docs are turned off (SITREP_DATA_DOCS=0)")
        return None
    try:
        docs = build_data_docs(work_db, next_db, run_id, docs_dir(Path(next_db).parent))
    except Exception as exc:
        logger.warning("Data Docs were not built: %s: %s", type(exc).__name__, exc)
        return None
    logger.info("Data Docs: %s", docs.index.as_uri())
    return str(docs.index)


def docs_markdown(warehouse_path: str, run_id: str) -> str:
    """The Data Docs section of a run's markdown artifact ('' when none were built)."""
    docs: DataDocs | None = find_data_docs(docs_dir(Path(warehouse_path).parent), run_id)
    return "\n" + docs.markdown() if docs else ""

