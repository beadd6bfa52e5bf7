"""Great Expectations Data Docs for every run, as static HTML beside the warehouse.

The quality gate (`flows/validate.py`) validates in an ephemeral GX context and keeps only the
figures it needs. A person reading a run wants GX's own pages, so this module validates the
same suites on the same candidate frames once more, keeps GX's validation results as JSON
under `<state_dir>/data_docs/results/`, and renders one Data Docs site at
`<state_dir>/data_docs/index.html`: an index of every kept run, a page per suite per run.

Only the newest `keep_runs` runs are kept (a 15-minute schedule would otherwise grow the site
without end). Building docs never decides anything and never fails a run: the caller logs a
warning when it cannot be built.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from flows.validate import EXPECTATIONS_DIR, load_suites, make_check_scope
from flows.warehouse import SQL_DIR, publish_connection, read_sql

log = logging.getLogger("sitrep.datadocs")

SITE_NAME = "sitrep"
DEFAULT_KEEP_RUNS = 100


@dataclass
class DataDocs:
    """Where one run's Data Docs are: the site index and one page per suite."""

    run_id: str
    index: Path
    pages: dict[str, Path] = field(default_factory=dict)  # suite name -> validation page
    failed_suites: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        """A section for the run's markdown artifact, linking the pages as file URLs."""
        lines = ["## Data Docs", "",
                 f"Great Expectations Data Docs of this run: [{self.index}]"
                 f"({self.index.as_uri()})", ""]
        for suite, page in sorted(self.pages.items()):
            mark = "failed" if suite in self.failed_suites else "passed"
            lines.append(f"- [{suite}]({page.as_uri()}) ({mark})")
        return "\n".join(lines) + "\n"


def docs_dir(state_dir: Path | str) -> Path:
    """The Data Docs site folder for a warehouse's state folder (`warehouse/data_docs`)."""
    return Path(state_dir) / "data_docs"


def keep_runs() -> int:
    """How many runs the site keeps (`SITREP_DATA_DOCS_KEEP`, default 100)."""
    value = os.environ.get("SITREP_DATA_DOCS_KEEP")
    return max(int(value), 1) if value else DEFAULT_KEEP_RUNS


def build_data_docs(work_db: Path | str, next_db: Path | str, run_id: str,
                    site_dir: Path | str, keep: int | None = None,
                    expectations_dir: Path = EXPECTATIONS_DIR,
                    sql_dir: Path = SQL_DIR) -> DataDocs:
    """Validate the candidate with GX once more and render this run into the Data Docs site."""
    site = Path(site_dir)
    results_dir = site / "results"
    site.mkdir(parents=True, exist_ok=True)
    context = _context(site, results_dir)
    gx = _gx()
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    gx_run = RunIdentifier(run_name=run_id, run_time=datetime.now(UTC))
    source = context.data_sources.add_pandas("candidate")
    with publish_connection(work_db, next_db, work_read_only=True) as con:
        make_check_scope(con, sql_dir)  # the rows the gate checked in this run
        for suite in load_suites(expectations_dir):
            try:
                frame = con.sql(read_sql(suite.frame_sql.removeprefix("sql/"), sql_dir)).df()
            except (duckdb.Error, OSError) as exc:  # the gate has reported it as blocking
                log.warning("data docs: no page for %s: %s", suite.name, exc)
                continue
            gx_suite = gx.ExpectationSuite(name=suite.name)
            for exp in suite.document["expectations"]:
                gx_suite.add_expectation_configuration(ExpectationConfiguration(
                    type=exp["type"], kwargs=exp["kwargs"], meta=dict(exp.get("meta", {}))))
            gx_suite = context.suites.add(gx_suite)
            asset = source.add_dataframe_asset(suite.name)
            batch_def = asset.add_batch_definition_whole_dataframe("candidate")
            definition = context.validation_definitions.add(gx.ValidationDefinition(
                name=f"{suite.name}-{run_id}", data=batch_def, suite=gx_suite))
            result = definition.run(batch_parameters={"dataframe": frame}, run_id=gx_run,
                                    result_format={"result_format": "SUMMARY"})
            log.debug("data docs: %s %s", suite.name, "passed" if result.success else "failed")
    identifiers = [key for key in context.validation_results_store.list_keys()
                   if key.run_id.run_name == run_id]
    _prune(site, results_dir, keep if keep is not None else keep_runs())
    built = context.build_data_docs(site_names=[SITE_NAME], resource_identifiers=identifiers)
    log.info("data docs: %s", built.get(SITE_NAME, site / "index.html"))
    docs = find_data_docs(site, run_id)
    if docs is None:
        raise RuntimeError(f"Great Expectations wrote no Data Docs pages for run {run_id}")
    return docs


def find_data_docs(site_dir: Path | str, run_id: str) -> DataDocs | None:
    """The Data Docs pages of one run in a site, with which suites failed; None if none."""
    site = Path(site_dir)
    docs = DataDocs(run_id, site / "index.html")
    validations = site / "validations"
    if not docs.index.is_file() or not validations.is_dir():
        return None
    for suite_dir in sorted(p for p in validations.iterdir() if p.is_dir()):
        pages = sorted((suite_dir / run_id).rglob("*.html"))
        if not pages:
            continue
        docs.pages[suite_dir.name] = pages[-1]
        if not _result_success(site / "results" / suite_dir.name / run_id):
            docs.failed_suites.append(suite_dir.name)
    return docs if docs.pages else None


def _result_success(result_dir: Path) -> bool:
    """Whether the newest stored GX result under a run's folder passed."""
    results = sorted(result_dir.rglob("*.json"))
    if not results:
        return True
    try:
        return bool(json.loads(results[-1].read_text(encoding="utf-8")).get("success", True))
    except (OSError, ValueError):
        return True


def _gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx

    return gx


def _context(site: Path, results_dir: Path) -> Any:
    """An ephemeral context whose validation results and docs site live on disk."""
    gx = _gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults()
    defaults.stores[defaults.validation_results_store_name]["store_backend"] = {
        "class_name": "TupleFilesystemStoreBackend", "base_directory": str(results_dir)}
    defaults.data_docs_sites = {SITE_NAME: {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(site)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }}
    config = DataContextConfig(
        store_backend_defaults=defaults, analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False))
    return gx.get_context(mode="ephemeral", project_config=config)


def _run_dirs(root: Path) -> dict[str, list[Path]]:
    """The folders of each run name under `<root>/<suite>/<run name>/`."""
    runs: dict[str, list[Path]] = {}
    for suite_dir in (p for p in root.iterdir() if p.is_dir()) if root.is_dir() else ():
        for run_dir in (p for p in suite_dir.iterdir() if p.is_dir()):
            runs.setdefault(run_dir.name, []).append(run_dir)
    return runs


def _prune(site: Path, results_dir: Path, keep: int) -> None:
    """Drop the results and pages of all but the newest `keep` runs (run ids sort by time)."""
    runs = _run_dirs(results_dir)
    pages = _run_dirs(site / "validations")
    for run_name in sorted(runs.keys() | pages.keys())[:-keep]:
        for folder in runs.get(run_name, []) + pages.get(run_name, []):
            shutil.rmtree(folder, ignore_errors=True)
