"""Regrouping only what changed gives exactly the events of grouping everything again.

`group_events` keeps the last grouping (cache.event_grouping) and regroups only the islands
of mentions that a new, changed or withdrawn mention touches. Here the mentions are written
straight into `event_mention` (no extraction), a first set is grouped and saved, then a second
set (some mentions gone, some changed, some new) is grouped incrementally and compared with
`resolve` on the whole second set.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, datetime, timedelta

import duckdb
import pytest
from conftest import connection_with_caches
from hypothesis import given, settings
from hypothesis import strategies as st
from test_events_resolution import _any_mentions

from flows import events
from flows.events import Mention, group_events, resolve
from flows.warehouse import SQL_DIR, run_sql_file

EVENTS = SQL_DIR / "events"
RULES = "test-rules"
_COLUMNS = [f.name for f in fields(Mention)]


_con = connection_with_caches


def _write_mentions(con: duckdb.DuckDBPyConnection, mentions: list[Mention]) -> None:
    con.execute("create or replace temp table event_mention as "
                "select * exclude (event_key, rules) from work.cache.event_grouping limit 0")
    if not mentions:
        return
    con.executemany(f"insert into event_mention ({', '.join(_COLUMNS)}) "
                    f"values ({', '.join('?' for _ in _COLUMNS)})",
                    [[getattr(m, c) for c in _COLUMNS] for m in mentions])


def _group(con: duckdb.DuckDBPyConnection, mentions: list[Mention],
           rules: str = RULES) -> tuple[dict[tuple[str, int], int], int]:
    _write_mentions(con, mentions)
    regrouped = group_events(con, rules, EVENTS)
    run_sql_file(con, EVENTS / "045_save_grouping.sql", {"grouping_rules": rules})
    rows = con.execute("select fact_table, fact_key, event_key from event_member").fetchall()
    members = {(str(t), int(k)): int(e) for t, k, e in rows}
    assert len(members) == len(rows) == len(mentions)  # each mention in one event, once
    # the cache now holds exactly these mentions, each once, with the event it was given
    cached = con.execute(
        f"select {', '.join(_COLUMNS)}, event_key from work.cache.event_grouping "
        "where rules = $rules", {"rules": rules}).fetchall()
    assert len(cached) == len(mentions)
    assert {tuple(row[:-1]) for row in cached} == {
        tuple(getattr(m, c) for c in _COLUMNS) for m in mentions}
    assert {(str(row[0]), int(row[1])): int(row[-1]) for row in cached} == members
    return members, regrouped


def _moved(m: Mention, days: int) -> Mention:
    """m, its dates and publication `days` later."""
    step = timedelta(days=days)
    return replace(
        m, event_date=m.event_date + step if m.event_date else None,
        date_from=m.date_from + step if m.date_from else None,
        date_to=m.date_to + step if m.date_to else None,
        published_at=m.published_at + step if m.published_at else None)


@st.composite
def _spread(draw: st.DrawFn, min_size: int, max_size: int) -> list[Mention]:
    """Mentions over about six weeks, so that most islands are small and a change is local."""
    found = draw(st.lists(st.tuples(_any_mentions(), st.integers(0, 40)), min_size=min_size,
                          max_size=max_size, unique_by=lambda t: t[0].fact))
    return [_moved(m, days) for m, days in found]


@settings(max_examples=150, deadline=None)
@given(_spread(1, 30), _spread(0, 3), st.data())
def test_regrouping_what_changed_equals_grouping_everything(
        first: list[Mention], extra: list[Mention], data: st.DataObject) -> None:
    n = len(first)
    keep = data.draw(st.lists(st.sampled_from([True] * 5 + [False]), min_size=n, max_size=n))
    shift = data.draw(st.lists(st.sampled_from([0] * 8 + [-1, 1]), min_size=n, max_size=n))
    second: list[Mention] = []
    for m, kept, days in zip(first, keep, shift, strict=True):
        if kept:  # else withdrawn (quarantined, or read differently)
            second.append(_moved(m, days) if days else m)
    taken = {m.fact for m in second}
    second += [replace(m, fact_key=m.fact_key + 10**7) for m in extra
               if (m.fact_table, m.fact_key + 10**7) not in taken]
    con = _con()
    assert _group(con, first)[0] == resolve(first)
    incremental, _ = _group(con, second)
    assert incremental == resolve(second)
    again, regrouped = _group(con, second)  # from the grouping the last call saved
    assert again == incremental and regrouped == 0


def _day(d: int) -> dict[str, object]:
    day = date(2024, 5, 1) + timedelta(days=d)
    return {"event_date": day, "date_from": day, "date_to": day, "date_precision": "day",
            "published_at": datetime.combine(day, datetime.min.time()) + timedelta(hours=9)}


def _strike(key: int, article: int, d: int, launched: float) -> Mention:
    return Mention(fact_table="fact_strike", fact_key=key, kind="strike", article_key=article,
                   weapon_category="drone", figure=launched, **_day(d))  # type: ignore[arg-type]


def test_a_new_report_regroups_only_the_days_it_touches() -> None:
    con = _con()
    old = [_strike(k, k, d, 40.0 + d) for k, d in enumerate(range(30), start=1)]
    _, regrouped = _group(con, old)
    assert regrouped == 30  # nothing cached yet: everything is grouped
    _, regrouped = _group(con, old)
    assert regrouped == 0  # nothing changed: every event kept
    new = [*old, _strike(100, 100, 29, 69.0)]  # another outlet's report of the last night
    members, regrouped = _group(con, new)
    assert regrouped == 2
    assert members == resolve(new)
    assert members[("fact_strike", 100)] == members[("fact_strike", 30)]


def test_a_week_long_report_links_the_days_it_spans() -> None:
    con = _con()
    old = [_strike(k, k, d, 40.0) for k, d in enumerate(range(10), start=1)]
    week = replace(_strike(50, 50, 2, 40.0), date_precision="week",
                   date_to=date(2024, 5, 3) + timedelta(days=6))
    _group(con, [*old, week])
    members, regrouped = _group(con, [*old, week, _strike(60, 60, 8, 40.0)])
    assert regrouped == 9  # days 2 to 8 through the week's report, and the new one
    assert members == resolve([*old, week, _strike(60, 60, 8, 40.0)])


def test_other_rules_regroup_everything() -> None:
    con = _con()
    old = [_strike(k, k, d, 40.0) for k, d in enumerate(range(5), start=1)]
    _group(con, old)
    assert _group(con, old, rules="other")[1] == 5
    assert events.rules_version(EVENTS / "025_event_island.sql") != events.rules_version(
        EVENTS / "045_save_grouping.sql")


def test_a_withdrawn_report_regroups_the_event_it_was_in() -> None:
    con = _con()
    first, second = _strike(1, 1, 3, 40.0), _strike(2, 2, 3, 41.0)
    members, _ = _group(con, [first, second])
    assert members[first.fact] == members[second.fact]
    members, regrouped = _group(con, [second])  # the first report was quarantined
    assert regrouped == 1
    assert members == resolve([second])  # the event is now keyed by the report left


def _plan(key: int, published_day: int) -> Mention:
    """An undated production figure, published on the given day."""
    return Mention(fact_table="fact_production", fact_key=key, kind="production",
                   article_key=key, weapon_category="drone", figure=2700.0, period="month",
                   published_at=datetime(2024, 5, 1, 9) + timedelta(days=published_day))


def test_undated_reports_three_days_apart_are_one_island() -> None:
    con = _con()
    _group(con, [_plan(1, 0), _plan(2, 3)])
    new = [_plan(1, 0), _plan(2, 3), _plan(3, 3)]
    members, regrouped = _group(con, new)
    assert regrouped == 3
    assert members == resolve(new)
    assert len(set(members.values())) == 1


def test_islands_grouped_on_two_processes_give_the_same_events(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "PARALLEL_MIN_MENTIONS", 0)
    con = _con()
    mentions = [_strike(k, k, k % 7, 40.0 + k % 3) for k in range(1, 60)]
    mentions += [_plan(100 + k, k) for k in range(12)]
    _write_mentions(con, mentions)
    run_sql_file(con, EVENTS / "025_event_island.sql", {"grouping_rules": RULES})
    table = events.regroup_table(con)
    sizes = sorted(table.group_by("island_number").aggregate([("fact_key", "count")])
                   .column("fact_key_count").to_pylist())
    assert sizes == [8, 8, 8, 8, 9, 9, 9, 12]  # seven nights of strikes, one chain of plans
    parts = events._balanced(table, 2)
    assert sorted(map(len, parts)) == [34, 37]  # biggest island first, to the lighter part
    first, second = ({*p.column("island_number").to_pylist()} for p in parts)
    assert not first & second  # whole islands only
    assert events.resolve_islands(table, workers=2) == resolve(mentions)
