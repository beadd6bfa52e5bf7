"""The HTML report of the published warehouse: queries in, one static page out.

`build_report` opens the published file read-only, runs the queries of `sql/report/` and
writes one self-contained page (inline CSS and SVG, no script, nothing fetched from the
network) to `<out_dir>/latest.html`, and with a run id also to `<out_dir>/runs/<run_id>.html`.
Each file is written beside its name and renamed into place, so a browser never reads half a
page. The pipeline builds it after every publish (`flows/report_serve.py`); `sitrep report`
builds it on demand. What each chart shows and which query feeds it: docs/report.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from flows.settings import load_settings
from flows.warehouse import duckdb_config, read_sql

COMMANDS = ("report",)
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
REPORTS_DIR = "reports"
DEFAULT_KEEP_RUNS = 100
TOP_EVENTS = 8
QUARANTINE_EXAMPLES = 3

T = TypeVar("T")


# ------------------------------------------------------------------ what the page shows


@dataclass(frozen=True)
class Header:
    """What the published file covers and which run published it."""

    first_event_date: date | None = None
    last_event_date: date | None = None
    undated_events: int = 0
    events: int = 0
    articles: int = 0
    first_published: date | None = None
    last_published: date | None = None
    facts: int = 0
    rejects: int = 0
    published_at: datetime | None = None
    run_id: str | None = None
    extractor_version: str | None = None


@dataclass(frozen=True)
class AirTotal:
    """The period's air attacks counted once per event, or once per report."""

    counted: str  # events, reports
    rows: int
    launched: int | None
    intercepted: int | None
    first_date: date | None
    last_date: date | None


@dataclass(frozen=True)
class AirRow:
    """One period and weapon category of the air-attack charts."""

    period_start: date
    category: str
    events: int
    launched: int | None
    intercepted: int | None
    events_without_launched: int
    events_with_outcome: int
    launched_with_outcome: int | None
    intercepted_with_outcome: int | None
    intercept_rate: float | None


@dataclass(frozen=True)
class OblastRow:
    """Killed and injured in one first-level region (None: no region named)."""

    admin1: str | None
    country_code: str | None
    killed: int
    injured: int
    events: int


@dataclass(frozen=True)
class Evidence:
    """One report of an event: its sentence, its figures and the article it came from."""

    event_key: int
    outlet: str | None
    source_tier: str | None
    gave_best: bool
    figure: int | None
    second: int | None
    evidence: str | None
    title: str | None
    source: str | None
    url: str | None
    published_at: datetime | None


@dataclass(frozen=True)
class EventRow:
    """One resolved event among the biggest of its kind, with the reports behind it."""

    event_key: int
    kind: str
    event_date: date | None
    date_precision: str | None
    location: str | None
    admin1: str | None
    weapon: str | None
    weapon_category: str | None
    cause: str | None
    best: float | None
    low: float | None
    high: float | None
    best_qualifier: str | None
    second: int | None  # intercepted (strikes) or injured (casualties)
    n_facts: int
    n_articles: int
    n_sources: int
    best_source_tier: str | None
    reports: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class SuiteRow:
    """The checks of one suite in the published run."""

    suite: str
    checks: int
    passed: int
    failed: int
    unexpected: int


@dataclass(frozen=True)
class FailedCheck:
    suite: str
    check_name: str
    level: str
    unexpected: int
    detail: str | None


@dataclass(frozen=True)
class QuarantineRow:
    table_name: str
    check_name: str
    rows: int
    articles: int


@dataclass(frozen=True)
class QuarantineExample:
    table_name: str
    check_name: str
    offending_values: str | None
    evidence: str | None


@dataclass
class ReportData:
    """Everything the page shows; `errors` names the sections the file could not answer."""

    warehouse: Path
    generated_at: datetime
    header: Header = field(default_factory=Header)
    unit: str = "day"  # the period of the air-attack charts: day, week or month
    air_totals: list[AirTotal] = field(default_factory=list)
    air: list[AirRow] = field(default_factory=list)
    oblasts: list[OblastRow] = field(default_factory=list)
    top_strikes: list[EventRow] = field(default_factory=list)
    top_casualties: list[EventRow] = field(default_factory=list)
    suites: list[SuiteRow] = field(default_factory=list)
    failed_checks: list[FailedCheck] = field(default_factory=list)
    quarantine: list[QuarantineRow] = field(default_factory=list)
    quarantine_examples: list[QuarantineExample] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def total(self, counted: str) -> AirTotal | None:
        """The air-attack total counted per `events` or per `reports`."""
        return next((t for t in self.air_totals if t.counted == counted), None)


# ------------------------------------------------------------------ queries


