"""The report page: `ReportData` rendered as one HTML file with inline CSS and SVG.

Nothing on the page is fetched: no script, no stylesheet, no font, no image. Every value read
from the warehouse is escaped (`esc`), and a link to an article is only made from an http(s)
URL. An empty section says so in words rather than drawing an empty chart.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flows.report import (
    AirRow,
    EventRow,
    Evidence,
    OblastRow,
    ReportData,
)
from flows.report_svg import (
    HBar,
    HBarLayout,
    Line,
    Series,
    TimePanel,
    esc,
    fmt_int,
    fmt_pct,
    hbars,
    time_bars,
    time_lines,
)

LAUNCHED = Series("launched", "#0072B2")
INTERCEPTED = Series("intercepted", "#009E73")
KILLED = Series("killed", "#B2182B")
INJURED = Series("injured", "#F4A582")
PASSED = Series("passed", "#009E73")
FAILED = Series("failed", "#D55E00")
QUARANTINED = Series("rows quarantined", "#CC79A7")
CATEGORIES = {  # weapon category -> (plural for titles, line colour)
    "drone": ("Drones", "#0072B2"),
    "missile": ("Missiles", "#D55E00"),
    "glide_bomb": ("Glide bombs", "#CC79A7"),
    "aircraft": ("Aircraft", "#E69F00"),
}
UNIT_WORDS = {"day": ("day", "Day"), "week": ("week", "Week starting (Monday)"),
              "month": ("month", "Month")}

CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #1d1d1f; background: #fff; margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 20px 48px; }
h1 { font-size: 28px; margin: 8px 0 2px; }
h2 { font-size: 21px; margin: 36px 0 6px; padding-top: 12px; border-top: 1px solid #ddd; }
h3 { font-size: 17px; margin: 22px 0 6px; }
.lede { color: #555; margin: 0 0 14px; }
dl.facts { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px 18px; margin: 12px 0;
  padding: 12px 14px; background: #f5f6f8; border-radius: 6px; }
dl.facts div { min-width: 0; }
dl.facts dt { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #666; }
dl.facts dd { margin: 0; font-size: 17px; font-weight: 600; overflow-wrap: anywhere; }
dl.facts dd small { font-weight: 400; font-size: 13px; color: #555; }
nav { margin: 8px 0 0; font-size: 14px; }
nav a { margin-right: 14px; }
a { color: #0b5cad; }
.note, .source { font-size: 13px; color: #555; }
.nodata { padding: 18px; background: #f7f7f7; border: 1px dashed #bbb; border-radius: 6px;
  color: #444; }
.error { border-color: #d55e00; }
svg.chart { display: block; width: 100%; height: auto; max-width: 1160px; margin: 8px 0; }
svg.chart text { font-size: 13px; fill: #222; }
svg.chart .tick { font-size: 12px; fill: #555; }
svg.chart .axis { font-size: 12px; fill: #333; }
svg.chart .panel { font-weight: 600; }
svg.chart .note { fill: #333; }
svg.chart .grid { stroke: #e4e4e4; }
svg.chart .axis-line { stroke: #777; }
svg.chart .hover { fill: transparent; }
svg.chart .hover:hover { fill: rgba(0, 0, 0, .05); }
svg.chart .whisker { stroke: #222; stroke-width: 1.5; fill: none; }
svg.chart .unplaced text { fill: #666; font-style: italic; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 10px; text-align: left;
  vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 4px 0 10px; }
summary { cursor: pointer; color: #0b5cad; font-size: 13px; }
ol.events { padding-left: 22px; }
ol.events > li { margin: 14px 0; }
ol.events ul { list-style: none; padding-left: 0; }
.event-title { font-weight: 600; }
blockquote { margin: 6px 0 2px; padding: 4px 12px; border-left: 3px solid #9ab;
  background: #f8fafb; }
.badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px;
  background: #e8eef5; color: #234; margin-left: 4px; }
footer { margin-top: 40px; font-size: 12px; color: #666; }
"""


# ------------------------------------------------------------------ small helpers


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link, else None (no javascript:, data: ...)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _day(value: date | datetime | None) -> str:
    return "–" if value is None else f"{value.day} {value:%b %Y}"


