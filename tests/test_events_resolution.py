"""Event resolution on mentions built by hand: which reports become one event, which stay apart.

No warehouse here: `group_mentions` and `resolve` are plain functions over `Mention` rows, so
each rule (places nest, totals stay apart, vague reports that fit two events join neither,
undated reports only near in time) is pinned down on the smallest input that shows it.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.events import (
    Mention,
    _Event,
    _finer,
    _Index,
    _order,
    compatible,
    event_key,
    figures_compatible,
    frame_compatible,
    group_mentions,
    resolve,
)
from flows.warehouse import stable_key

NIGHT = date(2025, 10, 14)
MORNING = datetime(2025, 10, 14, 8, 0)
RUSSIA = 101
ODESA, ODESA_OBLAST, CHORNOMORSK, KHARKIV = 11, 12, 13, 14
KUPIANSK, KUPIANSK_DISTRICT = 15, 16

_keys = itertools.count(1000)


def place(key: int | None) -> dict[str, Any]:
    return {
        ODESA: dict(location_key=ODESA, location_type="city", admin1="Odesa Oblast",
                    place_stem="odesa", place_rank=3),
        ODESA_OBLAST: dict(location_key=ODESA_OBLAST, location_type="region",
                           admin1="Odesa Oblast", place_stem="odesa oblast", place_rank=1),
        CHORNOMORSK: dict(location_key=CHORNOMORSK, location_type="city",
                          admin1="Odesa Oblast", place_stem="chornomorsk", place_rank=3),
        KHARKIV: dict(location_key=KHARKIV, location_type="city", admin1="Kharkiv Oblast",
                      place_stem="kharkiv", place_rank=3),
        KUPIANSK: dict(location_key=KUPIANSK, location_type="city", admin1="Kharkiv Oblast",
                       place_stem="kupiansk", place_rank=3),
        KUPIANSK_DISTRICT: dict(location_key=KUPIANSK_DISTRICT, location_type="district",
                                admin1="Kharkiv Oblast", place_stem="kupiansk",
                                place_rank=2),
    }.get(key, {}) if key is not None else {}


def strike(article: int, launched: float | None, *, weapon: str = "shahed",
           where: int | None = None, intercepted: float | None = None,
           day: date = NIGHT, hours: float = 0.0) -> Mention:
    weapons = {
        "shahed": dict(weapon_category="drone", weapon_subcategory="attack drone",
                       weapon_model="Shahed-136", weapon_rank=2),
        "decoy": dict(weapon_category="drone", weapon_subcategory="decoy drone",
                      weapon_rank=1),
        "drones": dict(weapon_category="drone", weapon_rank=0),
        "kalibr": dict(weapon_category="missile", weapon_subcategory="cruise missile",
                       weapon_model="Kalibr", weapon_rank=2),
    }
    return Mention("fact_strike", next(_keys), "strike", article,
                   published_at=MORNING + timedelta(hours=hours),
                   ingested_at=MORNING + timedelta(hours=hours, minutes=5),
                   event_date=day, date_precision="day", date_from=day, date_to=day,
                   actor_key=RUSSIA, figure=launched, second_figure=intercepted,
                   **weapons[weapon], **place(where))


def toll(article: int, killed: float | None, where: int | None, *, cause: str = "shelling",
         injured: float | None = None, hours: float = 0.0, day: date = NIGHT) -> Mention:
    return Mention("fact_casualty", next(_keys), "casualty", article,
                   published_at=MORNING + timedelta(hours=hours),
                   ingested_at=MORNING + timedelta(hours=hours, minutes=5),
                   event_date=day, date_precision="day", date_from=day, date_to=day,
                   actor_key=RUSSIA, cause=cause, figure=killed, second_figure=injured,
                   **place(where))


def groups(mentions: list[Mention]) -> set[frozenset[int]]:
    """The grouping as sets of fact keys, to compare without caring for order."""
    return {frozenset(m.fact_key for m in event) for event in group_mentions(mentions)}


def keys(*ms: Mention) -> frozenset[int]:
    return frozenset(m.fact_key for m in ms)


def test_reports_of_one_attack_from_three_outlets_are_one_event() -> None:
    air_force, wire, reprint = (strike(1, 52, intercepted=44), strike(2, 52, intercepted=44),
                                strike(3, 52, intercepted=44, hours=4))
    assert groups([air_force, wire, reprint]) == {keys(air_force, wire, reprint)}


def test_the_same_night_in_two_regions_stays_two_events() -> None:
    odesa = [toll(1, 2, ODESA), toll(2, 2, ODESA, hours=2)]
    kharkiv = [toll(1, 2, KHARKIV), toll(3, 3, KHARKIV, hours=3)]
    assert groups(odesa + kharkiv) == {keys(*odesa), keys(*kharkiv)}


def test_an_article_never_reports_one_event_twice() -> None:
    # two rows of one article are two events by extraction convention, however alike
    first, second = toll(1, 1, ODESA), toll(1, 1, ODESA)
    assert groups([first, second]) == {keys(first), keys(second)}


def test_places_nest_a_town_in_its_region_and_its_district() -> None:
    city, region = toll(1, 3, ODESA), toll(2, 3, ODESA_OBLAST, hours=1)
    assert groups([city, region]) == {keys(city, region)}
    town, district = toll(3, 1, KUPIANSK), toll(4, 1, KUPIANSK_DISTRICT, hours=1)
    assert groups([town, district]) == {keys(town, district)}
    other_town = toll(5, 1, CHORNOMORSK)
    assert groups([city, other_town]) == {keys(city), keys(other_town)}


def test_a_region_report_that_fits_two_towns_joins_neither() -> None:
    odesa, chornomorsk = toll(1, 2, ODESA), toll(2, 2, CHORNOMORSK)
    region = toll(3, 2, ODESA_OBLAST, hours=2)
    assert groups([odesa, chornomorsk, region]) == {keys(odesa), keys(chornomorsk),
                                                    keys(region)}


def test_a_category_total_stays_apart_from_the_types_it_adds_up() -> None:
    shahed, decoy = strike(1, 40, weapon="shahed"), strike(1, 32, weapon="decoy")
    total = strike(2, 72, weapon="drones", hours=1)
    assert groups([shahed, decoy, total]) == {keys(shahed), keys(decoy), keys(total)}
    # with one type only, "40 drones" is the same thing as "40 Shahed drones"
    plain = strike(3, 40, weapon="drones", hours=2)
    assert groups([shahed, plain]) == {keys(shahed, plain)}


def test_a_national_total_does_not_swallow_a_regional_part() -> None:
    national = strike(1, 52, weapon="shahed")
    over_odesa = strike(2, 12, weapon="shahed", where=ODESA_OBLAST)
    assert groups([national, over_odesa]) == {keys(national), keys(over_odesa)}
    # the same figure for the named target is the same attack
    same = strike(3, 52, weapon="shahed", where=ODESA)
    assert groups([national, same]) == {keys(national, same)}


def test_other_weapon_types_and_far_apart_figures_are_other_events() -> None:
    drones, missiles = strike(1, 20, weapon="shahed"), strike(2, 20, weapon="kalibr")
    assert groups([drones, missiles]) == {keys(drones), keys(missiles)}
    morning, evening = strike(3, 3, weapon="kalibr", where=KHARKIV), \
        strike(4, 12, weapon="kalibr", where=KHARKIV)
    assert groups([morning, evening]) == {keys(morning), keys(evening)}


def test_a_rising_toll_is_one_event_and_consecutive_nights_are_not() -> None:
    early, late = toll(1, 3, ODESA, injured=12), toll(2, 5, ODESA, injured=19, hours=20)
    assert compatible(early, late)
    next_night = toll(3, 3, ODESA, day=NIGHT + timedelta(days=1), hours=24)
    assert groups([early, late, next_night]) == {keys(early, late), keys(next_night)}


def test_dates_match_within_their_precision() -> None:
    night = toll(1, 4, ODESA)
    that_week = replace(toll(2, 4, ODESA), date_precision="week", event_date=date(2025, 10, 13),
                        date_from=date(2025, 10, 13), date_to=date(2025, 10, 19))
    next_week = replace(that_week, fact_key=next(_keys), article_key=3,
                        event_date=date(2025, 10, 20), date_from=date(2025, 10, 20),
                        date_to=date(2025, 10, 26))
    assert compatible(night, that_week)
    assert not compatible(night, next_week)


def test_undated_reports_merge_only_when_published_close_together() -> None:
    def plan(article: int, quantity: float, published: datetime | None) -> Mention:
        return Mention("fact_production", next(_keys), "production", article,
                       published_at=published, actor_key=RUSSIA, weapon_category="drone",
                       weapon_subcategory="attack drone", weapon_rank=1, figure=quantity,
                       period="year", target_year=2026)

    first = plan(1, 40000, MORNING)
    echo = plan(2, 40000, MORNING + timedelta(days=2))
    months_later = plan(3, 40000, MORNING + timedelta(days=60))
    undated = plan(4, 40000, None)
    other_figure = plan(5, 30000, MORNING + timedelta(days=1))
    assert groups([first, echo, months_later, undated, other_figure]) == {
        keys(first, echo), keys(months_later), keys(undated), keys(other_figure)}


def test_the_grouping_does_not_depend_on_the_order_of_the_rows() -> None:
    mentions = [strike(1, 40), strike(1, 32, weapon="decoy"), strike(2, 72, weapon="drones"),
                strike(3, 41, hours=3), toll(2, 2, ODESA), toll(4, 2, ODESA_OBLAST, hours=5),
                toll(5, 2, CHORNOMORSK, hours=6), toll(3, 1, KHARKIV, hours=3)]
    expected = resolve(mentions)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = mentions[:]
        rng.shuffle(shuffled)
        assert resolve(shuffled) == expected


def test_the_event_key_is_that_of_the_first_fact_received_and_survives_new_reports() -> None:
    first = toll(1, 3, ODESA, hours=0)
    later = toll(2, 5, ODESA, hours=10)
    assert event_key([later, first]) == stable_key("event", "fact_casualty", first.fact_key)
    before = resolve([first])[first.fact]
    # a report received later, even about an earlier moment, does not re-key the event
    late_arrival = replace(toll(3, 3, ODESA), published_at=MORNING - timedelta(hours=5),
                           ingested_at=MORNING + timedelta(days=1))
    after = resolve([first, later, late_arrival])
    assert after[first.fact] == after[later.fact] == after[late_arrival.fact] == before


_PLACES = [(None, None, None, 0), (11, "Kharkiv Oblast", "city", 3),
           (12, "Kharkiv Oblast", "region", 1), (13, "Odesa Oblast", "city", 3),
           (14, None, "city", 3), (15, None, "area", 0)]
_WEAPONS = [("drone", "attack drone", "Shahed-136", 3), ("drone", None, None, 1),
            ("missile", "cruise missile", None, 2), (None, None, None, 0)]


@st.composite
def _mentions(draw: st.DrawFn) -> Mention:
    loc, admin1, loc_type, rank = draw(st.sampled_from(_PLACES))
    category, sub, model, weapon_rank = draw(st.sampled_from(_WEAPONS))
    day = date(2024, 3, 10) + timedelta(days=draw(st.integers(0, 2)))
    return Mention(
        fact_table="fact_strike", fact_key=draw(st.integers(1, 10**6)), kind="strike",
        article_key=draw(st.integers(1, 4)), published_at=datetime(2024, 3, 12, 9),
        event_date=day, date_precision="day", date_from=day, date_to=day,
        location_key=loc, location_type=loc_type, admin1=admin1, place_rank=rank,
        actor_key=draw(st.sampled_from([None, 1, 2])), weapon_category=category,
        weapon_subcategory=sub, weapon_model=model, weapon_rank=weapon_rank,
        figure=draw(st.sampled_from([None, 10.0, 12.0, 40.0])))


_DAY0 = date(2024, 3, 10)


@st.composite
def _any_mentions(draw: st.DrawFn) -> Mention:
    """Mentions of every kind, with date ranges, undated ones, second figures and frames."""
    loc, admin1, loc_type, rank = draw(st.sampled_from(_PLACES))
    category, sub, model, weapon_rank = draw(st.sampled_from(_WEAPONS))
    precision = draw(st.sampled_from(["day", "day", "day", "week", "unknown"]))
    start = _DAY0 + timedelta(days=draw(st.integers(0, 9)))
    dated = precision != "unknown"
    published = draw(st.one_of(st.just(None), st.integers(0, 240).map(
        lambda h: datetime(2024, 3, 10, 6) + timedelta(hours=h))))
    return Mention(
        fact_table=draw(st.sampled_from(["fact_strike", "fact_casualty"])),
        fact_key=draw(st.integers(1, 10**6)), kind=draw(st.sampled_from(["strike", "strike",
                                                                           "casualty"])),
        article_key=draw(st.integers(1, 6)), published_at=published,
        ingested_at=published, event_date=start if dated else None, date_precision=precision,
        date_from=start if dated else None,
        date_to=(start + timedelta(days=6 if precision == "week" else 0)) if dated else None,
        location_key=loc, location_type=loc_type, admin1=admin1,
        place_stem=draw(st.sampled_from([None, "kupiansk"])), place_rank=rank,
        actor_key=draw(st.sampled_from([1, 2, None])), weapon_category=category,
        weapon_subcategory=sub, weapon_model=model, weapon_rank=weapon_rank,
        cause=draw(st.sampled_from([None, "other", "shelling", "drone"])),
        figure=draw(st.sampled_from([None, 3.0, 10.0, 12.0, 40.0])),
        second_figure=draw(st.sampled_from([None, 2.0, 9.0, 30.0])),
        currency=draw(st.sampled_from([None, None, "USD"])),
        period=draw(st.sampled_from([None, None, "month"])),
        recipient=draw(st.sampled_from([None, None, "Ukraine", "Moldova"])))


def _event_of(reports: list[Mention]) -> tuple[_Event, list[Mention]]:
    """An event as grouping builds one: each report joins only if compatible with all."""
    event, members = _Event(), []
    for x in reports:
        if all(compatible(x, y) for y in members):
            event.add(x)
            members.append(x)
    return event, members


_VARIED = ["kind", "published_at", "event_date", "date_precision", "date_from",
           "date_to", "location_key", "admin1", "location_type", "place_rank", "actor_key",
           "weapon_category", "weapon_subcategory", "weapon_model", "cause", "figure",
           "second_figure", "currency", "period", "recipient"]


@st.composite
def _near(draw: st.DrawFn, m: Mention) -> Mention:
    """A report like m in all but one or two things, so that most pairs are near misses."""
    other = draw(_any_mentions())
    changed = draw(st.lists(st.sampled_from(_VARIED), min_size=1, max_size=2))
    return replace(m, fact_key=other.fact_key, article_key=other.article_key,
                   **{name: getattr(other, name) for name in changed})


@settings(max_examples=3000, deadline=None)
@given(st.data())
def test_an_event_summary_decides_exactly_as_every_report_pairwise(data: st.DataObject) -> None:
    m = data.draw(_any_mentions())
    event, members = _event_of(data.draw(st.lists(_near(m), min_size=1, max_size=5)))
    assert event.frame_fits(m) == all(frame_compatible(m, x) for x in members)
    assert event.figures_fit(m) == all(figures_compatible(m, x) for x in members)
    assert event.has_finer(m) == any(_finer(x, m) for x in members)
    assert (m.signature in event.signatures) == any(x.signature == m.signature
                                                     for x in members)


def _reference_groups(mentions: list[Mention]) -> set[frozenset[tuple[str, int]]]:
    """The grouping rule written plainly: every report against every event, no index."""
    events: list[list[Mention]] = []
    for m in sorted(mentions, key=_order):
        frame = [e for e in events if all(frame_compatible(m, x) for x in e)]
        finer = {next(x for x in e if _finer(x, m)).signature
                 for e in frame if any(_finer(x, m) for x in e)}
        if len(finer) >= 2:
            frame = [e for e in frame if any(x.signature == m.signature for x in e)]
        fitting = [e for e in frame if all(figures_compatible(m, x) for x in e)]
        if len(fitting) > 1:
            fitting = [e for e in fitting if any(x.signature == m.signature for x in e)]
        if len(fitting) == 1:
            fitting[0].append(m)
        else:
            events.append([m])
    return {frozenset(m.fact for m in e) for e in events}


@settings(max_examples=300, deadline=None)
@given(st.lists(_any_mentions(), min_size=1, max_size=30,
                unique_by=lambda m: (m.fact_table, m.fact_key)))
def test_the_indexed_grouping_equals_the_plain_rule(mentions: list[Mention]) -> None:
    assert {frozenset(m.fact for m in e) for e in group_mentions(mentions)} == (
        _reference_groups(mentions))


@settings(max_examples=400, deadline=None)
@given(st.lists(_mentions(), min_size=1, max_size=4), _mentions())
def test_the_index_finds_every_event_a_report_can_join(
        members: list[Mention], m: Mention) -> None:
    index = _Index()
    for x in members:
        index.add(x, 7)
    if all(frame_compatible(m, x) for x in members):
        assert 7 in index.lookup(m)


def test_the_index_finds_a_placeless_event_for_a_placed_report_with_figures() -> None:
    day = date(2024, 3, 10)
    common = dict(fact_table="fact_strike", kind="strike", published_at=datetime(2024, 3, 10),
                  event_date=day, date_precision="day", date_from=day, date_to=day,
                  weapon_category="drone")
    national = Mention(fact_key=1, article_key=1, figure=40.0, **common)
    placed = Mention(fact_key=2, article_key=2, figure=40.0, location_key=11,
                     admin1="Kharkiv Oblast", location_type="city", place_rank=3, **common)
    index = _Index()
    index.add(national, 0)
    assert frame_compatible(placed, national)
    assert index.lookup(placed) == {0}
    index.add(placed, 1)
    assert index.lookup(replace(national, fact_key=3, article_key=3)) == {0, 1}