def _rows(con: duckdb.DuckDBPyConnection, name: str, cls: type[T],
          params: dict[str, Any] | None = None) -> list[T]:
    """Run `sql/report/<name>.sql` and build one `cls` per row from the named columns."""
    cursor = con.execute(read_sql(f"report/{name}.sql"), params or {})
    columns = [d[0] for d in cursor.description or []]
    return [cls(**dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]


def period_unit(first: date | None, last: date | None) -> str:
    """Day bars up to two months, week bars up to half a year, month bars beyond.

    At 1280 pixels a bar per day stays readable for about sixty days; a longer period would
    turn into hairlines, so it is summed per ISO week (Monday) or calendar month instead.
    """
    if first is None or last is None:
        return "day"
    days = (last - first).days
    return "day" if days <= 62 else "week" if days <= 183 else "month"


def _events(con: duckdb.DuckDBPyConnection, kind: str, limit: int) -> list[EventRow]:
    events = _rows(con, "top_events", EventRow, {"kind": kind, "limit_n": limit})
    if not events:
        return []
    reports: dict[int, list[Evidence]] = {}
    for ev in _rows(con, "event_evidence", Evidence,
                    {"event_keys": [e.event_key for e in events]}):
        reports.setdefault(ev.event_key, []).append(ev)
    return [dataclasses.replace(e, reports=tuple(reports.get(e.event_key, ())))
            for e in events]


def read_report(warehouse: Path, top: int = TOP_EVENTS) -> ReportData:
    """Query the published file (read-only) for everything the page shows.

    A section whose query fails (a file published before that table existed) is recorded in
    `errors` and shown as such; the other sections still render.
    """
    data = ReportData(warehouse=warehouse, generated_at=datetime.now().replace(microsecond=0))
    with duckdb.connect(str(warehouse), read_only=True, config=duckdb_config()) as con:
        def section(name: str, read: Any) -> None:
            try:
                read()
            except duckdb.Error as exc:
                data.errors[name] = f"{type(exc).__name__}: {exc}"

        def header() -> None:
            found = _rows(con, "header", Header)
            data.header = found[0] if found else Header()

        def air() -> None:
            data.air_totals = _rows(con, "air_attack_totals", AirTotal)
            span = data.total("events")
            data.unit = period_unit(span.first_date if span else None,
                                    span.last_date if span else None)
            data.air = _rows(con, "air_attacks", AirRow, {"unit": data.unit})

        def oblasts() -> None:
            data.oblasts = _rows(con, "casualties_by_oblast", OblastRow)

        def events() -> None:
            data.top_strikes = _events(con, "strike", top)
            data.top_casualties = _events(con, "casualty", top)

        def quality() -> None:
            data.suites = _rows(con, "quality_by_suite", SuiteRow)
            data.failed_checks = _rows(con, "failed_checks", FailedCheck)
            data.quarantine = _rows(con, "quarantine_by_check", QuarantineRow)
            data.quarantine_examples = _rows(con, "quarantine_examples", QuarantineExample,
                                             {"per_check": QUARANTINE_EXAMPLES})

        for name, read in (("header", header), ("air", air), ("oblasts", oblasts),
                           ("events", events), ("quality", quality)):
            section(name, read)
    return data


# ------------------------------------------------------------------ writing


def default_out_dir(warehouse: Path) -> Path:
    """`<warehouse folder>/reports/`: beside the Data Docs, served by `sitrep serve`."""
    return warehouse.parent / REPORTS_DIR


def keep_runs() -> int:
    """How many per-run pages are kept (`SITREP_REPORTS_KEEP`, default 100)."""
    value = os.environ.get("SITREP_REPORTS_KEEP")
    return max(int(value), 1) if value else DEFAULT_KEEP_RUNS


def write_atomic(path: Path, text: str) -> Path:
    """Write beside `path`, flush, then rename over it: readers see the old page or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _prune(runs_dir: Path, keep: int) -> None:
    """Drop all but the newest `keep` per-run pages (run ids sort by start time)."""
    pages = sorted(runs_dir.glob("*.html"), key=lambda p: p.name)
    for old in pages[:-keep]:
        old.unlink(missing_ok=True)


def _safe_run_id(run_id: str) -> str:
    """A run id usable as a file name (ids are `20240310T140503-1a2b3c4d`; refuse others)."""
    if not run_id or not all(c.isalnum() or c in "-_." for c in run_id) or run_id[0] == ".":
        raise ValueError(f"not a usable run id for a file name: {run_id!r}")
    return run_id


def build_report(warehouse_path: Path, out_dir: Path | None = None,
                 run_id: str | None = None) -> Path:
    """Write `out_dir/latest.html` (and `out_dir/runs/<run_id>.html`); returns latest.html.

    Raises FileNotFoundError when nothing is published at `warehouse_path` yet.
    """
    from flows.report_html import render_page

    warehouse = Path(warehouse_path)
    if not warehouse.is_file():
        raise FileNotFoundError(f"no published warehouse at {warehouse}")
    out = Path(out_dir) if out_dir is not None else default_out_dir(warehouse)
    data = read_report(warehouse)
    latest = write_atomic(out / "latest.html", render_page(data, out, run_id))
    if run_id is not None:
        runs = out / "runs"
        page = runs / f"{_safe_run_id(run_id)}.html"
        write_atomic(page, render_page(data, runs, run_id))
        _prune(runs, keep_runs())
    return latest


# ------------------------------------------------------------------ command line


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `sitrep report` sub-command."""
    report = sub.add_parser(
        "report", help="write the HTML report of the published warehouse and print its path")
    report.add_argument("--warehouse", type=Path,
                        help="published DuckDB file (default: $SITREP_WAREHOUSE or "
                             "warehouse/warehouse.duckdb)")
    report.add_argument("--out", type=Path, metavar="DIR",
                        help="folder for latest.html (default: reports/ beside the warehouse)")
    report.add_argument("--open", action="store_true", help="open the page in a browser")


def main(args: argparse.Namespace) -> int:
    """`sitrep report`: 0 with the page's path printed, 2 when nothing is published yet."""
    warehouse = load_settings().with_overrides(None, args.warehouse).warehouse_path
    if not warehouse.is_file():
        print(f"sitrep report: no published warehouse at {warehouse} (run `sitrep run` "
              "first)", file=sys.stderr)
        return EXIT_USAGE
    try:
        page = build_report(warehouse, args.out.resolve() if args.out else None)
    except (OSError, duckdb.Error) as exc:
        print(f"sitrep report: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(page)
    if args.open:
        import webbrowser

        webbrowser.open(page.as_uri())
    return EXIT_OK