def _plural(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def _nodata(text: str, error: str | None = None) -> str:
    if error:
        return ('<p class="nodata error">This section could not be read from the warehouse '
                f"(published by an older Sitrep? the next run republishes it): {esc(error)}</p>")
    return f'<p class="nodata">{esc(text)}</p>'


def _table(head: Sequence[str], rows: Iterable[Sequence[object]],
           numeric: Sequence[bool]) -> str:
    cells = "".join(f'<th{" class=num" if n else ""} scope="col">{esc(h)}</th>'
                    for h, n in zip(head, numeric, strict=True))
    body = []
    for row in rows:
        tds = "".join(f'<td{" class=num" if n else ""}>{esc(v)}</td>'
                      for v, n in zip(row, numeric, strict=True))
        body.append(f"<tr>{tds}</tr>")
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _details(label: str, content: str) -> str:
    return f"<details><summary>{esc(label)}</summary>{content}</details>"


def _category(name: str) -> str:
    return CATEGORIES.get(name, (name.replace("_", " ").capitalize(), "#777"))[0]


def _periods(first: date, last: date, unit: str) -> list[date]:
    """Every period start from `first` to `last`, so quiet periods show as gaps."""
    out: list[date] = []
    current = first
    while current <= last:
        out.append(current)
        if unit == "day":
            current += timedelta(days=1)
        elif unit == "week":
            current += timedelta(days=7)
        else:
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return out


def _x_title(periods: Sequence[date], unit: str) -> str:
    """The x axis title; day and week labels leave out the year, so it is said here."""
    title = UNIT_WORDS[unit][1]
    if unit == "month" or not periods:
        return title
    first, last = periods[0], periods[-1]
    span = (f"{first:%Y}" if first.year == last.year else f"{first:%b %Y} – {last:%b %Y}")
    return f"{title}, {span}"


def _period_label(start: date, unit: str, short: bool) -> str:
    if unit == "month":
        return f"{start:%b %Y}"
    if short:
        return f"{start.day} {start:%b}"
    return ("week of " if unit == "week" else "") + _day(start)


# ------------------------------------------------------------------ sections


def _header(data: ReportData, page_dir: Path, run_id: str | None) -> str:
    h = data.header
    if h.first_event_date is not None:
        period = f"{_day(h.first_event_date)} – {_day(h.last_event_date)}"
    else:
        period = "no dated event"
    undated = (f"<small>plus {_plural(h.undated_events, 'event')} without a date</small>"
               if h.undated_events else "")
    published = (f"<small>published {_day(h.first_published)} – {_day(h.last_published)}"
                 "</small>" if h.first_published else "")
    facts = [
        ("Period covered", f"{esc(period)}<br>{undated}"),
        ("Articles", f"{h.articles:,}<br>{published}"),
        ("Facts", f"{h.facts:,}<br><small>in {_plural(h.events, 'event')}; "
                  f"{_plural(h.rejects, 'input')} rejected</small>"),
        ("Last publish", esc(f"{h.published_at:%Y-%m-%d %H:%M:%S}" if h.published_at
                             else "–")),
        ("Run id", f"{esc(h.run_id or '–')}"),
        ("Extractor", f"{esc(h.extractor_version or '–')}"),
        ("Report built", f"{esc(data.generated_at)}"),
        ("Warehouse", f"<small>{esc(data.warehouse)}</small>"),
    ]
    grid = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in facts)
    links = _links(data, page_dir, run_id)
    error = (_nodata("", data.errors["header"]) if "header" in data.errors else "")
    return (
        "<header><h1>Sitrep report</h1>"
        '<p class="lede">Air attacks, casualties, the biggest events and the data-quality '
        "results of the published warehouse. Figures are read from news articles; each event "
        "below links the sentences and articles it was read from.</p>"
        f'<dl class="facts">{grid}</dl>{error}'
        '<nav aria-label="Sections"><a href="#air-attacks">Air attacks</a>'
        '<a href="#intercept-rate">Intercept rate</a><a href="#casualties">Casualties by '
        'oblast</a><a href="#events">Biggest events</a><a href="#quality">Data quality</a>'
        f"{links}</nav></header>")


