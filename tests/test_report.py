"""The HTML report: built on every publish and by `sitrep report`, self-contained, escaped,
its numbers the warehouse's, readable in a browser, and served while `sitrep serve` runs.

Most tests read one report built from a pipeline run on samples/landing (module fixture);
the escaping and empty-warehouse tests publish their own small warehouses.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import struct
import urllib.error
import urllib.request
import zlib
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import (
    REPO,
    SHAHED,
    ScriptedExtractor,
    casualty,
    require_extractor,
    strike,
)

from flows.browser import find_chromium, screenshot
from flows.cli import EXIT_OK, EXIT_USAGE, main
from flows.extract.model import EventDate
from flows.pipeline import RunSummary, run_pipeline, step_summarise
from flows.report import build_report
from flows.report_serve import ROOT_ENV, URL_ENV, report_section, start_report_server
from flows.settings import Settings, load_settings

SECTIONS = ("air-attacks", "intercept-rate", "casualties", "events", "quality")
VOID = {"meta", "br", "rect", "line", "circle", "path", "polyline"}  # no end tag here
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2",
             "h3", "p", "dl", "div", "dt", "dd", "small", "br", "nav", "a", "code", "details",
             "summary", "table", "thead", "tbody", "tr", "th", "td", "ol", "ul", "li",
             "blockquote", "span", "footer", "svg", "desc", "g", "rect", "line", "text",
             "circle", "polyline", "path"}


# ------------------------------------------------------------------ helpers


class _Page(HTMLParser):
    """Every tag and attribute of a page, and whether its elements nest properly."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def section(html: str, name: str) -> str:
    """The HTML of one section, from its heading to the next section's."""
    start = html.index(f'<h2 id="{name}">')
    end = html.find("<h2 id=", start + 1)
    return html[start:end if end > 0 else len(html)]


def publish(settings: Settings) -> RunSummary:
    summary = run_pipeline(settings)
    assert summary.status == "published", summary.message
    return summary


def settings_for(root: Path, landing: Path) -> Settings:
    return replace(load_settings().with_overrides(landing, root / "wh" / "warehouse.duckdb"),
                   workers=1)


def png_rows(path: Path) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct (filtered) scanlines of a PNG: one for a blank page."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 4
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
            channels = {2: 3, 6: 4, 0: 1, 4: 2}.get(chunk[9], 4)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    return width, height, {raw[i + 1:i + stride] for i in range(0, len(raw), stride)}


# ------------------------------------------------------------------ the sample warehouse


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A warehouse published from samples/landing, the run's summary and its report."""
    require_extractor()
    root = tmp_path_factory.mktemp("report")
    summary = publish(settings_for(root, REPO / "samples" / "landing"))
    warehouse = Path(summary.warehouse_path)
    page = build_report(warehouse, root / "out")
    return {"warehouse": warehouse, "summary": summary, "page": page,
            "html": page.read_text(encoding="utf-8")}


def test_a_publish_writes_the_report_of_its_run(sample: dict[str, Any]) -> None:
    reports = sample["warehouse"].parent / "reports"
    run_page = reports / "runs" / f"{sample['summary'].run_id}.html"
    assert (reports / "latest.html").is_file() and run_page.is_file()
    text = run_page.read_text(encoding="utf-8")
    assert sample["summary"].run_id in text and 'href="../latest.html"' in text
    assert not [p.name for p in reports.rglob(".*")]  # no temporary file left behind


def test_the_page_fetches_nothing_and_links_only_articles(sample: dict[str, Any]) -> None:
    html = sample["html"]
    page = parse(html)
    assert page.problems == [] and page.stack == []
    assert {tag for tag, _ in page.tags} <= PAGE_TAGS  # no script, link, img, iframe, object
    assert not re.search(r"@import|url\(|<script|<link|<img", html, re.I)
    assert not [a for _, attrs in page.tags for a in attrs if a in ("src", "srcset")]
    with duckdb.connect(str(sample["warehouse"]), read_only=True) as con:
        urls = {r[0] for r in con.execute("select url from dim_article where url is not null")
                .fetchall()}
    external = {attrs["href"] for tag, attrs in page.tags
                if attrs.get("href") and re.match(r"(?i)\s*[a-z][a-z0-9+.-]*:|//",
                                                  attrs["href"] or "")}
    assert external and external <= urls  # links leave the page only for source articles
    for tag, attrs in page.tags:
        if tag == "a" and attrs.get("href") in urls:
            assert attrs.get("rel") == "noopener noreferrer"


