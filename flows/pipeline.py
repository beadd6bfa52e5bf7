"""The `sitrep-pipeline` Prefect flow, and the same run as plain function calls.

discover landing files -> ingest into raw -> extract (in batches) -> load staging ->
build the candidate warehouse -> quality gate -> publish (or block) -> summary.

Tasks are thin wrappers around plain functions in `load`, `staging`, `validate` and
`publish`; they receive paths, never connections. `run_pipeline` runs the very same sequence
without Prefect (tests, debugging); `sitrep_pipeline` is the flow the CLI runs.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prefect import Task, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed, State
from prefect.utilities.annotations import quote

from flows import faults, feeds, load, pool, progress, publish, run_report, staging, validate
from flows.settings import Settings, load_settings

log = logging.getLogger("sitrep.pipeline")

# --------------------------------------------------------------------------- summary


@dataclass
class RunSummary:
    """What one run did; stored as JSON in audit.run_log and printed by `sitrep run`."""

    run_id: str
    status: str = "running"  # running, published, blocked, failed
    message: str = ""
    landing_dir: str = ""
    warehouse_path: str = ""
    extractor_version: str = ""
    files_seen: int = 0
    files_new: int = 0
    articles_read: int = 0
    articles_new: int = 0
    items_fetched: int = 0  # new feed items and pages written to the landing folder
    sources: str = ""  # the sources file fetched from ("" when the run read none)
    rejected: dict[str, int] = field(default_factory=dict)
    articles_extracted: int = 0
    facts_extracted: dict[str, int] = field(default_factory=dict)
    facts_published: dict[str, int] = field(default_factory=dict)
    checks_passed: int = 0
    checks_failed: int = 0
    failed_checks: list[dict[str, Any]] = field(default_factory=list)
    quarantined_rows: int = 0
    quarantined_by_check: dict[str, int] = field(default_factory=dict)
    blocking: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def published(self) -> bool:
        return self.status == "published"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSummary:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def text(self) -> str:
        """The short report `sitrep run` prints."""
        rejected = ", ".join(f"{k} {v}" for k, v in sorted(self.rejected.items())) or "none"
        facts = ", ".join(f"{k.removeprefix('fact_')} {v}"
                          for k, v in self.facts_published.items()) or "none"
        quarantined = ", ".join(f"{k} {v}" for k, v in self.quarantined_by_check.items())
        lines = [
            f"run {self.run_id}: {self.status.upper()}"
            + (f" -- {self.message}" if self.message and not self.blocking else ""),
            *([f"fetched from feeds/pages: {self.items_fetched} new items ({self.sources})"]
              if self.sources else []),
            f"landing files: {self.files_seen} seen, {self.files_new} new ({self.landing_dir})",
            f"articles: {self.articles_read} read, {self.articles_new} new, "
            f"{self.articles_extracted} extracted",
            f"rejected this run: {rejected}",
            f"facts in warehouse: {facts}" if self.published
            else "facts in warehouse: unchanged (nothing was published)",
            f"quality checks: {self.checks_passed} passed, {self.checks_failed} failed",
            f"quarantined rows: {self.quarantined_rows}"
            + (f" ({quarantined})" if quarantined else ""),
        ]
        lines += [f"publish blocked: {b}" for b in self.blocking]
        lines.append(("warehouse: " if self.published else "warehouse left unchanged: ")
                     + self.warehouse_path)
        return "\n".join(lines)

    def markdown(self) -> str:
        """The run report shown as a Prefect artifact."""
        verdict = ("Published" if self.published
                   else f"**{self.status.capitalize()}**: {self.message}")
        rows = [
            "# Sitrep run", "", f"{verdict}", "", f"Warehouse: `{self.warehouse_path}`", "",
            "| what | count |", "| --- | --- |",
            f"| items fetched from feeds / pages | {self.items_fetched} |",
            f"| landing files seen / new | {self.files_seen} / {self.files_new} |",
            f"| articles read / new / extracted | {self.articles_read} / "
            f"{self.articles_new} / {self.articles_extracted} |",
            f"| quality checks passed / failed | {self.checks_passed} / "
            f"{self.checks_failed} |",
            f"| quarantined rows | {self.quarantined_rows} |",
            "", "## Rejected inputs (this run)", "",
        ]
        rows += [f"- {k}: {v}" for k, v in sorted(self.rejected.items())] or ["- none"]
        rows += ["", "## Facts in the warehouse", ""]
        rows += [f"- {k}: {v}" for k, v in self.facts_published.items()] or ["- none"]
        rows += ["", "## Quarantined rows by check", ""]
        rows += [f"- {k}: {v}" for k, v in self.quarantined_by_check.items()] or ["- none"]
        if self.blocking:
            rows += ["", "## Why the publish was blocked", ""]
            rows += [f"- {b}" for b in self.blocking]
        return "\n".join(rows) + "\n"


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


# ------------------------------------------------------------------ plain steps


def step_plan(work_db: str, extractor_version: str, batch_size: int) -> list[list[int]]:
    """Articles still to extract by this extractor version, in batches."""
    keys = load.articles_to_extract(work_db, extractor_version)
    size = max(batch_size, 1)
    return [keys[i:i + size] for i in range(0, len(keys), size)]


def step_load_staging(work_db: str, batches: Sequence[staging.BatchResult],
                      run_id: str) -> dict[str, int]:
    """Load every extracted batch into staging; record articles the extractor failed on."""
    totals = load.load_staging_batches(
        work_db, (staging.read_batch(batch.batch_dir) for batch in batches))
    failures = [load.SimpleReject(source, None, None, None, "extraction_error", error)
                for b in batches for source, error in b.failures]
    if failures:
        load.load_raw(work_db, [], [], failures, run_id)
    return totals


def step_summarise(summary: RunSummary, report: validate.ValidationReport | None,
                   artifacts: bool) -> str:
    """Render the run report; inside a flow, also publish it as Prefect artifacts."""
    text = summary.markdown() + run_report.docs_markdown(summary.warehouse_path, summary.run_id)
    if summary.published:  # the HTML report; a failure to build it is only a warning
        from flows.report_serve import report_section

        text += report_section(summary.warehouse_path, summary.run_id, artifacts)
    if artifacts:
        create_markdown_artifact(key="sitrep-run-summary", markdown=text,
                                 description=f"Sitrep run {summary.run_id}")
        if report is not None:
            create_table_artifact(
                key="sitrep-quality-results",
                table=[{"suite": r.suite, "check": r.check_name, "level": r.level,
                        "success": r.success, "unexpected": r.unexpected_count,
                        "detail": r.detail} for r in report.results],
                description=f"Quality results of run {summary.run_id}")
    return text


# ------------------------------------------------------------------ tasks

# I/O steps retry with backoff (each is one transaction, so a retry starts clean).
RETRIES = 2
BACKOFF: list[float] = [1.0, 5.0]


def step_fetch(sources_path: str, landing_dir: str, work_db: str,
               run_id: str) -> feeds.FetchResult:
    """New items of the configured feeds and pages into the landing folder (flows/feeds.py).

    A dead source is a reject in the result, never an exception; only a broken sources file
    raises, as the operator has to fix it.
    """
    return feeds.fetch_sources(Path(sources_path), Path(landing_dir), work_db, run_id)


# No retries: a source that fails is already a reject, and the fetch retries per request.
@task(name="fetch-sources", cache_policy=NO_CACHE)
def fetch_task(sources_path: str, landing_dir: str, work_db: str,
               run_id: str) -> feeds.FetchResult:
    result = step_fetch(sources_path, landing_dir, work_db, run_id)
    logger = get_run_logger()
    for line in result.text().splitlines():
        logger.info("%s", line)
    return result


@task(name="discover-landing-files", retries=RETRIES, retry_delay_seconds=BACKOFF,
      cache_policy=NO_CACHE)
def discover_task(landing_dir: str, work_db: str, max_file_bytes: int) -> tuple[Any, Any, int]:
    files, rejects, seen = load.discover_new(landing_dir, work_db, max_file_bytes)
    get_run_logger().info("%d landing files, %d not seen before", seen, len(files))
    return files, rejects, seen


def step_ingest(work_db: str, files: list[Any], rejects: list[Any], max_file_bytes: int,
                run_id: str, workers: int = 1,
                extractor_version: str | None = None) -> load.IngestStats:
    """Read new landing files into raw in chunks (on `workers` processes), with progress.

    With `extractor_version`, the chunks are extracted as they are read (one pass over a
    big landing); the extract step then handles only what is left.
    """
    with progress.tracker("ingest", "sitrep-ingest-progress", len(files), "files") as update:
        return load.ingest_files(work_db, files, rejects, max_file_bytes, run_id, workers,
                                 update, extractor_version)


@task(name="ingest-raw", retries=RETRIES, retry_delay_seconds=BACKOFF,
      cache_policy=NO_CACHE)
def ingest_task(work_db: str, files: list[Any], rejects: list[Any], max_file_bytes: int,
                run_id: str, workers: int = 1,
                extractor_version: str | None = None) -> load.IngestStats:
    stats = step_ingest(work_db, files, rejects, max_file_bytes, run_id, workers,
                        extractor_version)
    get_run_logger().info("ingest: %s", stats)
    return stats


@task(name="plan-extraction", retries=RETRIES, retry_delay_seconds=BACKOFF,
      cache_policy=NO_CACHE)
def plan_task(work_db: str, extractor_version: str, batch_size: int) -> list[list[int]]:
    batches = step_plan(work_db, extractor_version, batch_size)
    get_run_logger().info("%d articles to extract in %d batches",
                          sum(map(len, batches)), len(batches))
    return batches


def step_extract(work_db: str, batches: list[list[int]], scratch: str, run_id: str,
                 workers: int, dask_address: str | None = None) -> list[staging.BatchResult]:
    """Extract all batches, side by side on `workers` processes.

    Dask is offered only inside the Prefect flow (its task runner does the scheduling), so a
    plain run asked for Dask stops rather than quietly extracting somewhere else.
    """
    if dask_address:
        raise RuntimeError(f"Dask extraction (SITREP_DASK={dask_address}) needs the Prefect "
                           "flow: use `sitrep run --dask ...`, or unset SITREP_DASK for a "
                           "plain run")

    total = sum(map(len, batches))
    articles = 0
    with progress.tracker("extract", "sitrep-extract-progress", total, "articles") as update:
        def advance(done: int, n_batches: int, result: staging.BatchResult) -> None:
            nonlocal articles
            articles += result.articles + len(result.failures)
            log.debug("extracted batch %d/%d (%d articles)", done, n_batches, result.articles)
            update(articles, total)

        return staging.extract_batches(work_db, batches, scratch, run_id, workers, advance)


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(work_db: str, batches: list[list[int]], scratch: str, run_id: str,
                 workers: int, dask_address: str | None = None) -> list[staging.BatchResult]:
    if dask_address and batches:  # the `extract-on-dask` subflow (flows/dask_extract.py)
        from flows.dask_extract import extract_on_dask

        results = extract_on_dask(work_db, batches, scratch, run_id, workers, dask_address)
        where = f"on Dask ({dask_address})"
    else:
        results = step_extract(work_db, batches, scratch, run_id, workers)
        where = f"on {min(workers, max(len(results), 1))} processes"
    get_run_logger().info("extracted %d articles in %d batches %s",
                          sum(r.articles for r in results), len(results), where)
    return results


@task(name="load-staging", retries=RETRIES, retry_delay_seconds=BACKOFF,
      cache_policy=NO_CACHE)
def load_staging_task(work_db: str, batches: list[staging.BatchResult],
                      run_id: str) -> dict[str, int]:
    return step_load_staging(work_db, batches, run_id)


@task(name="build-candidate", retries=RETRIES, retry_delay_seconds=BACKOFF,
      cache_policy=NO_CACHE)
def build_task(work_db: str, next_db: str, run_id: str, live_db: str | None = None,
               ) -> dict[str, int]:
    counts = publish.build_candidate(work_db, next_db, run_id, live_db=live_db)
    get_run_logger().info("candidate built: %s", counts)
    return counts


@task(name="quality-gate", cache_policy=NO_CACHE)
def validate_task(work_db: str, next_db: str, run_id: str) -> validate.ValidationReport:
    report = validate.validate_candidate(work_db, next_db, run_id)
    logger = get_run_logger()
    logger.info("%d checks passed, %d failed; %d rows quarantined",
                report.passed, report.failed, report.quarantined_rows)
    for reason in report.blocking:
        logger.error("blocking: %s", reason)
    run_report.data_docs_task(work_db, next_db, run_id)
    return report


def _retry_unless_blocked(task: Any, task_run: Any, state: State[Any]) -> bool:
    """A publish the event checks blocked would be blocked again: retry other failures only."""
    return not isinstance(state.data, publish.PublishBlocked)


@task(name="publish", retries=RETRIES, retry_delay_seconds=BACKOFF,
      retry_condition_fn=_retry_unless_blocked, cache_policy=NO_CACHE)
def publish_task(work_db: str, next_db: str, live_db: str, run_id: str) -> dict[str, int]:
    counts = publish.publish_candidate(work_db, next_db, live_db, run_id)
    get_run_logger().info("published %s: %s", live_db, counts)
    return counts


@task(name="summarise-run", cache_policy=NO_CACHE)
def summarise_task(summary: RunSummary, report: validate.ValidationReport | None,
                   artifacts: bool) -> str:
    return step_summarise(summary, report, artifacts)


# ------------------------------------------------------------------ orchestration


@dataclass(frozen=True)
class _Steps:
    """The run's steps: Prefect tasks inside the flow, plain functions outside it."""

    discover: Callable[..., Any]
    ingest: Callable[..., Any]
    plan: Callable[..., Any]
    extract: Callable[..., Any]
    load_staging: Callable[..., Any]
    build: Callable[..., Any]
    validate: Callable[..., Any]
    publish: Callable[..., Any]
    summarise: Callable[..., Any]
    fetch: Callable[..., Any] | None  # None: a run that reads no sources (e.g. a rebuild)
    artifacts: bool