def _rel(target: Path, page_dir: Path) -> str:
    """A relative link from a page in `page_dir` to `target` (works over file:// and http)."""
    return Path(os.path.relpath(target, page_dir)).as_posix()


def _links(data: ReportData, page_dir: Path, run_id: str | None) -> str:
    """Links to the Data Docs beside the warehouse and between latest and per-run pages."""
    links = []
    docs = data.warehouse.parent / "data_docs" / "index.html"
    if docs.is_file():
        links.append(f'<a href="{esc(_rel(docs, page_dir))}">GX Data Docs</a>')
    if run_id is not None and page_dir.name == "runs":
        links.append('<a href="../latest.html">Latest report</a>')
    elif run_id is not None:
        links.append(f'<a href="runs/{esc(run_id)}.html">This run\'s report</a>')
    return "".join(links)


def _air_section(data: ReportData) -> str:
    intro = (
        '<h2 id="air-attacks">Air attacks over time</h2>'
        '<p class="lede">Drones, missiles, glide bombs and aircraft launched at a target, and '
        f"how many were intercepted, per {UNIT_WORDS[data.unit][0]}, one panel per weapon "
        "category with its own scale. Each attack counts once however many articles told it "
        "(resolved events, <code>v_events</code>); only attacks dated to one day are "
        "counted.</p>")
    if "air" in data.errors:
        return intro + _nodata("", data.errors["air"])
    if not data.air:
        return intro + _nodata("No air attack dated to one day in this warehouse.")
    events, reports = data.total("events"), data.total("reports")
    counted = ""
    if events and reports:
        counted = (
            f'<p class="note">Counted once per event: {_plural(events.rows, "attack")}, '
            f"{fmt_int(events.launched)} launched, {fmt_int(events.intercepted)} intercepted. "
            f"Counting every report instead (<code>v_strikes</code>, as "
            f"<code>v_daily_air_attacks</code> does) would give "
            f"{_plural(reports.rows, 'report')}, {fmt_int(reports.launched)} launched, "
            f"{fmt_int(reports.intercepted)} intercepted.</p>")
    periods = _periods(min(r.period_start for r in data.air),
                       max(r.period_start for r in data.air), data.unit)
    by_key = {(r.period_start, r.category): r for r in data.air}
    panels = []
    for category in _categories(data.air):
        values, tips = [], []
        for start in periods:
            row = by_key.get((start, category))
            values.append([row.launched, row.intercepted] if row else [None, None])
            tips.append(_air_tip(start, data.unit, category, row))
        panels.append(TimePanel(_category(category), values, tips))
    chart = time_bars(
        f"Air attacks per {UNIT_WORDS[data.unit][0]}: launched and intercepted",
        "Grouped bars per period for each weapon category: launched (blue) and intercepted "
        "(green), counted once per resolved event.",
        [_period_label(p, data.unit, True) for p in periods], panels,
        [LAUNCHED, INTERCEPTED], "number", _x_title(periods, data.unit))
    table = _table(
        ["period", "category", "events", "launched", "intercepted",
         "events without a launched figure"],
        [(_period_label(r.period_start, data.unit, False), _category(r.category), r.events,
          fmt_int(r.launched), fmt_int(r.intercepted), r.events_without_launched)
         for r in data.air],
        [False, False, True, True, True, True])
    return intro + counted + chart + _details("The figures behind the chart", table)


def _categories(rows: Sequence[AirRow]) -> list[str]:
    present = {r.category for r in rows}
    return [c for c in CATEGORIES if c in present] + sorted(present - CATEGORIES.keys())


def _air_tip(start: date, unit: str, category: str, row: AirRow | None) -> str:
    when = _period_label(start, unit, False)
    if row is None:
        return f"{when}, {_category(category).lower()}: no attack reported"
    text = (f"{when}, {_category(category).lower()}: {fmt_int(row.launched)} launched, "
            f"{fmt_int(row.intercepted)} intercepted ({_plural(row.events, 'event')}")
    if row.events_without_launched:
        text += f", {row.events_without_launched} without a launched figure"
    return text + ")"