def test_every_section_has_a_chart(sample: dict[str, Any]) -> None:
    html = sample["html"]
    for name in SECTIONS:
        part = section(html, name)
        assert "<svg" in part, name
        assert part.count("<svg") == part.count("</svg>")
    charts = re.findall(r"<svg[^>]*>", html)
    assert all('role="img"' in c and "aria-labelledby" in c for c in charts)
    assert html.count("<title id=") == len(charts)  # every chart has an accessible name
    assert "Drones" in section(html, "air-attacks") and "launched" in html


def test_the_numbers_shown_are_the_warehouse_s(sample: dict[str, Any]) -> None:
    html = sample["html"]
    with duckdb.connect(str(sample["warehouse"]), read_only=True) as con:
        events, launched, intercepted = con.execute(
            "select count(*), sum(best), sum(best_intercepted) from v_events "
            "where kind = 'strike' and date_precision = 'day' "
            "and weapon_category in ('drone', 'missile', 'glide_bomb', 'aircraft')").fetchone()
        reports = con.execute(
            "select count(*), sum(launched), sum(intercepted) from v_strikes "
            "where date_precision = 'day' "
            "and weapon_category in ('drone', 'missile', 'glide_bomb', 'aircraft')").fetchone()
        oblast, killed, injured = con.execute(
            "select admin1, sum(best), sum(coalesce(best_injured, 0)) from v_events "
            "where kind = 'casualty' and admin1 is not null and date_precision <> 'range' "
            "group by admin1 order by 2 desc nulls last limit 1").fetchone()
        articles, run_id = con.execute(
            "select (select count(*) from dim_article), "
            "(select run_id from publish_log where status = 'published')").fetchone()
        checks, passed = con.execute(
            "select count(*), count(*) filter (where success) from quality_results").fetchone()
    assert events > 0 and launched > 0 and intercepted > 0
    air = section(html, "air-attacks")
    assert (f"Counted once per event: {events} attacks, {int(launched):,} launched, "
            f"{int(intercepted):,} intercepted.") in air
    assert (f"would give {reports[0]} reports, {int(reports[1]):,} launched, "
            f"{int(reports[2]):,} intercepted") in air
    # The table behind the chart adds up to the same totals.
    cells = re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td class=num>(\d+)</td>"
                       r"<td class=num>([\d,–]+)</td><td class=num>([\d,–]+)</td>", air)
    as_int = [(int(e), *(0 if v == "–" else int(v.replace(",", "")) for v in (a, b)))
              for e, a, b in cells]
    assert sum(r[0] for r in as_int) == events
    assert (sum(r[1] for r in as_int), sum(r[2] for r in as_int)) == (launched, intercepted)

    casualties = section(html, "casualties")
    first_label = re.search(r'class="label">([^<]+)</text>', casualties)
    assert first_label and first_label.group(1) == oblast
    assert f"{int(killed):,} killed · {int(injured):,} injured" in casualties
    assert f"<dd>{articles:,}<br>" in html and run_id in html
    assert f"{checks:,} checks: {passed:,} passed" in section(html, "quality")


