"""The Prefect UI as a person uses it: `sitrep ui`, runs from `sitrep run` and from a worker
deployed with `prefect.yaml` in its history, and a real browser that finds them.

One `sitrep ui` server (free port, temporary PREFECT_HOME) serves the whole module. The browser
is Debian's headless Chromium (`make chromium` installs it; the Makefile's test target runs that
first); the UI is a client-side app, so the DOM is read after a virtual time budget.
"""

from __future__ import annotations

import signal
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import write_article
from test_serve_helpers import (
    PREFECT,
    REPO,
    SITREP,
    Proc,
    api,
    artifacts,
    flow_runs,
    free_port,
    server_env,
    server_is_up,
    stop_leftover_server,
    wait_until,
)

from flows.browser import BrowserError, dump_dom, find_chromium, screenshot
from flows.server import MARKER_NAME

pytestmark = pytest.mark.slow

ARTICLE = ("Russia launched 24 attack drones at the Kyiv region overnight and air defence "
           "shot down 22 of them, the air force said on Monday.")
WORKER_ARTICLE = ("Ukrainian drones struck an oil depot in the Bryansk region overnight, the "
                  "regional governor said on Monday; he reported no casualties.")


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`sitrep ui` on a free port with its own PREFECT_HOME; stopped by Ctrl-C, and checked."""
    home = tmp_path_factory.mktemp("ui") / "prefect"
    base = f"http://127.0.0.1:{free_port()}/api"
    proc = Proc([*SITREP, "ui"], server_env(home, base))
    try:
        line = proc.wait_for("Prefect UI:", timeout=120)
        yield {"proc": proc, "base": base, "home": home, "ui_line": line}
        assert proc.terminate(timeout=60, sig=signal.SIGINT) == 0  # Ctrl-C
        assert "stopped the Prefect server" in proc.output
        assert not server_is_up(base)
        assert not (home / MARKER_NAME).exists()
    finally:
        proc.terminate(timeout=30)
        stop_leftover_server(home)


@pytest.fixture(scope="module")
def cli_run(ui: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `sitrep run`, started the way `make run` starts it (no PREFECT_API_URL set)."""
    root = tmp_path_factory.mktemp("cli-run")
    landing = root / "landing"
    landing.mkdir()
    write_article(landing, "kyiv.txt", ARTICLE, published_at="2024-03-11",
                  title="Drones over Kyiv region")
    warehouse = root / "wh" / "warehouse.duckdb"
    done = subprocess.run([*SITREP, "run", "--landing", str(landing), "--warehouse",
                           str(warehouse)], env=server_env(ui["home"], None), cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    return {"done": done, "warehouse": warehouse}


def test_ui_prints_its_url_and_a_second_ui_reuses_the_server(ui: dict[str, Any]) -> None:
    url = ui["base"].removesuffix("/api")
    assert ui["ui_line"].startswith(f"Prefect UI: {url} ")
    assert server_is_up(ui["base"])
    again = subprocess.run([*SITREP, "ui"], env=server_env(ui["home"], ui["base"]), cwd=REPO,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0
    assert f"Prefect UI: {url}" in again.stdout and "already running" in again.stdout


def test_sitrep_run_lands_in_the_servers_history(ui: dict[str, Any],
                                                 cli_run: dict[str, Any]) -> None:
    done = cli_run["done"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"using the Prefect server at {ui['base']}" in done.stderr
    runs = [r for r in flow_runs(ui["base"]) if r["deployment_id"] is None]
    assert [r["state_type"] for r in runs] == ["COMPLETED"]
    assert runs[0]["name"].endswith(" · 1 new article · published")
    found = artifacts(ui["base"], runs[0]["id"])
    summary = str(found["sitrep-run-summary"]["data"])
    docs = cli_run["warehouse"].parent / "data_docs" / "index.html"
    assert docs.is_file() and docs.as_uri() in summary
    assert "fact_strike" in docs.read_text(encoding="utf-8")
    assert "sitrep-quality-results" in found


def test_prefect_yaml_deploys_a_scheduled_deployment_a_process_worker_runs(
        ui: dict[str, Any], tmp_path: Path) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "warehouse.duckdb"
    landing.mkdir()
    write_article(landing, "bryansk.txt", WORKER_ARTICLE, published_at="2024-03-11",
                  title="Depot hit in Bryansk region")
    # Every run of this deployment, scheduled or not, reads and writes only under tmp_path.
    env = server_env(ui["home"], ui["base"], SITREP_LANDING=str(landing),
                     SITREP_WAREHOUSE=str(warehouse))
    for args in (["work-pool", "create", "sitrep-process", "--type", "process"],
                 ["deploy", "--all"],
                 ["deployment", "run", "sitrep-pipeline/worker"]):
        step = subprocess.run([*PREFECT, "--no-prompt", *args], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert step.returncode == 0, f"prefect {args}: {step.stdout[-2000:]}{step.stderr[-2000:]}"

    deployment = api(ui["base"], "/deployments/name/sitrep-pipeline/worker")
    assert deployment["entrypoint"] == "flows/pipeline.py:sitrep_pipeline"
    assert deployment["work_pool_name"] == "sitrep-process"
    assert [s["schedule"]["interval"] for s in deployment["schedules"]] == [900.0]
    assert deployment["global_concurrency_limit"]["limit"] == 1
    assert deployment["concurrency_options"]["collision_strategy"] == "ENQUEUE"

    worker = subprocess.run([*PREFECT, "worker", "start", "--pool", "sitrep-process",
                             "--run-once"], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]
    runs = wait_until(lambda: [r for r in flow_runs(ui["base"], "worker")
                               if r["state_type"] == "COMPLETED"], 60, "the worker's run")
    assert any(r["name"].endswith("· 1 new article · published") for r in runs)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from dim_article").fetchone() == (1,)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_a_browser_finds_the_runs_on_the_ui_runs_page(
        ui: dict[str, Any], cli_run: dict[str, Any], tmp_path: Path) -> None:
    if find_chromium() is None:
        pytest.skip("Chromium is not installed and could not be installed here "
                    "(`make chromium` installs Debian's chromium package)")
    names = [r["name"] for r in flow_runs(ui["base"]) if r["state_type"] == "COMPLETED"]
    assert names, "the runs page needs at least one finished run to show"
    page = ui["base"].removesuffix("/api") + "/runs"
    try:
        dom = dump_dom(page, budget_ms=30000)
        picture = screenshot(page, tmp_path / "runs.png", budget_ms=30000)
    except BrowserError as exc:
        pytest.fail(f"headless Chromium failed on {page}: {exc}")
    assert "sitrep-pipeline" in dom
    for name in names:
        assert name in dom, f"run {name!r} is not on the runs page"
    assert _png_size(picture) == (1400, 900)
    assert picture.stat().st_size > 20_000  # a rendered page, not a blank one
