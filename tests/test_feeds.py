"""Feeds and pages as a source: fetched from a local server into the landing folder.

Every test talks to a real HTTP server on 127.0.0.1 (tests/feeds_server.py) through the real
urllib client; only `sleep` and `clock` are replaced, so politeness and backoff are checked
from the calls made, and no test waits for them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import require_extractor
from feeds_server import FeedServer
from test_serve_helpers import free_port

from flows.feeds import FetchResult, fetch_sources
from flows.feeds_config import SourcesError, load_sources
from flows.fetch import HostPacer, canonical_url
from flows.ingest import LandingFile, read_landing_file
from flows.settings import Settings


class FakeTime:
    """A clock that moves only when slept on; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer().start()
    srv.add_feed("/wire.rss", "wire.rss.xml")
    srv.add_feed("/ministry.atom", "ministry.atom.xml")
    srv.add_page("/news/drones-odesa.html", "drones-odesa.html")
    srv.add_page("/news/kharkiv-shelling.html", "kharkiv-shelling.html")
    srv.add("/r/kharkiv", redirect=(301, "/news/kharkiv-shelling.html?utm_campaign=rss"))
    srv.add_page("/video/briefing", "video-briefing.html")
    srv.add_page("/press/missiles-west.html", "missiles-west.html")
    srv.add_page("/news/sumy-drones.html", "sumy-drones.html")
    srv.add_page("/live/app-shell.html", "app-shell.html")
    try:
        yield srv
    finally:
        srv.stop()


def _config(tmp_path: Path, body: str, defaults: str = "delay_seconds = 0") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f"[defaults]\n{defaults}\n\n{body}", encoding="utf-8")
    return path


def _feed(url: str, source: str | None = None, **extra: Any) -> str:
    lines = ["[[feed]]", f'url = "{url}"']
    if source:
        lines.append(f'source = "{source}"')
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    return "\n".join(lines) + "\n\n"


def _page(url: str, source: str | None = None, **extra: Any) -> str:
    return _feed(url, source, **extra).replace("[[feed]]", "[[page]]")


class Fetch:
    """fetch_sources into one landing folder and work database, with fake time."""

    def __init__(self, tmp_path: Path, config: Path) -> None:
        self.config = config
        self.landing = tmp_path / "landing"
        self.work_db = str(tmp_path / "work.duckdb")
        self.time = FakeTime()
        self.runs = 0

    def __call__(self) -> FetchResult:
        self.runs += 1
        return fetch_sources(self.config, self.landing, self.work_db, f"run-{self.runs}",
                             sleep=self.time.sleep, clock=self.time.clock)

    def records(self, result: FetchResult) -> list[dict[str, Any]]:
        return [json.loads(line) for path in result.files_written
                for line in path.read_text(encoding="utf-8").splitlines()]


def _reasons(result: FetchResult) -> Counter[str]:
    return Counter(r.reason for r in result.rejects)


# ------------------------------------------------------------------ landing


