"""`sitrep serve` (the scheduled service) and `sitrep ui` (the Prefect server alone).

`sitrep serve` makes sure a Prefect server answers at the configured API URL (starting one on
127.0.0.1:4200 when none does: schedules need a real server), then serves the deployment
`sitrep-pipeline/scheduled` from this process. Each scheduled run is an ordinary
`sitrep-pipeline` run, so it processes only the landing files not seen before. While it
runs, the HTML reports and Data Docs of the warehouse are served on 127.0.0.1 (port
`SITREP_REPORTS_PORT`, default 4280; flows/report_serve.py) so the runs can link them.

No two runs write at once:
- the deployment has a concurrency limit of 1 that queues (`ENQUEUE`) a run that comes due,
  or is started by hand in the UI, while another run of it is in progress;
- every run, whoever starts it, takes the warehouse lock (`publish.run_lock`); a scheduled
  run waits for it up to `wait_seconds` (default an hour), `sitrep run` fails at once with
  exit code 3 unless given `--wait`.

Ctrl-C or SIGTERM stops the runner (a run in progress is cancelled; the published file is
only ever replaced whole, so it is left as it was), pauses the schedule, stops the server if
this process started it, and says so.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from flows.report_serve import ReportServer, start_report_server
from flows.server import (
    LocalServer,
    ServerError,
    configured_api_url,
    ensure_server,
    is_up,
    prefect_home,
    start_server,
)
from flows.settings import Settings, load_settings

FLOW_NAME = "sitrep-pipeline"
DEPLOYMENT_NAME = "scheduled"
DEFAULT_INTERVAL_SECONDS = 15 * 60
SCHEDULED_WAIT_SECONDS = 3600.0


@dataclass(frozen=True)
class Schedule:
    """Either a fixed interval in seconds or a cron expression."""

    interval: float | None = None
    cron: str | None = None

    def describe(self) -> str:
        if self.cron:
            return f"on cron '{self.cron}'"
        seconds = self.interval or DEFAULT_INTERVAL_SECONDS
        if seconds == 60:
            return "every minute"
        return (f"every {seconds / 60:g} minutes" if seconds > 60 and seconds % 60 == 0
                else f"every {seconds:g} seconds")


def parse_schedule(cron: str | None = None, interval: float | None = None) -> Schedule:
    """Check a `--cron` / `--interval` choice; the default is every 15 minutes."""
    if cron and interval is not None:
        raise ValueError("give either --cron or --interval, not both")
    if interval is not None:
        if not interval > 0:
            raise ValueError(f"--interval must be a positive number of seconds, not {interval:g}")
        return Schedule(interval=float(interval))
    if cron:
        from prefect.client.schemas.schedules import CronSchedule

        try:
            CronSchedule(cron=cron)
        except ValueError:
            raise ValueError(f"--cron: not a valid cron expression: {cron!r}") from None
        return Schedule(cron=cron)
    return Schedule(interval=float(DEFAULT_INTERVAL_SECONDS))


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stoppable() -> dict[int, Any]:
    """Ctrl-C and SIGTERM both stop cleanly, even when started with SIGINT ignored (`cmd &`).

    Returns the previous handlers, to be put back with `_restore` once stopped.
    """
    previous: dict[int, Any] = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)  # until the runner installs its own handler
    return previous


def _restore(previous: dict[int, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)


def _server(out: TextIO, command: str) -> LocalServer:
    api = configured_api_url()
    if not is_up(api):
        _say(out, f"{command}: starting a Prefect server for {api} (PREFECT_HOME "
                  f"{prefect_home()}; this takes 10-25 s)")
    server = ensure_server(api)
    if server.started_here:
        _say(out, f"{command}: Prefect server ready in {server.start_seconds:g} s; UI at "
                  f"{server.ui_url} (log: {server.log_path})")
    else:
        _say(out, f"{command}: using the Prefect server already running at {server.ui_url}")
    return server


def serve(settings: Settings, schedule: Schedule, wait_seconds: float = SCHEDULED_WAIT_SECONDS,
          out: TextIO = sys.stderr) -> int:
    """Run the scheduled service until Ctrl-C or SIGTERM; 0 on a clean stop, 1 if it fails."""
    previous = _stoppable()
    server: LocalServer | None = None
    reports: ReportServer | None = None
    started_here = False
    try:
        server = _server(out, "sitrep serve")
        started_here = server.started_here
        os.environ["PREFECT_API_URL"] = server.api_url
        # Runs link their HTML report and Data Docs over http (the UI cannot open file://).
        reports = start_report_server(settings.state_dir)
        _say(out, f"sitrep serve: serving {FLOW_NAME}/{DEPLOYMENT_NAME} {schedule.describe()}: "
                  f"landing {settings.landing_dir} -> warehouse {settings.warehouse_path}")
        _say(out, f"sitrep serve: run history at {server.ui_url}/runs; reports at "
                  f"{reports.url}/reports/latest.html; Ctrl-C to stop")
        _serve_deployment(settings, schedule, wait_seconds)
    except ServerError as exc:
        _say(out, f"sitrep serve: {exc}")
        return 1
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for sig in _STOP_SIGNALS:  # a second signal must not cut the stop short
            signal.signal(sig, signal.SIG_IGN)
        if reports is not None:
            reports.stop()
        if server is not None:
            server.stop()  # only stops a server this process started
        _restore(previous)
    _say(out, f"sitrep serve: stopped; the schedule of {FLOW_NAME}/{DEPLOYMENT_NAME} is paused "
              "until the next `sitrep serve`"
              + ("; the Prefect server it started is stopped" if started_here else ""))
    return 0


def _serve_deployment(settings: Settings, schedule: Schedule, wait_seconds: float) -> None:
    """Register `sitrep-pipeline/scheduled` and poll for its runs until stopped."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.types.entrypoint import EntrypointType

    from flows.pipeline import sitrep_pipeline

    sitrep_pipeline.serve(
        name=DEPLOYMENT_NAME,
        interval=schedule.interval if schedule.cron is None else None,
        cron=schedule.cron,
        parameters={"landing": str(settings.landing_dir),
                    "warehouse": str(settings.warehouse_path),
                    "wait_seconds": wait_seconds},
        global_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
        limit=1,
        pause_on_shutdown=True,
        print_starting_message=False,
        description="Sitrep on a schedule: the landing files that arrived since the last run, "
                    "through the quality gate, into the published warehouse.",
        tags=["sitrep"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def ui(out: TextIO = sys.stdout) -> int:
    """Start only the Prefect server, print the UI's URL, and keep it up until stopped."""
    api = configured_api_url()
    if is_up(api):
        _say(out, f"Prefect UI: {api.removesuffix('/api')} (a server is already running there)")
        return 0
    previous = _stoppable()
    server: LocalServer | None = None
    try:
        _say(out, f"sitrep ui: starting a Prefect server for {api} (PREFECT_HOME "
                  f"{prefect_home()}; this takes 10-25 s)")
        server = start_server(api, prefect_home())
        _say(out, f"Prefect UI: {server.ui_url} (ready in {server.start_seconds:g} s; "
                  "Ctrl-C to stop)")
        while server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
        _say(out, "sitrep ui: the Prefect server exited on its own; its log is "
                  f"{server.log_path}")
        return 1
    except ServerError as exc:
        _say(out, f"sitrep ui: {exc}")
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        for sig in _STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        if server is not None:
            server.stop()
        _restore(previous)
    _say(out, "sitrep ui: stopped the Prefect server")
    return 0


# ------------------------------------------------------------------ command line

COMMANDS = ("serve", "ui")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `sitrep serve` and `sitrep ui` sub-commands."""
    serve_cmd = sub.add_parser(
        "serve", help="run the pipeline on a schedule (starts a local Prefect server if needed)")
    when = serve_cmd.add_mutually_exclusive_group()
    when.add_argument("--cron", metavar="EXPR", help="cron schedule, e.g. '*/15 * * * *'")
    when.add_argument("--interval", type=float, metavar="SECONDS",
                      help=f"run every SECONDS (default {DEFAULT_INTERVAL_SECONDS})")
    serve_cmd.add_argument("--landing", type=Path, help="landing folder (default: "
                           "$SITREP_LANDING or warehouse/landing)")
    serve_cmd.add_argument("--warehouse", type=Path, help="published DuckDB file (default: "
                           "$SITREP_WAREHOUSE or warehouse/warehouse.duckdb)")
    serve_cmd.add_argument("--wait", type=float, default=SCHEDULED_WAIT_SECONDS,
                           metavar="SECONDS", help="how long a scheduled run waits for another "
                           f"run to finish writing (default {SCHEDULED_WAIT_SECONDS:g})")
    sub.add_parser("ui", help="start only the local Prefect server and print the UI's URL")


def main(args: argparse.Namespace) -> int:
    """Dispatch `sitrep serve` / `sitrep ui`; 2 on a usage error."""
    from flows.cli import EXIT_USAGE, prefect_defaults

    # A service's console shows what its runs do (INFO), unless told otherwise.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO")
    prefect_defaults()
    if args.command == "ui":
        return ui()
    try:
        schedule = parse_schedule(args.cron, args.interval)
    except ValueError as exc:
        print(f"sitrep serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    settings = load_settings().with_overrides(args.landing, args.warehouse)
    if not settings.landing_dir.is_dir():
        print(f"sitrep serve: landing folder not found: {settings.landing_dir}",
              file=sys.stderr)
        return EXIT_USAGE
    return serve(settings, schedule, max(args.wait, 0.0))