def test_biggest_events_show_their_sentences_and_articles(sample: dict[str, Any]) -> None:
    events = section(sample["html"], "events")
    with duckdb.connect(str(sample["warehouse"]), read_only=True) as con:
        evidence, url = con.execute(
            "select s.evidence, a.url from fact_event e "
            "join bridge_event_fact b on b.event_key = e.event_key and b.gave_best "
            "join fact_strike s on s.strike_key = b.fact_key "
            "join dim_article a on a.article_key = b.article_key "
            "where e.kind = 'strike' and e.date_precision <> 'range' "
            "order by e.best desc nulls last limit 1").fetchone()
    import html as html_lib

    assert f"<blockquote>{html_lib.escape(evidence)}</blockquote>" in events
    assert f'href="{html_lib.escape(url)}"' in events
    assert "gave the best figure" in events
    assert events.index("Attacks: most weapons launched") < events.index(
        html_lib.escape(evidence))


def test_sitrep_report_prints_the_page_and_errors_without_a_warehouse(
        sample: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert main(["report", "--warehouse", str(sample["warehouse"]), "--out", str(out)]) == EXIT_OK
    printed = capsys.readouterr().out.strip()
    assert printed == str(out / "latest.html") and (out / "latest.html").is_file()
    assert "<svg" in (out / "latest.html").read_text(encoding="utf-8")

    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    assert main(["report", "--warehouse", str(missing), "--out", str(tmp_path / "x")]
                ) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "no published warehouse" in err and str(missing) in err
    assert not (tmp_path / "x").exists() and not missing.exists()


def test_the_page_renders_in_chromium(sample: dict[str, Any], tmp_path: Path) -> None:
    if find_chromium() is None:
        pytest.skip("no Chromium installed (`make chromium` installs Debian's package)")
    shot = screenshot(sample["page"].as_uri(), tmp_path / "report.png", budget_ms=1000,
                      window=(1280, 2200))
    width, height, rows = png_rows(shot)
    assert (width, height) == (1280, 2200)
    assert len(rows) > 200, "the screenshot is blank"
    if os.environ.get("SITREP_SAVE_SCREENSHOT"):  # regenerates the picture in the README
        shutil.copyfile(shot, REPO / "docs" / "report.png")


# ------------------------------------------------------------------ serving and linking


def test_the_report_server_serves_reports_and_nothing_else(
        sample: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    state = sample["warehouse"].parent
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    monkeypatch.setenv("SITREP_REPORTS_PORT", str(busy.getsockname()[1]))
    monkeypatch.delenv(URL_ENV, raising=False)
    server = start_report_server(state)
    try:
        assert server.port != busy.getsockname()[1]  # taken: a free port instead
        assert os.environ[URL_ENV] == server.url == f"http://127.0.0.1:{server.port}"

        def get(path: str) -> tuple[int, str]:
            try:
                with urllib.request.urlopen(server.url + path, timeout=10) as resp:
                    return resp.status, resp.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as exc:
                return exc.code, ""

        status, body = get("/reports/latest.html")
        assert status == 200 and "<svg" in body
        assert get("/")[1] == body  # the root redirects to the latest report
        if (state / "data_docs" / "index.html").is_file():
            assert get("/data_docs/index.html")[0] == 200
        for path in ("/warehouse.duckdb", "/reports/../warehouse.duckdb",
                     "/reports/%2e%2e/warehouse.duckdb", "/reports/", "/.warehouse.duckdb.lock",
                     "/warehouse.work.duckdb"):
            assert get(path)[0] == 404, path

        markdown = report_section(sample["warehouse"], sample["summary"].run_id, False)
        link = f"{server.url}/reports/runs/{sample['summary'].run_id}.html"
        assert f"[{link}]({link})" in markdown
        assert get(link.removeprefix(server.url))[0] == 200
    finally:
        server.stop()
        busy.close()
    assert URL_ENV not in os.environ and ROOT_ENV not in os.environ
    markdown = report_section(sample["warehouse"], sample["summary"].run_id, False)
    assert "http://" not in markdown and "Report file: `" in markdown


def test_a_report_that_cannot_be_built_does_not_fail_a_published_run(
        sample: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: Any, **kwargs: Any) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr("flows.report.build_report", broken)
    logger = logging.getLogger("sitrep.report")
    logger.addHandler(caplog.handler)  # whatever another test did to propagation
    try:
        text = step_summarise(replace(sample["summary"]), None, False)
    finally:
        logger.removeHandler(caplog.handler)
    assert "# Sitrep run" in text and "## Report" not in text
    assert "the HTML report was not built: OSError: disk full" in caplog.text


@pytest.mark.slow
def test_a_served_flow_run_links_its_report_over_http(
        wh_settings: Settings, scripted: ScriptedExtractor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.pipeline import sitrep_pipeline

    night = EventDate(date(2024, 3, 10), "day")
    scripted.add("Shahed", lambda t, p: [strike(t, HOSTILE, SHAHED, 12, 9, night)])
    (wh_settings.landing_dir / "odesa.txt").write_text(
        "---\ntitle: Odesa\nlanguage: en\npublished_at: 2024-03-10\n---\n" + HOSTILE + "\n",
        encoding="utf-8")
    monkeypatch.setenv("SITREP_REPORTS_PORT", "0")
    server = start_report_server(wh_settings.state_dir)
    try:
        state = sitrep_pipeline(landing=str(wh_settings.landing_dir),
                                warehouse=str(wh_settings.warehouse_path), return_state=True)
        assert state.is_completed()
        with get_client(sync_client=True) as client:
            found = {a.key: a for a in client.read_artifacts(artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))}
        link = re.search(r"\((http://127\.0\.0\.1:\d+/reports/runs/[^)]+\.html)\)",
                         str(found["sitrep-report"].data))
        assert link and link.group(1).startswith(server.url)
        assert f"]({link.group(1)})" in str(found["sitrep-run-summary"].data)
        with urllib.request.urlopen(link.group(1), timeout=10) as resp:
            assert resp.status == 200 and "&lt;script&gt;" in resp.read().decode("utf-8")
    finally:
        server.stop()


# ------------------------------------------------------------------ escaping and no data


HOSTILE = ('Russia launched 12 Shahed drones at Odesa overnight <script>alert("x")</script> '
           'and air defence destroyed 9 of them, the air force said.')
TOLL = "Two people were killed in Kharkiv <img src=x onerror=alert(2)> on Sunday, officials said."


def test_article_text_cannot_inject_markup(wh_settings: Settings,
                                          scripted: ScriptedExtractor) -> None:
    night = EventDate(date(2024, 3, 10), "day")
    scripted.add("Shahed", lambda t, p: [strike(t, HOSTILE, SHAHED, 12, 9, night),
                                         casualty(t, TOLL, 2, None, night)])
    (wh_settings.landing_dir / "hostile.txt").write_text("\n".join([
        "---", 'title: Night raid <script>alert("title")</script>', "source: Test Wire",
        "url: javascript:alert(3)", "language: en", "published_at: 2024-03-10", "---",
        HOSTILE, TOLL, ""]), encoding="utf-8")
    publish(wh_settings)
    html = (wh_settings.state_dir / "reports" / "latest.html").read_text(encoding="utf-8")

    page = parse(html)
    assert page.problems == [] and {tag for tag, _ in page.tags} <= PAGE_TAGS
    assert not [a for _, attrs in page.tags for a in attrs if a.startswith("on")]
    assert "javascript:" not in " ".join(str(v) for _, a in page.tags for v in a.values())
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "no link" in section(html, "events")  # the unsafe URL is shown as no link


def test_an_empty_warehouse_gives_a_valid_page_with_no_data_sections(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    publish(wh_settings)  # an empty landing folder publishes an empty warehouse
    html = build_report(wh_settings.warehouse_path).read_text(encoding="utf-8")
    page = parse(html)
    assert html.startswith("<!DOCTYPE html>") and page.problems == [] and page.stack == []
    for name in ("air-attacks", "intercept-rate", "casualties", "events"):
        part = section(html, name)
        assert 'class="nodata"' in part and "<svg" not in part, name
    assert "No row was quarantined in this run." in section(html, "quality")
    assert "no dated event" in html