def test_feed_items_land_as_json_lines_with_their_metadata(
        tmp_path: Path, server: FeedServer) -> None:
    fetch = Fetch(tmp_path, _config(tmp_path, _feed(f"{server.base}/wire.rss",
                                                    "Black Sea Wire")
                                    + _feed(f"{server.base}/ministry.atom")))
    result = fetch()

    assert result.rejects == []
    assert result.items_new == 4 and len(result.files_written) == 2
    for path in result.files_written:
        relative = path.relative_to(fetch.landing).parts
        assert relative[0] == "feeds" and len(relative) == 3 and path.suffix == ".jsonl"
    assert not list(fetch.landing.rglob("*.tmp")), "a temporary file was left behind"
    by_url = {r["url"]: r for r in fetch.records(result)}
    odesa = by_url[f"{server.base}/news/drones-odesa.html"]  # utm_* and #fragment dropped
    assert odesa["title"] == "Russia launches 37 drones at Odesa region, air defence downs 31"
    assert odesa["source"] == "Black Sea Wire"
    assert odesa["published_at"] == "2024-03-10T09:20:00"
    assert odesa["language"] == "en"
    assert odesa["id"] == odesa["url"] and odesa["text_from"] == "page"
    assert ("Russia launched 37 Shahed drones at the Odesa region overnight and air defence "
            "destroyed 31 of them") in odesa["text"]
    for furniture in ("cookies", "Related stories", "Grain ships leave", "All rights reserved",
                      "About us", "Share:"):
        assert furniture not in odesa["text"], furniture
    # The redirect was followed; the article is filed under where the text came from.
    kharkiv = by_url[f"{server.base}/news/kharkiv-shelling.html"]
    assert "killed three people and wounded seven" in kharkiv["text"]
    assert kharkiv["published_at"] == "2024-03-09T18:05:00"
    # A video page has no article: the feed entry's own text stands in, and says so.
    video = by_url[f"{server.base}/video/briefing"]
    assert video["text_from"] == "feed_entry"
    assert video["text"].startswith("Russia launched 15 Shahed drones")
    assert video["published_at"] == "2024-03-10T08:00:00+02:00"
    # Atom: no source configured, so the page's site name is the outlet.
    missiles = by_url[f"{server.base}/press/missiles-west.html"]
    assert missiles["source"] == "Defence Press Office"
    assert "12 Kh-101 cruise missiles" in missiles["text"]

    # Ingest reads the files like any landing file: every article, no reject.
    for path in result.files_written:
        data = path.read_bytes()
        landing = LandingFile(path=path, name=path.name, size=len(data),
                              sha256=hashlib.sha256(data).hexdigest())
        articles, rejects = read_landing_file(landing, 5_000_000)
        assert rejects == [] and articles
        assert all(a.url and a.source and a.published_at and a.language == "en"
                   for a in articles)


def test_second_fetch_is_conditional_and_writes_nothing(
        tmp_path: Path, server: FeedServer) -> None:
    fetch = Fetch(tmp_path, _config(tmp_path, _feed(f"{server.base}/wire.rss", "BSW")
                                    + _page(f"{server.base}/press/missiles-west.html", "DPO")))
    first = fetch()
    assert first.items_new == 4
    feed, page = server.routes["/wire.rss"], server.routes["/press/missiles-west.html"]
    before = len(server.requests)

    again = fetch()

    assert again.files_written == [] and again.items_new == 0 and again.rejects == []
    assert [s.outcome for s in again.sources] == ["not_modified", "not_modified"]
    assert server.paths()[before:] == ["/wire.rss", "/press/missiles-west.html"]
    for path, route in (("/wire.rss", feed), ("/press/missiles-west.html", page)):
        sent = server.last(path).headers
        assert sent["if-none-match"] == route.etag
        assert sent["if-modified-since"].endswith(" GMT")
    assert sorted(fetch.landing.rglob("*.jsonl")) == sorted(first.files_written)


def test_seen_items_are_skipped_and_a_new_item_is_fetched_next_time(
        tmp_path: Path, server: FeedServer) -> None:
    fetch = Fetch(tmp_path, _config(tmp_path, _feed(f"{server.base}/wire.rss", "BSW")))
    assert fetch().items_new == 3

    # The feed changes but lists the same items: nothing is fetched again.
    route = server.routes["/wire.rss"]
    route.body = route.body.replace(b"09:30:00 +0200</lastBuildDate>",
                                    b"09:45:00 +0200</lastBuildDate>")
    before = len(server.requests)
    same = fetch()
    assert server.paths()[before:] == ["/wire.rss"]
    assert same.items_new == 0 and same.files_written == []
    assert same.sources[0].items_seen == 3

    server.add_item("/wire.rss")
    before = len(server.requests)
    newer = fetch()

    assert server.paths()[before:] == ["/wire.rss", "/news/sumy-drones.html"]
    assert newer.items_new == 1 and len(newer.files_written) == 1
    [record] = fetch.records(newer)
    assert record["url"] == f"{server.base}/news/sumy-drones.html"
    assert "22 attack drones" in record["text"]
    with duckdb.connect(fetch.work_db, read_only=True) as con:
        seen = dict(con.execute("select url, landing_file from feeds.seen_item").fetchall())
    sumy = newer.files_written[0].relative_to(fetch.landing).as_posix()
    assert seen[f"{server.base}/news/sumy-drones.html"] == sumy
    # The redirecting link is remembered as listed, and where it led.
    assert f"{server.base}/r/kharkiv" in seen
    assert f"{server.base}/news/kharkiv-shelling.html" in seen


