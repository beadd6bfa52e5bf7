"""The SQL models of event resolution, each run on its own over a tiny DuckDB fixture.

`sql/events/030_event_figures.sql` is the figure rule (best, low, high): it reads only the
scratch tables event_mention and event_member, so a handful of rows made here pins it down.
`sql/events/010_event_article.sql` maps wire credits to outlets; it reads only dim_article.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import duckdb
import pytest
from conftest import connection_with_caches

from flows.warehouse import SQL_DIR, run_sql_file

EVENTS = SQL_DIR / "events"

MENTION_COLUMNS = (
    "fact_table varchar, fact_key bigint, kind varchar, article_key bigint, "
    "published_at timestamp, outlet varchar, source_tier varchar, event_date_key integer, "
    "date_precision varchar, location_key bigint, place_rank integer, actor_key bigint, "
    "weapon_key bigint, weapon_rank integer, cause varchar, figure double, "
    "figure_qualifier varchar, second_figure bigint, currency varchar, period varchar, "
    "target_year integer")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute(f"create table event_mention ({MENTION_COLUMNS})")
    connection.execute("create table event_member (event_key bigint, fact_table varchar, "
                       "fact_key bigint)")
    yield connection
    connection.close()


def add(con: duckdb.DuckDBPyConnection, event: int, fact_key: int, *, article: int,
        published: str | None, tier: str, figure: float | None, second: int | None = None,
        qualifier: str = "exact", outlet: str | None = None, place: tuple[int, int] = (7, 3),
        date: tuple[int, str] = (20251014, "day"), kind: str = "casualty") -> None:
    """One fact row of one event (defaults: a day-precise casualty toll in a town)."""
    con.execute(
        "insert into event_mention (fact_table, fact_key, kind, article_key, published_at, "
        "outlet, source_tier, event_date_key, date_precision, location_key, place_rank, "
        "actor_key, weapon_rank, figure, figure_qualifier, second_figure) values "
        "($table, $key, $kind, $article, $published, $outlet, $tier, $date_key, $precision, "
        "$location, $rank, 1, 0, $figure, $qualifier, $second)",
        {"table": f"fact_{kind}", "key": fact_key, "kind": kind, "article": article,
         "published": datetime.fromisoformat(published) if published else None,
         "outlet": outlet or f"outlet {article}", "tier": tier, "date_key": date[0],
         "precision": date[1], "location": place[0], "rank": place[1], "figure": figure,
         "qualifier": qualifier, "second": second})
    con.execute("insert into event_member values ($event, $table, $key)",
                {"event": event, "table": f"fact_{kind}", "key": fact_key})


def figures(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, object]]:
    run_sql_file(con, EVENTS / "030_event_figures.sql")
    rel = con.sql("select * from fact_event")
    return {row[0]: dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()}


def test_an_officials_update_wins_and_low_high_span_every_report(
        con: duckdb.DuckDBPyConnection) -> None:
    add(con, 1, 11, article=1, published="2025-10-14 08:00", tier="official", figure=3,
        second=12, outlet="eastbound wire")
    add(con, 1, 12, article=2, published="2025-10-14 12:00", tier="outlet", figure=4)
    add(con, 1, 13, article=3, published="2025-10-14 15:00", tier="reprint", figure=3,
        second=12, outlet="eastbound wire")
    add(con, 1, 14, article=4, published="2025-10-15 09:00", tier="official", figure=5)
    event = figures(con)[1]
    assert (event["best"], event["low"], event["high"]) == (5, 3, 5)
    assert event["best_fact_key"] == 14 and event["best_source_tier"] == "official"
    # the update gave no injured figure: the first official report that did is read next
    assert event["best_injured"] == 12 and event["best_intercepted"] is None
    assert (event["n_facts"], event["n_articles"], event["n_sources"]) == (4, 4, 3)


def test_a_later_reprint_never_beats_the_report_it_copied(
        con: duckdb.DuckDBPyConnection) -> None:
    add(con, 2, 21, article=1, published="2025-10-14 08:00", tier="outlet", figure=2)
    add(con, 2, 22, article=2, published="2025-10-14 10:00", tier="outlet", figure=3)
    add(con, 2, 23, article=3, published="2025-10-14 18:00", tier="reprint", figure=2)
    event = figures(con)[2]
    assert (event["best"], event["low"], event["high"]) == (3, 2, 3)
    assert event["best_fact_key"] == 22


def test_between_equally_direct_reports_of_one_moment_an_exact_figure_wins(
        con: duckdb.DuckDBPyConnection) -> None:
    add(con, 3, 31, article=1, published="2025-10-14 08:00", tier="outlet", figure=20,
        qualifier="at_least")
    add(con, 3, 32, article=2, published="2025-10-14 08:00", tier="outlet", figure=24)
    event = figures(con)[3]
    assert (event["best"], event["best_qualifier"], event["low"], event["high"]) == (
        24, "exact", 20, 24)


def test_no_figure_means_no_estimate_but_the_other_figures_are_kept(
        con: duckdb.DuckDBPyConnection) -> None:
    add(con, 4, 41, article=1, published="2025-10-14 08:00", tier="official", figure=None,
        second=2)
    add(con, 4, 42, article=2, published=None, tier="outlet", figure=None, second=3)
    event = figures(con)[4]
    assert (event["best"], event["low"], event["high"], event["best_qualifier"]) == (
        None, None, None, None)
    assert event["best_injured"] == 2


def test_the_event_takes_the_most_precise_place_and_date_its_reports_give(
        con: duckdb.DuckDBPyConnection) -> None:
    add(con, 5, 51, article=1, published="2025-10-14 08:00", tier="outlet", figure=4,
        place=(70, 1), date=(20251013, "week"))
    add(con, 5, 52, article=2, published="2025-10-14 09:00", tier="outlet", figure=4,
        place=(7, 3), date=(20251014, "day"))
    event = figures(con)[5]
    assert (event["location_key"], event["event_date_key"], event["date_precision"]) == (
        7, 20251014, "day")


def test_strike_events_carry_intercepted_and_casualty_events_injured(
        con: duckdb.DuckDBPyConnection) -> None:
    add(con, 6, 61, article=1, published="2025-10-14 08:00", tier="official", figure=52,
        second=44, kind="strike")
    events = figures(con)
    assert (events[6]["best"], events[6]["best_intercepted"], events[6]["best_injured"]) == (
        52, 44, None)


# --------------------------------------------------------------------------- outlets


ARTICLES = [
    # key, source, text
    (1, "Eastbound Wire", "KYIV, Oct 14 (Eastbound Wire) - A missile hit Dnipro overnight."),
    (2, "Lakeside Gazette", "KYIV, Oct 14 (Eastbound Wire) - A missile hit Dnipro overnight."),
    (3, "Valley Times", "Three people died in Dnipro.\n\nThis story was first published by "
                        "Eastbound Wire."),
    (4, "The Harbour Post live", "Drones were shot down over the bay, officials said."),
    (5, "Continental Press Service", "LVIV, Ukraine, May 3 (CPS) - Air raid sirens sounded."),
    (6, "River Daily", "KYIV (Reuters) - Russia launched drones at the capital."),
    (7, "Reuters", "KYIV (Reuters) - Russia launched drones at the capital."),
    (8, "Air Force of Ukraine (press service)", "Russia launched 52 drones overnight."),
    (9, None, "Russia launched 52 drones overnight."),
    (10, "Hill Courier", "By Maria Kovalenko, Eastbound Wire\n\nA missile hit Dnipro."),
    (11, "Hill Courier", "By Sunday morning the toll had risen to four\n\nRescuers worked."),
]


def outlet_con() -> duckdb.DuckDBPyConnection:
    """dim_article as ARTICLES, a work database with its caches attached as `work`."""
    con = connection_with_caches()
    con.execute("create table dim_article (article_key bigint, source varchar, "
                "published_at timestamp, ingested_at timestamp, text varchar)")
    con.executemany("insert into dim_article values (?, ?, null, null, ?)", ARTICLES)
    return con


def read_outlets(con: duckdb.DuckDBPyConnection, rules: str = "v1",
                 ) -> dict[int, tuple[str, bool, bool]]:
    run_sql_file(con, EVENTS / "005_article_credit.sql", {"credit_rules": rules})
    run_sql_file(con, EVENTS / "010_event_article.sql")
    rows = con.execute("select article_key, outlet, is_reprint, is_official_source "
                       "from event_article").fetchall()
    return {int(k): (str(o), bool(r), bool(f)) for k, o, r, f in rows}


def outlets() -> dict[int, tuple[str, bool, bool]]:
    return read_outlets(outlet_con())


def test_each_text_is_read_for_credits_once_per_version_of_the_rules() -> None:
    con = outlet_con()
    assert read_outlets(con)[2] == ("eastbound wire", True, False)
    # a cached credit is not read again from the text: prove it by planting another one
    con.execute("update work.cache.article_credit set credit = 'Hill Courier' "
                "where article_key = 2")
    assert read_outlets(con)[2] == ("hill courier", True, False)
    assert con.execute("select count(*) from work.cache.article_credit").fetchone() == (11,)
    # new rules: every text is read again, and the planted credit is gone
    assert read_outlets(con, rules="v2")[2] == ("eastbound wire", True, False)
    assert con.execute("select count(distinct rules), count(*) "
                       "from work.cache.article_credit").fetchone() == (1, 11)


def test_wire_credits_make_reprints_one_outlet() -> None:
    found = outlets()
    assert found[1] == ("eastbound wire", False, False)
    assert found[2] == ("eastbound wire", True, False)  # the dateline credits the wire
    assert found[3] == ("eastbound wire", True, False)  # "first published by"
    assert found[10] == ("eastbound wire", True, False)  # the byline
    assert found[6] == ("reuters", True, False) and found[7] == ("reuters", False, False)


def test_own_names_are_normalised_and_abbreviations_of_a_known_source_resolve() -> None:
    found = outlets()
    assert found[4] == ("harbour post", False, False)
    assert found[5] == ("continental press service", False, False)  # "(CPS)"
    assert found[8] == ("air force of ukraine", False, True)
    assert found[9] == ("article 9", False, False)  # unnamed: a source of its own
    assert found[11] == ("hill courier", False, False)  # "By Sunday morning" is no byline
