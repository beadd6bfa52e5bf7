"""The `sitrep` command.

`sitrep run` runs the Prefect flow once and prints what it did; `sitrep extract FILE` prints
the facts of one article file as JSON without touching any warehouse (and without importing
Prefect or Great Expectations, so it answers in about a second); `sitrep eval CORPUS` scores
extraction against gold facts. `sitrep serve` and `sitrep ui` (flows/serve.py) run it on a
schedule and start the Prefect UI. `sitrep export` (flows/export.py) writes the published
warehouse as ACLED-like or Air Force-like CSV, or as Parquet. `sitrep report` (flows/report.py)
writes the published warehouse as one static HTML page with charts.

Exit codes: 0 published (or extract/eval done), 1 publish blocked by the quality gate, run
failed, or eval below its threshold, 2 usage error, 3 another run holds the warehouse lock.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from flows import commands as ops_commands
from flows import export as export_commands
from flows import feeds_cli as feeds_commands
from flows import report as report_commands
from flows import serve as serve_commands
from flows.server import adopt_running_server
from flows.settings import REPO_ROOT, load_settings

EXIT_OK, EXIT_BLOCKED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
DASK_HELP = ("extract on Dask: a scheduler address (tcp://HOST:8786) or 'local' for a cluster "
             "of SITREP_WORKERS processes (default: $SITREP_DASK, else a local process pool; "
             "see docs/scaling.md)")


def prefect_defaults() -> None:
    """Environment Prefect needs on a small machine; set before Prefect is first imported."""
    os.environ.setdefault("PREFECT_HOME", str(REPO_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Run logs still reach the Prefect API; only the console is kept to warnings.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitrep", description="War reporting into a DuckDB warehouse analysts can trust.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the pipeline once and publish the warehouse")
    run.add_argument("--landing", type=Path,
                     help="folder of article files (default: $SITREP_LANDING or "
                          "warehouse/landing)")
    run.add_argument("--warehouse", type=Path,
                     help="published DuckDB file (default: $SITREP_WAREHOUSE or "
                          "warehouse/warehouse.duckdb)")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="wait this long for another run to finish (default: fail at once)")
    run.add_argument("--dask", metavar="ADDRESS|local", help=DASK_HELP)
    run.add_argument("--sources", type=Path, help=feeds_commands.SOURCES_HELP)
    extract = sub.add_parser("extract", help="print the facts of one article file as JSON")
    extract.add_argument("file", type=Path, help="a .txt, .md, .html or .jsonl article file")
    evaluate = sub.add_parser(
        "eval", help="measure extraction on a corpus folder (landing/ + gold*.jsonl)")
    evaluate.add_argument("corpus", type=Path, help="e.g. tests/corpus or samples")
    evaluate.add_argument("--min-f1", type=float, default=0.0, metavar="F1",
                          help="exit 1 when the overall figures F1 is below this")
    evaluate.add_argument("--min-strict-f1", type=float, default=0.0, metavar="F1",
                          help="exit 1 when the overall strict F1 is below this")
    evaluate.add_argument("--quiet", action="store_true",
                          help="print the scores only, not every miss and false positive")
    synth = sub.add_parser(
        "synth", help="write N synthetic articles with gold facts (OUT_DIR/landing, gold.jsonl)")
    synth.add_argument("n", type=int, help="number of articles")
    synth.add_argument("out_dir", type=Path, help="output folder (created)")
    synth.add_argument("--seed", type=int, default=1, help="same seed, same corpus (default 1)")
    synth.add_argument("--start", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                       help="first publication day (default 2024-01-01)")
    synth.add_argument("--days", type=int, default=None,
                       help="publication days spread over this many days (default 600)")
    ops_commands.add_parsers(sub)
    export_commands.add_parsers(sub)
    feeds_commands.add_parsers(sub)
    report_commands.add_parsers(sub)
    serve_commands.add_parsers(sub)
    sub.choices["serve"].add_argument("--dask", metavar="ADDRESS|local", help=DASK_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if getattr(args, "dask", None):
        problem = _use_dask(args.dask)
        if problem:
            print(f"sitrep {args.command}: {problem}", file=sys.stderr)
            return EXIT_USAGE
    if args.command == "extract":
        return _extract(args.file)
    if args.command == "eval":
        return _eval(args.corpus, args.min_f1, args.min_strict_f1, args.quiet)
    if args.command == "synth":
        return _synth(args.n, args.out_dir, args.seed, args.start, args.days)
    if args.command in ops_commands.COMMANDS:
        return ops_commands.main(args)
    if args.command in export_commands.COMMANDS:
        return export_commands.main(args)
    if args.command in feeds_commands.COMMANDS:
        return feeds_commands.main(args)
    if args.command in report_commands.COMMANDS:
        return report_commands.main(args)
    if args.command in serve_commands.COMMANDS:
        return serve_commands.main(args)
    problem = feeds_commands.use_sources(args.sources)  # checked before Prefect starts
    if problem:
        print(f"sitrep run: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return _run(args.landing, args.warehouse, args.wait)


def _extract(path: Path) -> int:
    if not path.is_file():
        print(f"sitrep extract: no such file: {path}", file=sys.stderr)
        return EXIT_USAGE
    from flows.extract.article import extract_article
    from flows.ingest import LandingFile, read_landing_file

    max_bytes = load_settings().max_file_bytes
    data = path.read_bytes()
    landing = LandingFile(path=path.resolve(), name=path.name, size=len(data),
                          sha256=hashlib.sha256(data).hexdigest())
    articles, rejects = read_landing_file(landing, max_bytes)
    out: list[dict[str, Any]] = []
    for art in articles:
        extraction = extract_article(
            art.text, art.published_at.date() if art.published_at else None,
            art.title, art.language)
        out.append({"article": art.article_id, "language": extraction.language,
                    "published_at": (extraction.published_at.isoformat()
                                     if extraction.published_at else None),
                    "facts": extraction.records()})
    for r in rejects:
        print(f"rejected {r.source_file} line {r.line}: {r.reason} {r.detail or ''}",
              file=sys.stderr)
    print(json.dumps(out[0] if len(out) == 1 else out, indent=2, ensure_ascii=False))
    return EXIT_OK


def _synth(n: int, out_dir: Path, seed: int, start: date | None, days: int | None) -> int:
    from flows.synth import DAYS, FIRST_DAY, write_corpus

    if n < 1:
        print("sitrep synth: N must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if days is not None and days < 0:
        print("sitrep synth: --days must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    facts = write_corpus(n, out_dir, seed,
                         progress=lambda i: print(f"  {i}/{n} articles", file=sys.stderr),
                         start=start or FIRST_DAY, days=DAYS if days is None else days)
    print(f"wrote {n} articles with {facts} gold facts to {out_dir}")
    return EXIT_OK


def _eval(corpus: Path, min_f1: float, min_strict_f1: float, quiet: bool) -> int:
    from flows.evaluate import evaluate, render

    if not (corpus / "landing").is_dir():
        print(f"sitrep eval: {corpus} has no landing/ folder of articles", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = evaluate(corpus)
    except ValueError as exc:
        print(f"sitrep eval: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(render(report, verbose=not quiet))
    figures, strict = report.overall(False).f1, report.overall(True).f1
    if figures < min_f1 or strict < min_strict_f1:
        print(f"sitrep eval: below threshold (figures F1 {figures:.3f} < {min_f1} or strict F1 "
              f"{strict:.3f} < {min_strict_f1})", file=sys.stderr)
        return EXIT_BLOCKED
    return EXIT_OK


def _run(landing: Path | None, warehouse: Path | None, wait: float) -> int:
    settings = load_settings().with_overrides(landing, warehouse)
    problem = ops_commands.preflight(settings)
    if problem:
        print(f"sitrep run: {problem}", file=sys.stderr)
        return EXIT_USAGE
    prefect_defaults()
    if adopt_running_server():  # `sitrep serve` / `sitrep ui` is up: join its run history
        print(f"sitrep: using the Prefect server at {os.environ['PREFECT_API_URL']}",
              file=sys.stderr)
    _progress_logging()
    print(f"sitrep: starting a run on {settings.landing_dir} (Prefect's local API may take "
          "a few seconds to start)", file=sys.stderr)
    from flows.commands import report_outcome
    from flows.pipeline import new_run_id, sitrep_pipeline

    run_id = new_run_id()
    state = sitrep_pipeline(landing=str(settings.landing_dir),
                            warehouse=str(settings.warehouse_path), run_id=run_id,
                            wait_seconds=wait, return_state=True)
    return report_outcome("run", settings, run_id, state)


def _use_dask(address: str) -> str | None:
    """Hand extraction to Dask in the runs this process starts; a problem, or None.

    The flow reads SITREP_DASK like every other setting, so the flag goes through the
    environment, which also reaches the runs `sitrep serve` starts.
    """
    if address != "local" and ":" not in address:
        return (f"--dask {address!r}: expected a scheduler address such as "
                "tcp://127.0.0.1:8786, or the word local")
    os.environ["SITREP_DASK"] = address
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # no per-worker chatter
    return None


def _progress_logging() -> None:
    """Show the pipeline's progress lines (not Prefect's) on stderr."""
    logger = logging.getLogger("sitrep")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


if __name__ == "__main__":
    sys.exit(main())