PLAIN_STEPS = _Steps(load.discover_new, step_ingest, step_plan, step_extract,
                     step_load_staging, publish.build_candidate, validate.validate_candidate,
                     publish.publish_candidate, step_summarise, step_fetch, artifacts=False)
PREFECT_STEPS = _Steps(discover_task, ingest_task, plan_task, extract_task, load_staging_task,
                       build_task, validate_task, publish_task, summarise_task, fetch_task,
                       artifacts=True)


def _big(step: Callable[..., Any], value: Any) -> Any:
    """A big collection for `step`: wrapped in `quote` when the step is a Prefect task, so
    that Prefect does not walk every item looking for upstream futures (about 4 s for the
    100,000 files of a big landing); Prefect unwraps it before calling the task."""
    return quote(value) if isinstance(step, Task) else value


def _step(fn: Callable[..., Any], running: list[str]) -> Callable[..., Any]:
    """`fn`, noting its name (the Prefect task's, else the function's) as the step running."""
    running.append(str(getattr(fn, "name", None) or getattr(fn, "__name__", "step")))
    return fn


def _orchestrate(settings: Settings, run_id: str, wait_seconds: float,
                 steps: _Steps) -> RunSummary:
    from flows.extract.version import EXTRACTOR_VERSION

    started = time.monotonic()
    work_db, next_db = str(settings.work_db_path), str(settings.next_path)
    live_db = str(settings.warehouse_path)
    summary = RunSummary(run_id=run_id, landing_dir=str(settings.landing_dir),
                         warehouse_path=live_db, extractor_version=EXTRACTOR_VERSION)
    report: validate.ValidationReport | None = None
    scratch = settings.state_dir / ".sitrep-batches" / run_id
    running: list[str] = []  # the steps started, last one last (see `_step`)
    with publish.run_lock(settings.lock_path, wait_seconds):
        for note in publish.recover(work_db, next_db, live_db, scratch.parent):
            log.warning("after an interrupted run: %s", note)
        publish.start_run(work_db, run_id, summary.landing_dir, live_db, EXTRACTOR_VERSION)
        workers = contextlib.ExitStack()  # the run's worker pool, when it opens one
        try:
            fetched = None
            if steps.fetch is not None and settings.sources_path.exists():  # feeds, pages
                fetched = _step(steps.fetch, running)(
                    str(settings.sources_path), str(settings.landing_dir), work_db, run_id)
                summary.items_fetched = fetched.items_new
                summary.sources = str(settings.sources_path)
            if _expects_run_pool(settings, work_db):  # start the workers while looking
                workers.enter_context(pool.run_pool(settings.workers))
            files, rejects, seen = _step(steps.discover, running)(
                str(settings.landing_dir), work_db, settings.max_file_bytes)
            if fetched is not None:
                rejects = [*rejects, *fetched.rejects]
            log.info("landing: %d files, %d new", seen, len(files))
            # extract while reading, unless extraction goes to Dask or the fault harness
            # needs the extract step to be where extraction happens
            extract_early = not settings.dask_address and not faults.active()
            if not _needs_run_pool(settings, files):
                workers.close()  # started on the last run's evidence, and not needed after all
            elif not pool.run_pool_open():  # workers start while the main process goes on
                workers.enter_context(pool.run_pool(settings.workers))
            if files:  # there will be something to check: import GX while reading
                validate.warm_up()
            stats = _step(steps.ingest, running)(
                work_db, _big(steps.ingest, files), _big(steps.ingest, rejects),
                settings.max_file_bytes,
                run_id, settings.workers, EXTRACTOR_VERSION if extract_early else None)
            summary.files_seen, summary.files_new = seen, stats.files_new
            summary.articles_read, summary.articles_new = stats.articles_read, stats.articles_new
            summary.rejected = dict(stats.rejected)
            log.info("ingest: %d articles read, %d new, rejected %s", stats.articles_read,
                     stats.articles_new, stats.rejected or "none")

            batches = _step(steps.plan, running)(work_db, EXTRACTOR_VERSION, settings.batch_size)
            log.info("extracting %d articles in %d batches", sum(map(len, batches)),
                     len(batches))
            results = _step(steps.extract, running)(
                work_db, _big(steps.extract, batches), str(scratch), run_id, settings.workers,
                dask_address=settings.dask_address)
            staged = _step(steps.load_staging, running)(
                work_db, _big(steps.load_staging, results), run_id)
            summary.articles_extracted = stats.extracted + sum(r.articles for r in results)
            summary.facts_extracted = {
                k: stats.facts.get(k, 0) + staged.get(k, 0)
                for k in dict.fromkeys([*staged, *stats.facts]) if k != "article_extraction"}
            for failed in (f for r in results for f in r.failures):
                summary.rejected["extraction_error"] = (
                    summary.rejected.get("extraction_error", 0) + 1)
                log.warning("extraction failed: %s", failed)

            log.info("building the candidate warehouse")
            summary.facts_published = _step(steps.build, running)(work_db, next_db, run_id,
                                                                  live_db=live_db)
            log.info("running the quality gate")
            report = _step(steps.validate, running)(work_db, next_db, run_id)
            _add_report(summary, report)
            if report.blocked:
                publish.remove_candidate(next_db)
                summary.status = "blocked"
                summary.message = ("publish blocked by the quality gate: "
                                   + "; ".join(report.blocking[:5]))
                summary.facts_published = {}
                log.warning(summary.message)
            else:
                publish.set_run_status(work_db, run_id, "publishing", None)
                try:
                    summary.facts_published = _step(steps.publish, running)(
                        work_db, next_db, live_db, run_id)
                except publish.PublishBlocked as blocked:  # by the checks on events
                    publish.remove_candidate(next_db)
                    summary.status, summary.facts_published = "blocked", {}
                    summary.message = f"publish blocked: {blocked}"
                    summary.blocking.append(str(blocked))
                    log.warning(summary.message)
                else:
                    summary.status = "published"
                    log.info("published %s", live_db)
                summary.checks_passed, summary.checks_failed = validate.recorded_counts(
                    work_db, run_id)
        except BaseException as exc:
            if running and not hasattr(exc, "sitrep_step"):
                with contextlib.suppress(AttributeError):  # where it failed, for the report
                    exc.sitrep_step = running[-1]  # type: ignore[attr-defined]
            publish.remove_candidate(next_db)
            summary.status, summary.message = "failed", f"{type(exc).__name__}: {exc}"
            summary.seconds = round(time.monotonic() - started, 2)
            publish.set_run_status(work_db, run_id, "failed", summary.message,
                                   summary.as_dict())
            raise
        finally:
            workers.close()
            shutil.rmtree(scratch, ignore_errors=True)
        summary.seconds = round(time.monotonic() - started, 2)
        publish.set_run_status(work_db, run_id, summary.status, summary.message or None,
                               summary.as_dict())
    steps.summarise(summary, report, steps.artifacts)
    return summary


