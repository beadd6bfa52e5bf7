"""Extraction on a Dask cluster: the `extract-on-dask` subflow, one Prefect task per batch.

The default extract step runs batches on a local process pool (`staging.extract_batches`).
With `SITREP_DASK` (or `sitrep run --dask`) set, a Prefect flow run hands the batches to
Dask instead, through `prefect_dask.DaskTaskRunner`: either an existing scheduler
(`tcp://HOST:8786`) or, for the word `local`, a `distributed.LocalCluster` of
`settings.workers` processes started for the run and closed after it.

Each task calls `staging.extract_batch` exactly as the pool does, so the results are the
same: an article the extractor fails on is a failure entry in its BatchResult; a batch that
raises is retried by Prefect, and a batch whose worker dies is re-run by Dask on another
worker. A batch that still fails fails the run, as it does on the pool.

Workers must see the same file system paths as the flow: they open the work database
read-only and write Parquet files under the run's scratch folder, and the flow then reads
those files. On one machine that holds by itself; a remote cluster needs the state folder
(the one beside the warehouse file) on a shared volume, mounted at the same path. Workers
also report their task runs to the Prefect API the flow uses (its address goes with each
task), so for workers on other machines that API must be a server they can reach, not the
temporary one on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, cast

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.settings.legacy import Setting
from prefect.task_runners import TaskRunner
from prefect_dask import DaskTaskRunner

from flows import staging

log = logging.getLogger("sitrep.dask")

LOCAL = "local"  # the `--dask` value that starts a cluster on this machine for the run
CONNECT_TIMEOUT_SECONDS = 10  # how long to wait for a scheduler before the run fails
RETRIES = 2
BACKOFF: list[float] = [1.0, 5.0]


class DaskUnavailable(RuntimeError):
    """No Dask scheduler answered at the configured address."""


def task_runner(address: str, workers: int) -> DaskTaskRunner:
    """A runner for an existing scheduler, or for `local` a cluster of worker processes.

    Worker processes get one thread each: extraction is pure Python, so more threads in a
    process would only take turns on the interpreter lock.
    """
    if address == LOCAL:
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={"n_workers": max(workers, 1), "threads_per_worker": 1,
                            "processes": True, "dashboard_address": ":0"})
    return DaskTaskRunner(address=address,
                          client_kwargs={"timeout": f"{CONNECT_TIMEOUT_SECONDS}s"})


@task(name="extract-batch", retries=RETRIES, retry_delay_seconds=BACKOFF,
      cache_policy=NO_CACHE)
def extract_batch_task(work_db: str, article_keys: list[int], batch_dir: str,
                       run_id: str) -> staging.BatchResult:
    result = staging.extract_batch(work_db, article_keys, batch_dir, run_id)
    get_run_logger().info("extracted %d articles into %s (%d failed)", result.articles,
                          Path(batch_dir).name, len(result.failures))
    return result


@flow(name="extract-on-dask", log_prints=False)
def extract_on_dask_flow(work_db: str, plan: str, scratch: str, run_id: str,
                         address: str) -> list[staging.BatchResult]:
    """Submit every batch of the plan file to the cluster; results come back in batch order.

    The article keys travel in a file, not as flow parameters: Prefect stores a subflow's
    parameters with the run and refuses them beyond 512 KB (some 25,000 keys).
    """
    batches: list[list[int]] = json.loads(Path(plan).read_text(encoding="utf-8"))
    _connect(address)
    get_run_logger().info("%d articles in %d batches to Dask (%s)",
                          sum(map(len, batches)), len(batches), address)
    dirs = [str(Path(scratch) / f"batch-{i:05d}") for i in range(1, len(batches) + 1)]
    futures = [extract_batch_task.submit(work_db, keys, dirs[i], run_id)
               for i, keys in enumerate(batches)]
    order = {future: i for i, future in enumerate(futures)}
    results: list[staging.BatchResult | None] = [None] * len(futures)
    for done, future in enumerate(as_completed(futures), 1):
        result = future.result()  # a batch that failed for good fails the run, as on the pool
        results[order[future]] = result
        log.info("extracted batch %d/%d (%d articles)", done, len(futures), result.articles)
    return [r for r in results if r is not None]


def _connect(address: str) -> None:
    """Reach the scheduler (or start the local cluster) now, so a wrong address says so."""
    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if not isinstance(runner, DaskTaskRunner):
        raise RuntimeError("extract-on-dask must run with a DaskTaskRunner")
    try:
        runner.client  # noqa: B018 -- connects on first use
    except OSError as exc:  # what distributed raises when nothing answers in time
        raise DaskUnavailable(
            f"no Dask scheduler answered at {address} ({exc}); start one (`dask scheduler`, "
            f"then `dask worker {address}`) or use --dask local") from exc


def extract_on_dask(work_db: str, batches: list[list[int]], scratch: str, run_id: str,
                    workers: int, address: str) -> list[staging.BatchResult]:
    """Run `extract-on-dask` with a task runner for `address`; called inside a flow run."""
    plan = Path(scratch) / "dask-plan.json"  # removed with the scratch folder after the run
    plan.parent.mkdir(parents=True, exist_ok=True)
    plan.write_text(json.dumps([list(map(int, keys)) for keys in batches]), encoding="utf-8")
    runner = cast("TaskRunner[Any]", task_runner(address, workers))  # prefect_dask's stubs
    with temporary_settings(_api_for_workers()):
        return extract_on_dask_flow.with_options(task_runner=runner)(
            work_db, str(plan), scratch, run_id, address)


def _api_for_workers() -> dict[Setting, Any]:
    """The Prefect API address workers report task runs to: the one this flow run uses.

    Task runs carry the flow's settings to the workers. When no API address is configured
    (Prefect's temporary local server), each worker would start a server of its own; naming
    the running one instead keeps every task run in this run's history.
    """
    if PREFECT_API_URL.value():
        return {}
    with get_client(sync_client=True) as client:
        url = str(client.api_url)
    return {PREFECT_API_URL: url} if url.startswith(("http://127.", "http://localhost")) else {}