def test_a_page_is_landed_again_only_when_its_text_changes(
        tmp_path: Path, server: FeedServer) -> None:
    url = f"{server.base}/news/drones-odesa.html"
    fetch = Fetch(tmp_path, _config(tmp_path, _page(url, "BSW")))
    assert fetch().items_new == 1
    route = server.routes["/news/drones-odesa.html"]
    route.body = route.body.replace(b"<title>", b"<title>Updated: ")  # new ETag, same text
    assert fetch().sources[0].outcome == "nothing_new"
    route.body = route.body.replace(b"Nobody was hurt", b"Two people were hurt")
    changed = fetch()
    assert changed.items_new == 1
    assert "Two people were hurt" in fetch.records(changed)[0]["text"]


# ------------------------------------------------------------------ failures


def test_each_failure_becomes_one_reject_and_the_other_sources_still_land(
        tmp_path: Path, server: FeedServer) -> None:
    server.add_feed("/slow.rss", "wire.rss.xml", delay=3.0)
    server.add("/broken.rss", server.fixture("broken.xml"), content_type="application/xml")
    server.add_feed("/flaky.atom", "ministry.atom.xml", fail_first=[503])
    server.add("/huge.html", stream_bytes=3_000_000)
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"  # nothing listens there
    config = _config(tmp_path, "".join([
        _feed(f"{server.base}/wire.rss", "BSW"),
        _feed(f"{server.base}/slow.rss", "Slow", timeout_seconds=0.5, retries=1),
        _feed(f"{server.base}/broken.rss", "Broken"),
        _feed(dead, "Dead", retries=0),
        _feed(f"{server.base}/flaky.atom", "Flaky"),
        _page(f"{server.base}/gone.html", "Gone"),
        _page(f"{server.base}/huge.html", "Huge", max_bytes=1_000_000),
        _page(f"{server.base}/live/app-shell.html", "Shell"),
    ]))
    fetch = Fetch(tmp_path, config)

    result = fetch()

    assert _reasons(result) == Counter({
        "fetch_timeout": 1, "fetch_bad_feed": 1, "fetch_connection": 1,
        "fetch_http_error": 1, "fetch_too_large": 1, "fetch_no_text": 1})
    by_reason = {r.reason: r for r in result.rejects}
    assert by_reason["fetch_timeout"].source_file == f"{server.base}/slow.rss"
    assert "after 2 attempts" in (by_reason["fetch_timeout"].detail or "")
    assert by_reason["fetch_connection"].source_file == dead
    assert "404" in (by_reason["fetch_http_error"].detail or "")
    assert by_reason["fetch_too_large"].source_file == f"{server.base}/huge.html"
    assert "1,000,000" in (by_reason["fetch_too_large"].detail or "")
    for r in result.rejects:
        assert r.file_sha256 is None and r.file_size is None and r.line is None
        assert r.detail and r.source_file in r.detail  # one sentence naming the URL
    # The good feed and the flaky one (503, then a success on retry) landed.
    assert result.items_new == 4
    assert {s.name: s.outcome for s in result.sources} == {
        "BSW": "new", "Slow": "failed", "Broken": "failed", "Dead": "failed",
        "Flaky": "new", "Gone": "failed", "Huge": "failed", "Shell": "failed"}
    assert server.count("/flaky.atom") == 2
    assert server.count("/slow.rss") == 2  # retried once
    assert server.count("/gone.html") == 1  # a 404 is not retried
    assert fetch.time.sleeps == [2.0, 2.0]  # the backoff before each retry, none waited