def _expects_run_pool(settings: Settings, work_db: str) -> bool:
    """Whether the last run read enough files to fan out: then this one probably will too,
    and its workers can start (spawn, import the extractor) while discovery runs."""
    return (settings.workers > 1 and not faults.active()
            and load.last_run_files_new(work_db) > load.CHUNK_FILES)


def _needs_run_pool(settings: Settings, files: Sequence[Any]) -> bool:
    """Whether reading the new files fans out to worker processes: then one pool serves
    every step of the run (reading, extracting, grouping events) instead of one each."""
    return (settings.workers > 1 and not faults.active()
            and len(load.chunk_files(files)) > 1)


def _add_report(summary: RunSummary, report: validate.ValidationReport) -> None:
    summary.checks_passed, summary.checks_failed = report.passed, report.failed
    summary.failed_checks = [
        {"suite": r.suite, "check": r.check_name, "level": r.level,
         "unexpected": r.unexpected_count, "detail": r.detail}
        for r in report.results if not r.success]
    summary.quarantined_rows = report.quarantined_rows
    summary.quarantined_by_check = dict(report.quarantined_by_check)
    summary.blocking = list(report.blocking)


def run_pipeline(settings: Settings | None = None, run_id: str | None = None,
                 wait_seconds: float = 0.0) -> RunSummary:
    """One run without Prefect; returns the summary (a blocked publish does not raise)."""
    settings = settings or load_settings()
    if settings.dask_address:  # refuse before any work, not at the extract step
        step_extract("", [], "", "", 1, settings.dask_address)
    return _orchestrate(settings, run_id or new_run_id(), wait_seconds, PLAIN_STEPS)


@flow(name="sitrep-pipeline", flow_run_name=run_report.started_name, log_prints=False)
def sitrep_pipeline(landing: str | None = None, warehouse: str | None = None,
                    run_id: str | None = None,
                    wait_seconds: float = 0.0) -> dict[str, Any] | State[Any]:
    """One pipeline run; ends Failed (with the reason) when the quality gate blocks.

    A blocked publish is an expected outcome, not a crash: the flow returns a Failed state
    carrying the reason (and a PublishBlocked as its result) instead of a traceback.
    """
    settings = load_settings().with_overrides(
        Path(landing) if landing else None, Path(warehouse) if warehouse else None)
    run_id = run_id or new_run_id()
    start = run_report.begin(settings, run_id, wait_seconds)
    try:
        summary = _orchestrate(settings, run_id, wait_seconds, PREFECT_STEPS)
    except Exception as exc:  # one plain sentence in the log, beside Prefect's traceback
        run_report.report_failure(exc, start)
        raise
    run_report.finish(summary)
    get_run_logger().info("%s", summary.text())
    if summary.status == "blocked":
        return Failed(message=summary.message, data=publish.PublishBlocked(summary.message))
    return summary.as_dict()