def _rate_section(data: ReportData) -> str:
    intro = (
        '<h2 id="intercept-rate">Intercept rate over time</h2>'
        '<p class="lede">Intercepted as a share of launched, per '
        f"{UNIT_WORDS[data.unit][0]} and weapon category, from the events that give both "
        "figures (an event that gives only one of them is left out of the rate). A period "
        "without such an event has no point.</p>")
    if "air" in data.errors:
        return intro + _nodata("", data.errors["air"])
    rated = [r for r in data.air if r.intercept_rate is not None]
    if not rated:
        return intro + _nodata("No event in this warehouse gives both a launched and an "
                               "intercepted figure, so there is no rate to show.")
    periods = _periods(min(r.period_start for r in data.air),
                       max(r.period_start for r in data.air), data.unit)
    by_key = {(r.period_start, r.category): r for r in rated}
    lines, overall = [], []
    for category in _categories(rated):
        rows = [by_key.get((p, category)) for p in periods]
        lines.append(Line(
            _category(category), CATEGORIES.get(category, ("", "#777"))[1],
            [r.intercept_rate if r else None for r in rows],
            [f"{_period_label(p, data.unit, False)}: {fmt_int(r.intercepted_with_outcome)} "
             f"of {fmt_int(r.launched_with_outcome)} intercepted "
             f"({_plural(r.events_with_outcome, 'event')})" if r else ""
             for p, r in zip(periods, rows, strict=True)]))
        known = [r for r in rows if r]
        launched = sum(r.launched_with_outcome or 0 for r in known)
        intercepted = sum(r.intercepted_with_outcome or 0 for r in known)
        events = sum(r.events_with_outcome for r in known)
        overall.append(f"{_category(category).lower()} "
                       f"{fmt_pct(intercepted / launched if launched else None)} "
                       f"({fmt_int(intercepted)} of {fmt_int(launched)}, "
                       f"{_plural(events, 'event')})")
    chart = time_lines(
        f"Intercept rate per {UNIT_WORDS[data.unit][0]} and weapon category",
        "Points give the share of launched weapons that were intercepted, per period and "
        "weapon category; lines join consecutive periods.",
        [_period_label(p, data.unit, True) for p in periods], lines,
        "intercepted / launched", _x_title(periods, data.unit))
    note = f'<p class="note">Over the whole period: {esc("; ".join(overall))}.</p>'
    table = _table(
        ["period", "category", "events with both figures", "launched", "intercepted", "rate"],
        [(_period_label(r.period_start, data.unit, False), _category(r.category),
          r.events_with_outcome, fmt_int(r.launched_with_outcome),
          fmt_int(r.intercepted_with_outcome), fmt_pct(r.intercept_rate)) for r in rated],
        [False, False, True, True, True, True])
    return intro + note + chart + _details("The figures behind the chart", table)


def _oblast_label(row: OblastRow) -> str:
    if row.admin1 is None:
        return "no region named"
    country = row.country_code
    return row.admin1 + (f" ({country})" if country and country != "UA" else "")


def _casualties_section(data: ReportData) -> str:
    intro = (
        '<h2 id="casualties">Casualties by oblast</h2>'
        '<p class="lede">Killed and injured per region (<code>dim_location.admin1</code>), '
        "ranked by killed, summed over resolved casualty events so a toll told by several "
        "articles counts once. Regions outside Ukraine carry their country code.</p>")
    if "oblasts" in data.errors:
        return intro + _nodata("", data.errors["oblasts"])
    rows = [r for r in data.oblasts if r.killed or r.injured]
    if not rows:
        return intro + _nodata("No casualty figure in this warehouse.")
    bars = [HBar(_oblast_label(r), [r.killed, r.injured],
                 f"{_oblast_label(r)}: {r.killed:,} killed, {r.injured:,} injured "
                 f"({_plural(r.events, 'event')})",
                 f"{r.killed:,} killed · {r.injured:,} injured",
                 cls="unplaced" if r.admin1 is None else "")
            for r in rows]
    chart = hbars("Casualties by oblast: killed and injured",
                  "Horizontal bars per region, killed then injured stacked, ranked by killed.",
                  bars, [KILLED, INJURED], "people (killed + injured)")
    table = _table(["region", "killed", "injured", "events"],
                   [(_oblast_label(r), r.killed, r.injured, r.events) for r in rows],
                   [False, True, True, True])
    return intro + chart + _details("The figures behind the chart", table)


