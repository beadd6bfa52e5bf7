"""`sitrep rebuild`: re-extract every stored article with the current extractor and republish.

The raw layer keeps each article's text, so a newer extractor can replace all facts without
the landing files. A rebuild is a normal run with three steps swapped: nothing is discovered
or ingested (raw articles and the file ledger stay exactly as they are), every article is
planned instead of only the unextracted ones, and after staging only the current extractor's
facts are kept. Building, the quality gate, the atomic publish, the lock and crash recovery are
those of `sitrep run`. Articles the extractor fails on are recorded as `extraction_error`
rejects, as in any run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.states import Failed, State

from flows import load, publish, staging
from flows.pipeline import (
    PLAIN_STEPS,
    PREFECT_STEPS,
    RunSummary,
    _orchestrate,
    new_run_id,
    step_load_staging,
)
from flows.settings import Settings, load_settings
from flows.warehouse import SQL_DIR, run_sql_file, work_connection


def plan_all(work_db: str, extractor_version: str, batch_size: int) -> list[list[int]]:
    """Every stored article, in batches, whatever extracted it before."""
    with work_connection(work_db) as con:
        rows = con.execute(
            (SQL_DIR / "load" / "101_all_articles.sql").read_text(encoding="utf-8")).fetchall()
    keys = [int(r[0]) for r in rows]
    size = max(batch_size, 1)
    return [keys[i:i + size] for i in range(0, len(keys), size)]


def keep_current_version(work_db: str, extractor_version: str) -> None:
    """Drop staged facts and extraction rows of any other extractor version."""
    with work_connection(work_db) as con:
        con.execute("begin transaction")
        try:
            run_sql_file(con, SQL_DIR / "load" / "120_staging_keep_version.sql",
                         {"extractor_version": extractor_version})
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")


def _no_discovery(landing_dir: str, work_db: str, max_file_bytes: int
                  ) -> tuple[list[Any], list[Any], int]:
    return [], [], 0


def _no_ingest(work_db: str, files: list[Any], rejects: list[Any], max_file_bytes: int,
               run_id: str, workers: int = 1,
               extractor_version: str | None = None) -> load.IngestStats:
    return load.IngestStats()


def _load_current(work_db: str, batches: Sequence[staging.BatchResult],
                  run_id: str) -> dict[str, int]:
    from flows.extract.version import EXTRACTOR_VERSION

    totals = step_load_staging(work_db, batches, run_id)
    keep_current_version(work_db, EXTRACTOR_VERSION)
    return totals


def _ensure_work_db(settings: Settings) -> None:
    """A rebuild needs stored articles: refuse clearly when there is no work database."""
    if not settings.work_db_path.exists():
        raise FileNotFoundError(f"no work database at {settings.work_db_path}: nothing was "
                                "ingested yet, so there is nothing to rebuild (run first)")


def rebuild_pipeline(settings: Settings | None = None, run_id: str | None = None,
                     wait_seconds: float = 0.0) -> RunSummary:
    """One rebuild without Prefect; returns the summary (a blocked publish does not raise)."""
    settings = settings or load_settings()
    _ensure_work_db(settings)
    steps = replace(PLAIN_STEPS, fetch=None, discover=_no_discovery, ingest=_no_ingest,
                    plan=plan_all, load_staging=_load_current)
    return _orchestrate(settings, run_id or new_run_id(), wait_seconds, steps)


@flow(name="sitrep-rebuild", log_prints=False)
def sitrep_rebuild(warehouse: str | None = None, run_id: str | None = None,
                   wait_seconds: float = 0.0) -> dict[str, Any] | State[Any]:
    """Re-extract every stored article and republish; Failed (with why) when the gate blocks."""
    settings = load_settings().with_overrides(None, Path(warehouse) if warehouse else None)
    _ensure_work_db(settings)
    steps = replace(PREFECT_STEPS, fetch=None, discover=_no_discovery, ingest=_no_ingest,
                    plan=plan_all, load_staging=_load_current)
    summary = _orchestrate(settings, run_id or new_run_id(), wait_seconds, steps)
    get_run_logger().info("%s", summary.text())
    if summary.status == "blocked":
        return Failed(message=summary.message, data=publish.PublishBlocked(summary.message))
    return summary.as_dict()
