"""`sitrep serve`: the schedule options, and the served deployment against a real server.

The end-to-end test runs the real command: it starts its own Prefect server (none answers at
the test's API URL), serves `sitrep-pipeline/scheduled` every 10 seconds, and the test reads
what happened through the Prefect REST API while dropping articles into the landing folder.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import write_article
from feeds_server import FeedServer
from test_serve_helpers import (
    SITREP,
    Proc,
    api,
    artifacts,
    flow_runs,
    free_port,
    run_logs,
    server_env,
    server_is_up,
    stop_leftover_server,
    wait_until,
)

from flows.cli import EXIT_USAGE, main
from flows.publish import run_lock
from flows.run_report import lock_holder, outcome_name
from flows.serve import DEFAULT_INTERVAL_SECONDS, Schedule, parse_schedule
from flows.server import MARKER_NAME, adopt_running_server, marked_server
from flows.settings import load_settings

# ------------------------------------------------------------------ fast checks


def test_schedule_defaults_to_every_15_minutes_and_checks_its_input() -> None:
    assert parse_schedule() == Schedule(interval=DEFAULT_INTERVAL_SECONDS)
    assert DEFAULT_INTERVAL_SECONDS == 900
    assert parse_schedule(interval=60) == Schedule(interval=60.0)
    assert parse_schedule(cron="*/5 * * * *") == Schedule(cron="*/5 * * * *")
    assert parse_schedule(interval=60).describe() == "every minute"
    assert parse_schedule().describe() == "every 15 minutes"
    assert parse_schedule(interval=45).describe() == "every 45 seconds"
    assert "*/5 * * * *" in parse_schedule(cron="*/5 * * * *").describe()
    for bad in ({"interval": 0}, {"interval": -5}, {"cron": "61 * * * *"},
                {"cron": "not a cron"}, {"cron": "* * * * *", "interval": 60}):
        with pytest.raises(ValueError):
            parse_schedule(**bad)  # type: ignore[arg-type]


def test_serve_usage_errors_exit_2_before_any_server_starts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--interval", "0", "--landing", str(tmp_path)]) == EXIT_USAGE
    assert main(["serve", "--cron", "99 * * * *", "--landing", str(tmp_path)]) == EXIT_USAGE
    assert main(["serve", "--landing", str(tmp_path / "missing")]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "positive number" in err and "cron" in err and "landing folder not found" in err
    assert not (Path(os.environ["PREFECT_HOME"]) / MARKER_NAME).exists()


class _Summary:
    def __init__(self, **kw: Any) -> None:
        self.run_id = kw.get("run_id", "20240310T140503-abcdef12")
        self.status = kw.get("status", "published")
        self.files_new = kw.get("files_new", 0)
        self.articles_new = kw.get("articles_new", 0)
        self.rejected: dict[str, int] = kw.get("rejected", {})
        self.quarantined_rows = kw.get("quarantined_rows", 0)


def test_run_names_say_when_and_what_the_run_did() -> None:
    assert outcome_name(_Summary(articles_new=2, files_new=2)) == (
        "2024-03-10 14:05:03 · 2 new articles · published")
    assert outcome_name(_Summary(articles_new=1, files_new=1)).endswith(
        "· 1 new article · published")
    assert outcome_name(_Summary()).endswith("· nothing new · published")
    name = outcome_name(_Summary(files_new=1, rejected={"empty": 1}, status="published"))
    assert "1 new file, no new article" in name and "1 reject" in name
    blocked = outcome_name(_Summary(articles_new=3, quarantined_rows=2, status="blocked"))
    assert blocked.endswith("3 new articles · 2 rows quarantined · blocked")
    # A run id that does not encode a time still gives a timestamped name.
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d · ", outcome_name(_Summary(run_id="x")))


def test_cli_runs_join_only_a_live_server_of_their_own_prefect_home(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    marker = tmp_path / MARKER_NAME
    assert adopt_running_server() is None  # no marker: the ephemeral API, as before

    dead_pid = 2 ** 22 + 12345  # above the default pid_max: no such process
    marker.write_text(json.dumps({"api_url": f"http://127.0.0.1:{free_port()}/api",
                                  "pid": dead_pid}))
    assert marked_server() is None
    marker.write_text(json.dumps({"api_url": f"http://127.0.0.1:{free_port()}/api",
                                  "pid": os.getpid()}))  # alive, but nothing answers
    assert adopt_running_server() is None
    assert "PREFECT_API_URL" not in os.environ
    marker.write_text("{not json")
    assert marked_server() is None

    monkeypatch.setenv("PREFECT_API_URL", "http://example.invalid/api")
    assert adopt_running_server() is None  # an explicit setting always wins
    assert os.environ["PREFECT_API_URL"] == "http://example.invalid/api"


def test_lock_probe_names_the_holder_without_taking_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / ".warehouse.duckdb.lock"
    assert lock_holder(lock) is None
    with run_lock(lock):
        holder = lock_holder(lock)
        assert holder is not None and f"pid {os.getpid()}" in holder
    assert lock_holder(lock) is None
    with run_lock(lock):  # the probe left the lock free for the next run
        pass


# ------------------------------------------------------------------ the real service

FIRST = ("Russia launched 16 Shahed drones at the Odesa region overnight and air defence "
         "destroyed 14 of them, the air force said on Sunday.")
SECOND = ("Russian shelling killed two men and wounded a woman in the city of Kharkiv on "
          "Sunday, the regional governor said.")


def _new_articles(run: dict[str, Any]) -> int:
    """What a run did, read from its name (`… · 2 new articles · published`)."""
    found = re.search(r"· (\d+) new articles? ·", run["name"])
    return int(found.group(1)) if found else 0


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """`sitrep serve --interval 10` on a fresh landing folder, warehouse and Prefect server,
    following an RSS feed of a local fixture server (tests/feeds_server.py)."""
    home, landing = tmp_path / "prefect", tmp_path / "landing"
    landing.mkdir()
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    base = f"http://127.0.0.1:{free_port()}/api"
    write_article(landing, "odesa.txt", FIRST, published_at="2024-03-10",
                  title="Drones over Odesa")
    feeds = _feed_server()
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[defaults]\ndelay_seconds = 0\n\n[[feed]]\nurl = "{feeds.base}/wire.rss"'
                       '\nsource = "Black Sea Wire"\n', encoding="utf-8")
    proc = Proc([*SITREP, "serve", "--interval", "10", "--landing", str(landing),
                 "--warehouse", str(warehouse), "--wait", "120"],
                server_env(home, base, SITREP_SOURCES=str(sources)))
    try:
        yield {"proc": proc, "base": base, "home": home, "landing": landing,
               "warehouse": warehouse, "feeds": feeds}
    finally:
        proc.terminate(timeout=60)
        stop_leftover_server(home)
        feeds.stop()


def _feed_server() -> FeedServer:
    """The wire feed (three items: one redirects, one is a video page) and its pages."""
    feeds = FeedServer().start()
    feeds.add_feed("/wire.rss", "wire.rss.xml")
    for page in ("drones-odesa", "kharkiv-shelling", "sumy-drones"):
        feeds.add_page(f"/news/{page}.html", f"{page}.html")
    feeds.add("/r/kharkiv", redirect=(301, "/news/kharkiv-shelling.html"))
    feeds.add_page("/video/briefing", "video-briefing.html")
    return feeds


@pytest.mark.slow
def test_served_deployment_runs_on_schedule_and_processes_only_new_files(
        served: dict[str, Any]) -> None:
    proc, base = served["proc"], served["base"]
    settings = load_settings().with_overrides(served["landing"], served["warehouse"])
    proc.wait_for("Prefect server ready", timeout=120)
    proc.wait_for("serving sitrep-pipeline/scheduled every 10 seconds", timeout=60)

    def completed() -> list[dict[str, Any]]:
        return [r for r in flow_runs(base, "scheduled") if r["state_type"] == "COMPLETED"]

    first = wait_until(lambda: [r for r in completed() if _new_articles(r)], 150,
                       "a scheduled run that loads the first article")[0]
    assert _new_articles(first) == 4  # odesa.txt and the three items of the feed

    # Another writer outside Prefect holds the warehouse lock: the next scheduled run must
    # wait for it (and say so in its log), not fail and not write.
    with run_lock(settings.lock_path, wait_seconds=90):
        write_article(served["landing"], "kharkiv.txt", SECOND, published_at="2024-03-10",
                      title="Shelling in Kharkiv")
        served["feeds"].add_item("/wire.rss")  # a new item between scheduled runs
        waiting = wait_until(
            lambda: [r for r in flow_runs(base, "scheduled") if r["state_type"] == "RUNNING"
                     and any("waiting up to" in m for m in run_logs(base, r["id"]))],
            90, "a scheduled run waiting for the lock")[0]
        assert not any(_new_articles(r) for r in completed() if r["id"] != first["id"])
        # A run started by hand (as from the UI's "Run" button) is queued, not run beside it.
        deployment = api(base, "/deployments/name/sitrep-pipeline/scheduled")
        by_hand = api(base, f"/deployments/{deployment['id']}/create_flow_run", {})
        time.sleep(5)
        queued = api(base, f"/flow_runs/{by_hand['id']}")
        assert queued["state_type"] == "SCHEDULED", queued["state_name"]
        assert api(base, f"/flow_runs/{waiting['id']}")["state_type"] == "RUNNING"
    second = wait_until(lambda: [r for r in completed() if r["id"] == waiting["id"]], 120,
                        "the waiting run to finish once the lock is free")[0]
    wait_until(lambda: [r for r in completed() if r["id"] == by_hand["id"]], 120,
               "the run started by hand to run after it")

    runs = completed()
    assert len(runs) >= 2
    assert _new_articles(second) == 2  # only the file and the item new since the last run
    assert sum(_new_articles(r) for r in runs) == 6  # nothing was ever processed twice
    ordered = sorted(runs, key=lambda r: r["start_time"])
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        assert _when(later["start_time"]) >= _when(earlier["end_time"]), "runs overlapped"

    for run in (first, second):
        found = artifacts(base, run["id"])
        assert {"sitrep-run-summary", "sitrep-quality-results"} <= found.keys()
        summary = str(found["sitrep-run-summary"]["data"])
        assert "| landing files seen / new |" in summary and "## Data Docs" in summary
        index = re.search(r"\(file://([^)]+/index\.html)\)", summary)
        assert index and Path(index.group(1)).is_file()
        assert json.loads(found["sitrep-quality-results"]["data"])
    second_summary = str(artifacts(base, second["id"])["sitrep-run-summary"]["data"])
    assert "| landing files seen / new | 4 / 2 |" in second_summary
    assert "| items fetched from feeds / pages | 1 |" in second_summary
    feed_gets = [r for r in served["feeds"].requests if r.path == "/wire.rss"]
    assert len(feed_gets) >= 3 and all("if-none-match" in r.headers for r in feed_gets[1:])
    assert served["feeds"].count("/news/sumy-drones.html") == 1
    assert served["feeds"].count("/news/drones-odesa.html") == 1  # seen items not refetched
    with duckdb.connect(str(served["warehouse"]), read_only=True) as con:
        assert con.execute("select count(*) from dim_article").fetchone() == (6,)

    assert proc.terminate(timeout=60) == 0
    assert "sitrep serve: stopped" in proc.output
    assert "Prefect server it started is stopped" in proc.output
    assert not server_is_up(base)
    assert not (served["home"] / MARKER_NAME).exists()
