"""`sitrep fetch`: fetch the configured feeds and pages into the landing folder, nothing else.

The next `sitrep run` (or scheduled run) ingests what was fetched. The fetch writes the
fetcher's state into the work database, so it takes the warehouse lock like a run; its
rejects are recorded in the work database at once (a run's rejects go there through its
ingest step), so they are published with the next run and nothing fetched goes unaccounted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from flows.settings import Settings, load_settings

COMMANDS = ("fetch",)
EXIT_OK, EXIT_USAGE, EXIT_LOCKED = 0, 2, 3
SOURCES_HELP = "feeds and pages to fetch (default: $SITREP_SOURCES or sources.toml)"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `sitrep fetch`."""
    fetch = sub.add_parser("fetch", help="fetch new items of the feeds and pages of "
                           "sources.toml into the landing folder (no ingest, no publish)")
    fetch.add_argument("--sources", type=Path, help=SOURCES_HELP)
    fetch.add_argument("--landing", type=Path, help="landing folder (default: "
                       "$SITREP_LANDING or warehouse/landing)")
    fetch.add_argument("--warehouse", type=Path, help="published DuckDB file, which places the "
                       "work database holding the fetch state (default: $SITREP_WAREHOUSE or "
                       "warehouse/warehouse.duckdb)")
    fetch.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                       help="wait this long for a run holding the warehouse to finish")


def use_sources(path: Path | None) -> str | None:
    """Point this process (and the runs it starts) at a sources file; a problem, or None.

    The flow reads SITREP_SOURCES like every other setting, so the choice goes through the
    environment. The file is checked here so a mistake is a usage error before any run.
    """
    from flows.feeds_config import SourcesError, load_sources

    if path is not None:
        if not path.is_file():
            return f"--sources: no such file: {path}"
        os.environ["SITREP_SOURCES"] = str(path.resolve())
    sources = load_settings().sources_path
    if sources.exists():
        try:
            load_sources(sources)
        except SourcesError as exc:
            return str(exc)
    return None


def main(args: argparse.Namespace) -> int:
    """`sitrep fetch`: 0 when fetched (rejects included), 2 usage error, 3 lock busy."""
    problem = use_sources(args.sources)
    settings = load_settings().with_overrides(args.landing, args.warehouse)
    if problem is None and not settings.sources_path.is_file():
        problem = (f"no sources file at {settings.sources_path}; copy sources.example.toml to "
                   "sources.toml, or give --sources FILE")
    if problem is None and not settings.landing_dir.is_dir():
        problem = f"landing folder not found: {settings.landing_dir}"
    if problem:
        print(f"sitrep fetch: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return _fetch(settings, args.wait)


def _fetch(settings: Settings, wait: float) -> int:
    from flows.feeds import fetch_sources
    from flows.load import load_raw
    from flows.pipeline import new_run_id
    from flows.publish import LockBusy, run_lock

    _log_to_stderr()
    run_id = "fetch-" + new_run_id()
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    try:
        with run_lock(settings.lock_path, wait):
            result = fetch_sources(settings.sources_path, settings.landing_dir,
                                   str(settings.work_db_path), run_id)
            if result.rejects:
                load_raw(settings.work_db_path, [], [], result.rejects, run_id)
    except LockBusy as exc:
        print(f"sitrep fetch: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    print(result.text())
    if result.files_written:
        print(f"the next run ingests them from {settings.landing_dir}")
    return EXIT_OK


def _log_to_stderr() -> None:
    logger = logging.getLogger("sitrep.feeds")
    if not logger.handlers and not logging.getLogger("sitrep").handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
