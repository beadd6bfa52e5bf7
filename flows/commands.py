"""The `sitrep status` and `sitrep rebuild` commands, and the checks `sitrep run` makes first.

Kept out of `flows.cli` so that module only parses and dispatches. Nothing heavy is imported
at module level: `sitrep status` answers without Prefect or Great Expectations.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from flows.settings import Settings, load_settings

COMMANDS = ("status", "rebuild")
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `status` and `rebuild` on the `sitrep` parser."""
    status = sub.add_parser(
        "status", help="what the published warehouse holds and where every landing file went")
    status.add_argument("--warehouse", type=Path,
                        help="published DuckDB file (default: $SITREP_WAREHOUSE or "
                             "warehouse/warehouse.duckdb)")
    status.add_argument("--landing", type=Path,
                        help="also check this landing folder: every file accounted for, or "
                             "pending")
    status.add_argument("--files", action="store_true",
                        help="list every known landing file with what it became")
    status.add_argument("--json", action="store_true", help="print JSON instead of text")
    rebuild = sub.add_parser(
        "rebuild", help="re-extract every stored article with the current extractor and "
                        "republish (the raw layer is not touched)")
    rebuild.add_argument("--warehouse", type=Path,
                         help="published DuckDB file (default: $SITREP_WAREHOUSE or "
                              "warehouse/warehouse.duckdb)")
    rebuild.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                         help="wait this long for another run to finish (default: fail at once)")


def main(args: argparse.Namespace) -> int:
    settings = load_settings().with_overrides(getattr(args, "landing", None), args.warehouse)
    if args.command == "status":
        return _status(settings, args.landing is not None, args.json, args.files)
    return _rebuild(settings, args.wait)


def preflight(settings: Settings) -> str | None:
    """Why a run cannot start (landing folder unreadable, warehouse folder not writable)."""
    from flows.ingest import LandingUnavailable, check_landing

    try:
        check_landing(settings.landing_dir)
    except LandingUnavailable as exc:
        if not settings.landing_dir.exists():
            return f"landing folder not found: {settings.landing_dir}"
        return str(exc)
    folder = settings.state_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".sitrep-write-check-"):
            pass
    except OSError as exc:
        return (f"cannot write in the warehouse folder {folder} ({exc.strerror or exc}); a run "
                "writes its work database and the next published file there")
    return None


def _status(settings: Settings, with_landing: bool, as_json: bool, list_files: bool) -> int:
    from flows.ingest import LandingUnavailable
    from flows.status import main as status_main

    try:
        return status_main(settings.warehouse_path,
                           settings.landing_dir if with_landing else None, as_json, list_files)
    except LandingUnavailable as exc:
        print(f"sitrep status: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _rebuild(settings: Settings, wait: float) -> int:
    from flows.cli import _progress_logging, prefect_defaults

    if not settings.work_db_path.exists():
        print(f"sitrep rebuild: no work database at {settings.work_db_path}; run the pipeline "
              "first, there is nothing stored to rebuild from", file=sys.stderr)
        return EXIT_USAGE
    prefect_defaults()
    _progress_logging()
    from flows.pipeline import new_run_id
    from flows.rebuild import sitrep_rebuild

    run_id = new_run_id()
    state = sitrep_rebuild(warehouse=str(settings.warehouse_path), run_id=run_id,
                           wait_seconds=wait, return_state=True)
    return report_outcome("rebuild", settings, run_id, state)


def report_outcome(command: str, settings: Settings, run_id: str, state: Any) -> int:
    """Print a finished flow run's summary and turn its state into the command's exit code."""
    from flows.pipeline import RunSummary
    from flows.publish import LockBusy, PublishBlocked, read_run

    logged = read_run(settings.work_db_path, run_id)
    if logged and logged.get("summary"):
        print(RunSummary.from_dict(logged["summary"]).text())
    if state.is_completed():
        from flows.report import default_out_dir

        latest = default_out_dir(settings.warehouse_path) / "latest.html"
        if latest.exists():
            print(f"report: {latest}")
        return EXIT_OK
    error = state.result(raise_on_failure=False)
    if isinstance(error, LockBusy):
        print(f"sitrep {command}: {error}", file=sys.stderr)
        return EXIT_LOCKED
    if isinstance(error, PublishBlocked):
        print(f"sitrep {command}: {error}", file=sys.stderr)
    else:
        print(f"sitrep {command}: the {command} failed: {state.message or error}",
              file=sys.stderr)
    return EXIT_FAILED