def _event_place(e: EventRow) -> str:
    return e.location or e.admin1 or "no place named"


def _event_when(e: EventRow) -> str:
    if e.event_date is None:
        return "date unknown"
    if e.date_precision == "week":
        return f"week of {_day(e.event_date)}"
    if e.date_precision == "month":
        return f"{e.event_date:%B %Y}"
    return _day(e.event_date)


def _event_label(e: EventRow) -> str:
    what = e.weapon or e.cause or e.kind
    return f"{_event_when(e)} · {_event_place(e)} · {what}"


def _figures(e: EventRow, ranges: bool = True) -> str:
    main, second = ("launched", "intercepted") if e.kind == "strike" else ("killed", "injured")
    text = f"{fmt_int(e.best)} {main}" if e.best is not None else f"{main} not reported"
    if e.best_qualifier and e.best_qualifier != "exact":
        text += f" ({e.best_qualifier.replace('_', ' ')})"
    if (ranges and e.best is not None and e.low is not None and e.high is not None
            and e.low != e.high):
        text += f", reports gave {fmt_int(e.low)}–{fmt_int(e.high)}"
    if e.second is not None:
        text += f", {fmt_int(e.second)} {second}"
    return text


def _report_item(r: Evidence, kind: str) -> str:
    main, second = ("launched", "intercepted") if kind == "strike" else ("killed", "injured")
    figures = ", ".join(f"{fmt_int(v)} {name}" for v, name in ((r.figure, main),
                                                             (r.second, second))
                        if v is not None) or "no figure"
    title = esc(r.title or "untitled article")
    url = safe_url(r.url)
    article = (f'<a href="{esc(url)}" rel="noopener noreferrer">{title}</a>' if url
               else f"{title} <span class=\"badge\">no link</span>")
    outlet = r.source or r.outlet or "unknown outlet"
    if r.outlet and r.source and r.outlet != r.source.lower():
        outlet += f" (credits {r.outlet})"
    badges = f'<span class="badge">{esc(r.source_tier or "source")}</span>'
    if r.gave_best:
        badges += '<span class="badge">gave the best figure</span>'
    return (f"<li><blockquote>{esc(r.evidence or '(no sentence kept)')}</blockquote>"
            f'<div class="source">{article} · {esc(outlet)} · {esc(_day(r.published_at))} · '
            f"this report: {esc(figures)}{badges}</div></li>")


def _event_list(events: Sequence[EventRow], limit_reports: int = 6) -> str:
    items = []
    for e in events:
        reports = "".join(_report_item(r, e.kind) for r in e.reports[:limit_reports])
        more = (f'<li class="note">and {len(e.reports) - limit_reports} more reports</li>'
                if len(e.reports) > limit_reports else "")
        items.append(
            f'<li><div class="event-title">{esc(_event_label(e))}: {esc(_figures(e))}</div>'
            f'<div class="note">{_plural(e.n_facts, "report")} in '
            f"{_plural(e.n_articles, 'article')} from {_plural(e.n_sources, 'outlet')}; best "
            f"figure from {esc(e.best_source_tier or 'an unknown')} source · event "
            f"{e.event_key}</div><ul>{reports}{more}</ul></li>")
    return f'<ol class="events">{"".join(items)}</ol>'


def _events_chart(events: Sequence[EventRow], series: Series, title: str) -> str:
    bars = [HBar(_event_label(e), [e.best or 0.0], f"{_event_label(e)}: {_figures(e)}",
                 _figures(e, ranges=False),
                 (e.low, e.high) if e.low is not None and e.high is not None
                 and e.low != e.high else None)
            for e in events]
    return hbars(title, "Horizontal bars per event, ranked by the main figure; a whisker "
                 "spans the lowest and highest figure the event's reports gave.",
                 bars, [series], series.name, layout=HBarLayout(label_chars=60, note_w=260))