def test_item_failures_are_rejected_once_and_passing_ones_retried(
        tmp_path: Path, server: FeedServer) -> None:
    server.add_feed("/regional.rss", "failing-items.rss.xml")
    server.add("/news/overloaded.html", status=503)
    fetch = Fetch(tmp_path, _config(tmp_path, _feed(f"{server.base}/regional.rss", "Desk",
                                                    retries=1)))
    first = fetch()

    assert _reasons(first) == Counter({"fetch_http_error": 2, "fetch_no_text": 1,
                                       "fetch_bad_url": 1})
    assert first.items_new == 1  # the one good item still landed
    assert server.count("/news/overloaded.html") == 2
    # An item failed for a passing reason: the feed's validators are not kept, so the next
    # run reads the whole feed and retries that item only.
    server.routes["/news/overloaded.html"].status = 200
    server.routes["/news/overloaded.html"].body = server.fixture(
        "pages/sumy-drones.html").encode()
    before = len(server.requests)
    second = fetch()
    assert "if-none-match" not in server.requests[before].headers
    assert server.paths()[before:] == ["/regional.rss", "/news/overloaded.html"]
    assert second.rejects == [] and second.items_new == 1
    # Now everything was handled: the third run is a conditional GET answered 304.
    third = fetch()
    assert third.sources[0].outcome == "not_modified"


# ------------------------------------------------------------------ politeness


def test_requests_to_one_host_are_spaced_and_other_hosts_not_delayed(
        tmp_path: Path, server: FeedServer) -> None:
    other_host = server.base.replace("127.0.0.1", "localhost")
    fetch = Fetch(tmp_path, _config(
        tmp_path,
        _feed(f"{server.base}/ministry.atom", "DPO")
        + _page(f"{server.base}/news/drones-odesa.html", "BSW")
        + _page(f"{other_host}/news/kharkiv-shelling.html", "BSW"),
        defaults="delay_seconds = 2.5"))
    requests_at_sleep: list[int] = []
    real_sleep = fetch.time.sleep

    def sleep(seconds: float) -> None:
        requests_at_sleep.append(len(server.requests))
        real_sleep(seconds)

    fetch.time.sleep = sleep  # type: ignore[method-assign]
    result = fetch()

    assert result.items_new == 3 and result.rejects == []
    assert server.paths() == ["/ministry.atom", "/press/missiles-west.html",
                              "/news/drones-odesa.html", "/news/kharkiv-shelling.html"]
    assert fetch.time.sleeps == [2.5, 2.5]
    assert requests_at_sleep == [1, 2]  # before the 2nd and 3rd request, not the 4th


def test_the_pause_counts_the_time_already_gone_by() -> None:
    t = FakeTime()
    pacer = HostPacer(t.sleep, t.clock)
    pacer.wait("a.example", 2.0)  # first request to a host: no wait
    pacer.done("a.example")
    t.now += 0.5
    pacer.wait("a.example", 2.0)
    pacer.done("a.example")
    t.now += 3.0
    pacer.wait("a.example", 2.0)  # long enough ago
    pacer.wait("b.example", 2.0)
    assert t.sleeps == [1.5]


def test_canonical_urls_drop_fragments_tracking_and_default_ports() -> None:
    assert canonical_url("HTTPS://News.Example:443/a/b?id=7&utm_source=rss&fbclid=x#top") == (
        "https://news.example/a/b?id=7")
    assert canonical_url("http://news.example:8080") == "http://news.example:8080/"
    assert canonical_url("http://news.example/a?UTM_Medium=x&q=a%20b") == (
        "http://news.example/a?q=a%20b")


# ------------------------------------------------------------------ the config


@pytest.mark.parametrize("body, expected", [
    ('[[feed]]\nurl = "http://a.example/rss"\nname = "x\n', "not valid TOML"),
    ('[[feed]]\nurl = "http://a.example/rss"\n\n[[feed]]\nurl = "http://b.example/rss"\n'
     'delay_second = 3\n', "line 6 ([[feed]] #2): unknown key 'delay_second'"),
    ('[[page]]\nurl = "file:///etc/passwd"\n', "line 2 ([[page]] #1): url"),
    ('[[feed]]\nname = "no url"\n', "'url' is required"),
    ('[defaults]\ndelay_seconds = -1\n', "'delay_seconds' must be at least 0"),
    ('[[feed]]\nurl = "http://a.example/rss"\ntimeout_seconds = "20"\n',
     "'timeout_seconds' must be a number"),
    ('[[feed]]\nurl = "http://a.example/rss"\n[[page]]\nurl = "http://A.example/rss#x"\n',
     "listed twice"),
    ('[feeds]\nurl = "http://a.example/rss"\n', "unknown section or key 'feeds'"),
])
def test_a_malformed_sources_file_is_a_clear_error(tmp_path: Path, body: str,
                                                   expected: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SourcesError, match="sources.toml") as caught:
        load_sources(path)
    assert expected in str(caught.value)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(SourcesError):  # fetch_sources does not swallow it
        fetch_sources(path, tmp_path / "landing", str(tmp_path / "w.duckdb"), "r")


