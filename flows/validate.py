"""The quality gate: Great Expectations suites (JSON under `expectations/`) over candidate tables.

GX 1.x has no working DuckDB datasource, so each suite validates a pandas DataFrame read by
its frame query (`sql/checks/<suite>.sql`) from the next published file. Every expectation
carries a `level` in its meta:

- `row`: the failing rows are quarantined (audit.quarantine, with the check's name, the
  offending values and the evidence sentence) and the rest is published;
- `batch`: a failure means the batch cannot be trusted (duplicate keys, a foreign key that
  does not resolve, a missing table or column) and blocks the publish.
- `warn`: a failure is recorded and shown, nothing is held back (reports that disagree).

The event suites (`expectations/events/`) run the same way in the publish step, once events
are built from the published fact rows (`flows/events.py`).

An expectation that cannot run at all counts as a batch failure, whatever its level.
Great Expectations is imported lazily: it costs seconds, and only this step needs it.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from flows.faults import checkpoint
from flows.settings import REPO_ROOT
from flows.warehouse import (
    SQL_DIR,
    publish_connection,
    read_sql,
    run_sql_file,
    work_connection,
)

EXPECTATIONS_DIR = REPO_ROOT / "expectations"
ROW, BATCH = "row", "batch"

log = logging.getLogger("sitrep.validate")


@dataclass
class CheckResult:
    suite: str
    check_name: str
    expectation_type: str
    columns: str
    level: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    detail: str


@dataclass
class QuarantinedRow:
    table_name: str
    check_name: str
    row_key: int
    article_key: int | None
    article_id: str | None
    offending_values: str
    evidence: str | None


@dataclass
class ValidationReport:
    """Everything the gate decided; plain values so it can cross task boundaries."""

    run_id: str
    results: list[CheckResult] = field(default_factory=list)
    quarantined_by_check: dict[str, int] = field(default_factory=dict)
    quarantined_rows: int = 0
    blocking: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.blocking)

    @property
    def passed(self) -> int:
        return sum(r.success for r in self.results)

    @property
    def failed(self) -> int:
        return sum(not r.success for r in self.results)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    key: str
    frame_sql: str
    document: dict[str, Any]


def load_suites(expectations_dir: Path = EXPECTATIONS_DIR) -> list[Suite]:
    """The suites stored as JSON, in name order (dimensions before facts)."""
    suites = []
    for path in sorted(expectations_dir.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        meta = doc.get("meta", {})
        suites.append(Suite(doc["name"], meta["table"], meta["key"],
                            meta.get("frame", f"checks/{doc['name']}.sql"), doc))
    return suites


def validate_candidate(work_db: Path | str, next_db: Path | str, run_id: str,
                       expectations_dir: Path = EXPECTATIONS_DIR,
                       sql_dir: Path = SQL_DIR) -> ValidationReport:
    """Run every suite on the candidate tables; record results and quarantine in audit."""
    checkpoint("validate")
    suites = load_suites(expectations_dir)
    with publish_connection(work_db, next_db) as con:
        scoped = make_check_scope(con, sql_dir)
        log.info("checking the fact rows of %d articles not checked before", scoped)
        report, quarantine = run_suites(con, run_id, suites, sql_dir)
        _record(con, report, quarantine)
    counts = Counter(f"{q.table_name}.{q.check_name}" for q in quarantine)
    report.quarantined_by_check = dict(sorted(counts.items()))
    report.quarantined_rows = len({(q.table_name, q.row_key) for q in quarantine})
    log.info("quality gate: %d checks passed, %d failed, %d rows quarantined%s",
             report.passed, report.failed, report.quarantined_rows,
             ", publish blocked" if report.blocked else "")
    return report


def full_checks() -> bool:
    """SITREP_FULL_CHECKS=1 makes every run check every fact row, not only new ones."""
    return os.environ.get("SITREP_FULL_CHECKS", "").strip().lower() in ("1", "true", "yes")


def make_check_scope(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> int:
    """The temp table `check_scope`: articles whose fact rows this run checks; returns how many.

    Rows checked by an earlier published run keep that run's decisions until their article
    is extracted again, so an incremental run checks only what is new.
    """
    run_sql_file(con, sql_dir / "validate" / "010_check_scope.sql",
                 {"full_checks": full_checks()})
    rows = con.execute("select count(*) from check_scope").fetchall()
    return int(rows[0][0])


def run_suites(con: duckdb.DuckDBPyConnection, run_id: str, suites: list[Suite],
               sql_dir: Path = SQL_DIR) -> tuple[ValidationReport, list[QuarantinedRow]]:
    """Run suites on the tables of an open connection; record nothing (the caller does)."""
    report = ValidationReport(run_id)
    quarantine: list[QuarantinedRow] = []
    runner = _GxRunner()
    evidence = _ArticleIds(con)
    n_chunks: int | None = None  # known once a frame reads check_scope
    for suite in suites:
        frame_file = suite.frame_sql.removeprefix("sql/")
        try:
            query = read_sql(frame_file, sql_dir)
            chunks = 1
            if _CHECK_SCOPE.search(query):
                if n_chunks is None:
                    n_chunks = _chunks_of_scope(con, sql_dir)
                chunks = n_chunks
            results, rows = _run_in_chunks(con, runner, suite, query, chunks, evidence,
                                           sql_dir)
        except (duckdb.Error, OSError) as exc:
            reason = f"{suite.table}: cannot read the table for checks ({exc})"
            report.results.append(CheckResult(
                suite.name, f"{suite.table}_readable", "frame_query", "", BATCH, False,
                None, None, reason))
            report.blocking.append(reason)
            continue
        report.results.extend(results)
        quarantine.extend(rows)
        for r in results:
            if not r.success and r.level == BATCH:
                report.blocking.append(f"{suite.table}: {r.check_name} failed ({r.detail})")
    return report, quarantine


# a frame that reads the temp table check_scope (not event_check_scope) can be checked in slices
_CHECK_SCOPE = re.compile(r"\bcheck_scope\b")


def _chunks_of_scope(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> int:
    """Slices the fact suites read check_scope in (made here if the caller has not)."""
    if not _has_table(con, "check_scope"):
        make_check_scope(con, sql_dir)
    scoped = int(con.execute("select count(*) from check_scope").fetchall()[0][0])
    return max(1, math.ceil(scoped / check_chunk_articles()))


def check_chunk_articles() -> int:
    """Articles per slice when a run checks many (SITREP_CHECK_CHUNK, default 20,000)."""
    value = os.environ.get("SITREP_CHECK_CHUNK", "")
    return max(int(value), 1) if value.strip().isdigit() else 20_000


def _run_in_chunks(con: duckdb.DuckDBPyConnection, runner: _GxRunner, suite: Suite,
                   query: str, n_chunks: int, evidence: _ArticleIds,
                   sql_dir: Path) -> tuple[list[CheckResult], list[QuarantinedRow]]:
    """One suite over its frame, a slice of the check scope at a time when it is large.

    Row checks are per row, so slices add up exactly; keys unique across slices are the
    integrity suite's job (whole tables, in SQL).
    """
    if n_chunks <= 1:
        return runner.run(suite, con.sql(query).df(), evidence)
    per_chunk: list[list[CheckResult]] = []
    rows: list[QuarantinedRow] = []
    run_sql_file(con, sql_dir / "validate" / "016_scope_whole.sql")
    try:
        for chunk in range(n_chunks):
            run_sql_file(con, sql_dir / "validate" / "015_scope_chunk.sql",
                         {"n_chunks": n_chunks, "chunk": chunk})
            results, quarantined = runner.run(suite, con.sql(query).df(), evidence)
            per_chunk.append(results)
            rows.extend(quarantined)
    finally:
        run_sql_file(con, sql_dir / "validate" / "017_scope_restore.sql")
    return [_merge(parts) for parts in zip(*per_chunk, strict=True)], rows


def _merge(parts: tuple[CheckResult, ...]) -> CheckResult:
    """One check's results over several slices: as if it had run on all of them at once."""
    first = parts[0]
    failing = [p for p in parts if not p.success]

    def total(values: list[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(v or 0 for v in values)

    return CheckResult(
        first.suite, first.check_name, first.expectation_type, first.columns,
        BATCH if any(p.level == BATCH for p in parts) else first.level,
        not failing, total([p.element_count for p in parts]),
        total([p.unexpected_count for p in parts]),
        failing[0].detail if failing else first.detail)


def results_table(results: list[CheckResult]) -> pa.Table:
    """Check results as an Arrow table in the shape audit.quality_results is loaded from."""
    return pa.Table.from_pylist([asdict(r) for r in results], schema=_RESULTS)


def recorded_counts(work_db: Path | str, run_id: str) -> tuple[int, int]:
    """Checks passed and failed that a run recorded (the gate's and the event checks')."""
    with work_connection(work_db, read_only=True) as con:
        row = con.execute(
            "select count(*) filter (where success), count(*) filter (where not success) "
            "from audit.quality_results where run_id = $run_id", {"run_id": run_id}).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    rows = con.execute("select count(*) from duckdb_tables() where table_name = $name",
                       {"name": name}).fetchall()
    return bool(rows[0][0])


class _ArticleIds:
    """article_key -> article_id from dim_article, read the first time a quarantined row
    needs one (most runs quarantine nothing, and dim_article grows with the warehouse)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._ids: dict[int, str | None] | None = None

    def get(self, article_key: int) -> str | None:
        if self._ids is None:
            try:
                rows = self._con.execute(read_sql("queries/article_ids.sql")).fetchall()
            except duckdb.Error:
                rows = []
            self._ids = {int(k): v for k, v in rows}
        return self._ids.get(article_key)


def _record(con: duckdb.DuckDBPyConnection, report: ValidationReport,
            quarantine: list[QuarantinedRow]) -> None:
    """Write this run's results and quarantined rows to the work database's audit schema."""
    now = datetime.now()
    results = results_table(report.results)
    rows = pa.Table.from_pylist([asdict(q) for q in quarantine], schema=_QUARANTINE)
    con.register("run_quality_results", results)
    con.register("run_quarantine", rows)
    run_sql_file(con, SQL_DIR / "load" / "200_audit_quality.sql",
                 {"run_id": report.run_id, "now": now})


_RESULTS = pa.schema([
    ("suite", pa.string()), ("check_name", pa.string()), ("expectation_type", pa.string()),
    ("columns", pa.string()), ("level", pa.string()), ("success", pa.bool_()),
    ("element_count", pa.int64()), ("unexpected_count", pa.int64()), ("detail", pa.string()),
])
_QUARANTINE = pa.schema([
    ("table_name", pa.string()), ("check_name", pa.string()), ("row_key", pa.int64()),
    ("article_key", pa.int64()), ("article_id", pa.string()),
    ("offending_values", pa.string()), ("evidence", pa.string()),
])


def _import_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        import great_expectations  # noqa: F401
    except Exception:  # the quality gate imports it again and reports what went wrong
        log.debug("importing Great Expectations in the background failed", exc_info=True)


def warm_up() -> threading.Thread:
    """Import Great Expectations on a background thread (about 3 s in a fresh process), so
    the quality gate does not wait for it after reading and extraction, which mostly wait
    on the worker processes and on DuckDB."""
    thread = threading.Thread(target=_import_gx, name="sitrep-import-gx", daemon=True)
    thread.start()
    return thread


class _GxRunner:
    """One ephemeral GX context per validation: nothing is written to disk."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        )
        self._gx = gx
        self._context = gx.get_context(mode="ephemeral", project_config=config)
        self._source = self._context.data_sources.add_pandas("candidate")
        self._prepared: dict[str, tuple[Any, Any]] = {}

    def run(self, suite: Suite, frame: pd.DataFrame, article_ids: _ArticleIds,
            ) -> tuple[list[CheckResult], list[QuarantinedRow]]:
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        by_check = {exp["meta"]["check"]: exp for exp in suite.document["expectations"]}
        if suite.name not in self._prepared:  # a suite checked in slices is set up once
            gx_suite = self._gx.ExpectationSuite(name=suite.name)
            for exp in suite.document["expectations"]:
                gx_suite.add_expectation_configuration(ExpectationConfiguration(
                    type=exp["type"], kwargs=exp["kwargs"], meta=dict(exp.get("meta", {}))))
            asset = self._source.add_dataframe_asset(suite.name)
            self._prepared[suite.name] = (self._context.suites.add(gx_suite),
                                          asset.add_batch_definition_whole_dataframe("whole"))
        gx_suite, definition = self._prepared[suite.name]
        batch = definition.get_batch(batch_parameters={"dataframe": frame})
        key_col = suite.key if suite.key in frame.columns else None
        # every failing row only where rows are quarantined; counts and a sample elsewhere
        quarantines = any(e.get("meta", {}).get("level") == ROW
                          for e in suite.document["expectations"])
        result_format: dict[str, Any] = {
            "result_format": "COMPLETE" if quarantines else "SUMMARY"}
        if key_col:
            result_format["unexpected_index_column_names"] = [key_col]
        outcome = batch.validate(gx_suite, result_format=result_format)

        results: list[CheckResult] = []
        quarantined: list[QuarantinedRow] = []
        for res in outcome.results:
            cfg = res.expectation_config
            if cfg is None:
                continue
            meta = cfg.meta or {}
            check = str(meta.get("check", cfg.type))
            level = str(meta.get("level", BATCH))
            kwargs = by_check.get(check, {}).get("kwargs", {})
            columns = [str(kwargs[c]) for c in ("column", "column_A", "column_B") if c in kwargs]
            info = res.exception_info or {}
            raised = bool(info.get("raised_exception"))
            body = res.result or {}
            if raised:
                level = BATCH
                detail = f"could not run: {str(info.get('exception_message', ''))[:300]}"
            else:
                detail = _detail(body)
                where = [_plain(item.get(key_col)) for item in
                         (body.get("unexpected_index_list")
                          or body.get("partial_unexpected_index_list") or [])[:5]
                         if key_col and isinstance(item, dict)]
                if where and not res.success:
                    detail += f" at {key_col} {where}"
            results.append(CheckResult(
                suite.name, check, cfg.type, ",".join(columns), level, bool(res.success),
                _int(body.get("element_count")), _int(body.get("unexpected_count")), detail))
            if res.success or level != ROW or key_col is None:
                continue
            keys = sorted({int(item[key_col]) for item in body.get("unexpected_index_list") or []
                           if isinstance(item, dict) and _int(item.get(key_col)) is not None})
            quarantined.extend(_quarantine_rows(suite, check, columns, frame, key_col, keys,
                                                article_ids))
        return results, quarantined


def _quarantine_rows(suite: Suite, check: str, columns: list[str], frame: pd.DataFrame,
                     key_col: str, keys: list[int], article_ids: _ArticleIds,
                     ) -> list[QuarantinedRow]:
    rows = frame[frame[key_col].isin(keys)].drop_duplicates(subset=[key_col])
    out = []
    for record in rows.to_dict(orient="records"):
        values = {c: _plain(record.get(c)) for c in columns}
        article_key = _int(record.get("article_key"))
        out.append(QuarantinedRow(
            suite.table, check, int(record[key_col]), article_key,
            article_ids.get(article_key) if article_key is not None else None,
            json.dumps(values, sort_keys=True, default=str),
            _str(record.get("evidence")),
        ))
    return out


def _detail(body: dict[str, Any]) -> str:
    if "observed_value" in body and body.get("unexpected_count") is None:
        return f"observed {body['observed_value']}"
    count = body.get("unexpected_count")
    if not count:
        return ""
    sample = [_plain(v) for v in (body.get("partial_unexpected_list") or [])[:5]]
    return f"{count} unexpected of {body.get('element_count')}; e.g. {sample}"


def _plain(value: Any) -> Any:
    """A JSON-friendly scalar: pandas NA and NaN become None, numpy numbers plain numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return _plain(value.item())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _int(value: Any) -> int | None:
    plain = _plain(value)
    return int(plain) if isinstance(plain, int | float) else None


def _str(value: Any) -> str | None:
    plain = _plain(value)
    return None if plain is None else str(plain)