def _events_section(data: ReportData) -> str:
    intro = (
        '<h2 id="events">Biggest events of the period</h2>'
        '<p class="lede">The resolved events (<code>v_events</code>) with the highest figures: '
        "air attacks by weapons launched, casualty events by people killed. Each lists the "
        "sentences it was read from and the articles they came from.</p>")
    if "events" in data.errors:
        return intro + _nodata("", data.errors["events"])
    out = [intro, "<h3>Attacks: most weapons launched</h3>"]
    if data.top_strikes:
        out.append(_events_chart(data.top_strikes, LAUNCHED,
                                 "Biggest attacks by weapons launched"))
        out.append(_event_list(data.top_strikes))
    else:
        out.append(_nodata("No attack with a figure in this warehouse."))
    out.append("<h3>Casualties: most people killed</h3>")
    if data.top_casualties:
        out.append(_events_chart(data.top_casualties, KILLED, "Deadliest events"))
        out.append(_event_list(data.top_casualties))
    else:
        out.append(_nodata("No casualty event with a figure in this warehouse."))
    return "".join(out)


def _quality_section(data: ReportData) -> str:
    intro = (
        '<h2 id="quality">Data quality of the published run</h2>'
        '<p class="lede">The Great Expectations checks the run that published this file ran '
        "(<code>quality_results</code>), and the fact rows it held back "
        "(<code>quarantine</code>). A failed <code>batch</code> check blocks a publish, so the "
        "failures a published file can show are <code>row</code> checks (their rows are "
        "quarantined) and <code>warn</code> checks (recorded only).</p>")
    if "quality" in data.errors:
        return intro + _nodata("", data.errors["quality"])
    out = [intro]
    if data.suites:
        passed = sum(s.passed for s in data.suites)
        failed = sum(s.failed for s in data.suites)
        rows = sum(q.rows for q in data.quarantine)
        out.append(f'<p class="note">{_plural(passed + failed, "check")}: {passed:,} passed, '
                   f"{failed:,} failed; {_plural(rows, 'row')} quarantined.</p>")
        out.append(hbars(
            "Checks per suite: passed and failed",
            "Horizontal bars per suite, passed then failed checks stacked.",
            [HBar(s.suite, [s.passed, s.failed],
                  f"{s.suite}: {s.passed} passed, {s.failed} failed",
                  f"{s.passed} passed" + (f" · {s.failed} failed" if s.failed else ""))
             for s in data.suites],
            [PASSED, FAILED], "checks", layout=HBarLayout(row_h=22)))
    else:
        out.append(_nodata("No check results are recorded in this warehouse."))
    out.append("<h3>Failed checks</h3>")
    if data.failed_checks:
        out.append(_table(["suite", "check", "level", "rows caught", "detail"],
                          [(c.suite, c.check_name, c.level, c.unexpected, c.detail or "")
                           for c in data.failed_checks],
                          [False, False, False, True, False]))
    else:
        out.append(_nodata("No check failed in this run."))
    out.append("<h3>Quarantined rows by check</h3>")
    if data.quarantine:
        out.append(hbars(
            "Quarantined rows by check",
            "Horizontal bars per table and check: the fact rows held back from publishing.",
            [HBar(f"{q.table_name} · {q.check_name}", [q.rows],
                  f"{q.table_name} · {q.check_name}: {q.rows} rows from "
                  f"{_plural(q.articles, 'article')}", f"{q.rows:,} rows")
             for q in data.quarantine],
            [QUARANTINED], "rows", layout=HBarLayout(label_chars=60)))
        out.append(_details("Examples of quarantined rows", _table(
            ["table", "check", "offending values", "sentence"],
            [(x.table_name, x.check_name, x.offending_values or "", x.evidence or "")
             for x in data.quarantine_examples],
            [False, False, False, False])))
    else:
        out.append(_nodata("No row was quarantined in this run."))
    return "".join(out)


def render_page(data: ReportData, page_dir: Path, run_id: str | None = None) -> str:
    """The whole page; `page_dir` is where it will be written (for relative links)."""
    h = data.header
    title = "Sitrep report" + (f" · {h.run_id}" if h.run_id else "")
    body = "".join([
        _header(data, page_dir, run_id),
        _air_section(data), _rate_section(data), _casualties_section(data),
        _events_section(data), _quality_section(data),
        '<footer>Built by <code>sitrep report</code> from the published warehouse, opened '
        "read-only. What each chart shows and the SQL behind it: docs/report.md.</footer>",
    ])
    return ("<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")
