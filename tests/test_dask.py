"""Extraction on a Dask cluster publishes what the process pool does (flows/dask_extract.py).

The cluster is real: `distributed.LocalCluster` with worker processes, started here (its
address is passed in as SITREP_DASK) or by the flow itself for `local`. Prefect is the
ephemeral API set up in conftest.py; the workers report their task runs to it.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import cloudpickle
import duckdb
import pytest
from conftest import write_article
from distributed import Client, LocalCluster, WorkerPlugin
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter

from flows import dask_extract
from flows.cli import EXIT_USAGE, _use_dask, build_parser, main
from flows.pipeline import run_pipeline, sitrep_pipeline
from flows.settings import Settings, load_settings
from flows.synth import write_corpus

# The worker plugin below travels to the workers by value: they need not import this module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

ARTICLES, BATCH_SIZE = 21, 7  # three batches
RUN_ONLY = ("run_id", "extracted_at", "loaded_at")  # columns that differ from run to run

# Two articles of our own beside the synthetic corpus: the extractor is made to fail on the
# first, and the worker that reaches the second is killed.
FAILS = ("Russian shelling killed one man in Kharkiv region on Saturday, officials said. The "
         "grain elevator in Velykyi Burluk was damaged and will stay closed for repairs, its "
         "manager said.")
KILLS = ("Russia launched 12 Shahed drones at Odesa region overnight and air defence destroyed "
         "10 of them, the air force said on Sunday. The river port authority in Reni said a "
         "grain warehouse caught fire and was put out by morning.")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dask")
    write_corpus(ARTICLES, root / "corpus", seed=3)
    return root / "corpus" / "landing"


@pytest.fixture(scope="module")
def pool_facts(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """The facts the default path (a local process pool, no Dask) publishes."""
    settings = _settings(corpus, tmp_path_factory.mktemp("pool"))
    summary = run_pipeline(replace(settings, dask_address=None))
    assert summary.status == "published" and summary.articles_extracted == ARTICLES
    return _facts(settings.warehouse_path)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=":0") as running:
        yield running


def _settings(landing: Path, state: Path) -> Settings:
    settings = load_settings().with_overrides(landing, state / "warehouse.duckdb")
    return replace(settings, batch_size=BATCH_SIZE, workers=2)


def _dask_env(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    monkeypatch.setenv("SITREP_DASK", address)
    monkeypatch.setenv("SITREP_BATCH_SIZE", str(BATCH_SIZE))
    monkeypatch.setenv("SITREP_WORKERS", "2")


def _run_flow(landing: Path, state: Path) -> Any:
    return sitrep_pipeline(landing=str(landing), warehouse=str(state / "warehouse.duckdb"),
                           return_state=True)


def _facts(warehouse: Path) -> dict[str, list[Any]]:
    """Every fact table's rows, without the columns that name the run or its time."""
    out: dict[str, list[Any]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_name like 'fact%' order by 1").fetchall()]
        for table in tables:
            cols = [c for (c, *_) in con.execute(f"describe {table}").fetchall()
                    if c not in RUN_ONLY]
            out[table] = con.execute(
                f"select {', '.join(cols)} from {table} order by all").fetchall()
    return out


def _dask_subflow(parent: Any) -> tuple[str, list[str]]:
    """State of the `extract-on-dask` run inside the run `parent`, and of its task runs."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id={"any_": [parent.state_details.flow_run_id]}))
        assert runs, "no extract-on-dask subflow ran"
        flows = {client.read_flow(r.flow_id).name for r in runs}
        assert flows == {"extract-on-dask"}
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id={"any_": [runs[0].id]}))
    assert runs[0].state is not None
    return runs[0].state.type.value, sorted(
        f"{t.name.rsplit('-', 1)[0]}:{t.state.type.value if t.state else None}" for t in tasks)


@pytest.mark.slow
def test_flow_on_a_running_scheduler_publishes_what_the_pool_does(
        corpus: Path, pool_facts: dict[str, list[Any]], cluster: LocalCluster,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dask_env(monkeypatch, cluster.scheduler_address)
    state = _run_flow(corpus, tmp_path)
    assert state.is_completed(), state.message
    assert state.result()["articles_extracted"] == ARTICLES
    assert _facts(tmp_path / "warehouse.duckdb") == pool_facts
    subflow, tasks = _dask_subflow(state)
    assert subflow == "COMPLETED"
    assert tasks == ["extract-batch:COMPLETED"] * 3


@pytest.mark.slow
def test_flow_on_a_local_cluster_publishes_what_the_pool_does(
        corpus: Path, pool_facts: dict[str, list[Any]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _dask_env(monkeypatch, "local")
    state = _run_flow(corpus, tmp_path)
    assert state.is_completed(), state.message
    assert _facts(tmp_path / "warehouse.duckdb") == pool_facts
    assert _dask_subflow(state) == ("COMPLETED", ["extract-batch:COMPLETED"] * 3)


class Sabotage(WorkerPlugin):
    """On every worker, also one restarted after a crash: the extractor raises on the
    article carrying `fails`, and the first worker to reach `kills` dies at once."""

    def __init__(self, fails: str, kills: str, killed_flag: str) -> None:
        self.fails, self.kills, self.killed_flag = fails, kills, killed_flag

    def setup(self, worker: Any) -> None:
        import os
        import signal

        import flows.extract.article as article

        real = article.extract_article
        fails, kills, flag = self.fails, self.kills, self.killed_flag

        def extract_article(text: str, *args: Any, **kwargs: Any) -> Any:
            if fails in text:
                raise ValueError("the extractor chokes on this article")
            if kills in text:
                try:
                    os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
                except FileExistsError:
                    pass  # killed once already: extract normally
                else:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(text, *args, **kwargs)

        article.extract_article = extract_article


@pytest.mark.slow
def test_a_failing_article_is_recorded_and_a_lost_worker_is_replaced(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(corpus, landing)
    write_article(landing, "elevator.txt", FAILS, "2024-05-12")
    write_article(landing, "reni.txt", KILLS, "2024-05-12")
    killed = tmp_path / "killed"
    # A cluster of its own: the sabotage must not outlive this test.
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=":0") as own:
        with Client(own, set_as_default=False) as client:
            client.register_plugin(Sabotage("Velykyi Burluk", "port authority in Reni",
                                            str(killed)))
        _dask_env(monkeypatch, own.scheduler_address)
        state = _run_flow(landing, tmp_path / "wh")

    assert killed.exists()  # a worker did die mid-batch
    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["status"] == "published"
    assert summary["rejected"] == {"extraction_error": 1}
    assert summary["articles_extracted"] == ARTICLES + 1
    live = str(tmp_path / "wh" / "warehouse.duckdb")
    with duckdb.connect(live, read_only=True) as con:
        assert con.execute("select source_file, reason, detail from rejects").fetchall() == [
            ("elevator.txt", "extraction_error",
             "ValueError: the extractor chokes on this article")]
        # The batch that lost its worker ran again elsewhere: its article's facts are there.
        assert con.execute(
            "select launched, intercepted from fact_strike join dim_article using (article_key) "
            "where dim_article.source_file = 'reni.txt'").fetchall() == [(12, 10)]
    assert _dask_subflow(state) == ("COMPLETED", ["extract-batch:COMPLETED"] * 4)


@pytest.mark.slow
def test_no_scheduler_at_the_address_fails_the_run_with_a_clear_message(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_extract, "CONNECT_TIMEOUT_SECONDS", 2)
    _dask_env(monkeypatch, "tcp://127.0.0.1:1")  # nothing listens on port 1
    state = _run_flow(corpus, tmp_path)
    assert state.is_failed()
    assert "no Dask scheduler answered at tcp://127.0.0.1:1" in (state.message or "")
    assert "after 2 s" in (state.message or "")  # the short connect timeout applied
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_plain_run_refuses_dask_instead_of_ignoring_it(corpus: Path, tmp_path: Path) -> None:
    settings = replace(_settings(corpus, tmp_path), dask_address="local")
    with pytest.raises(RuntimeError, match="needs the Prefect flow"):
        run_pipeline(settings)
    assert not settings.warehouse_path.exists()


def test_the_cli_hands_a_dask_address_to_the_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITREP_DASK", "")
    monkeypatch.setenv("DASK_LOGGING__DISTRIBUTED", "warning")
    assert build_parser().parse_args(["serve", "--dask", "local"]).dask == "local"
    assert main(["run", "--dask", "scheduler-without-port"]) == EXIT_USAGE
    assert load_settings().dask_address is None
    assert _use_dask("tcp://127.0.0.1:8786") is None
    assert load_settings().dask_address == "tcp://127.0.0.1:8786"