def test_the_shipped_example_is_a_valid_config() -> None:
    example = Path(__file__).resolve().parent.parent / "sources.example.toml"
    config = load_sources(example)
    assert config.feeds and config.pages
    assert config.defaults.delay_seconds >= 1.0 and config.defaults.max_bytes > 0


# ------------------------------------------------------------------ through the pipeline


@pytest.mark.slow
def test_the_pipeline_publishes_fetched_articles_and_their_rejects(
        tmp_path: Path, server: FeedServer, wh_settings: Settings) -> None:
    require_extractor()
    from flows.pipeline import run_pipeline

    config = _config(tmp_path, _feed(f"{server.base}/wire.rss", "Black Sea Wire")
                     + _page(f"{server.base}/gone.html", "Gone"))
    settings = replace(wh_settings, sources_path=config)

    first = run_pipeline(settings)

    assert first.status == "published", first.message
    assert first.items_fetched == 3 and first.articles_new == 3
    assert first.rejected == {"fetch_http_error": 1}
    assert "fetched from feeds/pages: 3 new items" in first.text()
    odesa = f"{server.base}/news/drones-odesa.html"
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        strikes = con.execute(
            "select distinct launched, intercepted from fact_strike s join dim_article a "
            "using (article_key) where a.url = $url and s.intercepted is not null",
            {"url": odesa}).fetchall()
        article = con.execute("select source, title, published_at from dim_article "
                              "where url = $url", {"url": odesa}).fetchone()
        rejects = con.execute("select source_file, reason, detail from rejects").fetchall()
    assert strikes == [(37, 31)]
    assert article is not None and article[0] == "Black Sea Wire"
    assert str(article[2]).startswith("2024-03-10")
    assert [(r[0], r[1]) for r in rejects] == [(f"{server.base}/gone.html",
                                                "fetch_http_error")]

    server.add_item("/wire.rss")
    second = run_pipeline(settings)

    assert second.status == "published", second.message
    assert second.items_fetched == 1 and second.articles_new == 1 and second.files_new == 1
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        sumy = con.execute(
            "select distinct s.launched, s.intercepted from fact_strike s join dim_article a "
            "using (article_key) where a.url = $url and s.intercepted is not null",
            {"url": f"{server.base}/news/sumy-drones.html"}).fetchall()
        n_articles = con.execute("select count(*) from dim_article").fetchone()
    assert sumy == [(22, 19)]
    assert n_articles == (4,)


# ------------------------------------------------------------------ the command


def test_sitrep_fetch_lands_items_and_records_its_rejects(
        tmp_path: Path, server: FeedServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.cli import EXIT_OK, EXIT_USAGE, main

    monkeypatch.delenv("SITREP_SOURCES", raising=False)  # --sources sets it: undone after
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "warehouse.duckdb"
    landing.mkdir()
    config = _config(tmp_path, _feed(f"{server.base}/ministry.atom", "DPO")
                     + _page(f"{server.base}/gone.html", "Gone"))
    args = ["fetch", "--sources", str(config), "--landing", str(landing),
            "--warehouse", str(warehouse)]

    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "fetched 1 new items into 1 landing files" in out
    assert f"rejected {server.base}/gone.html: fetch_http_error" in out
    assert len(list((landing / "feeds").rglob("*.jsonl"))) == 1
    work_db = warehouse.parent / "warehouse.work.duckdb"
    with duckdb.connect(str(work_db), read_only=True) as con:
        assert con.execute("select source_file, reason from raw.reject").fetchall() == [
            (f"{server.base}/gone.html", "fetch_http_error")]

    assert main([*args[:2], str(tmp_path / "missing.toml"), *args[3:]]) == EXIT_USAGE
    config.write_text("[[feed]]\nurl = 'ftp://a.example/rss'\n", encoding="utf-8")
    assert main(args) == EXIT_USAGE
    assert main(["run", "--sources", str(config), "--landing", str(landing)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "no such file" in err and "line 2 ([[feed]] #1): url 'ftp://a.example/rss'" in err
