"""Event resolution: many reports of one real-world event become one `fact_event` row.

The same overnight attack is told by the air force, copied by wire services and reprinted by
outlets, often with other figures. Counting each report as an event double-counts, so the
publish step groups the published fact rows (after the quarantine) into events:

1. SQL (`sql/events/010`, `020`) describes every published fact row as a mention: its kind,
   the days its date can stand for, its place, actor, weapon or cause, its figures, the outlet
   it counts as (wire credits mapped) and how direct its source is;
2. `resolve` (here) groups mentions that describe the same event; this is the part SQL does
   badly: a greedy grouping where a report joins an event only when it is compatible with
   every report already in it, and a vague report that fits several events joins none;
3. SQL applies the figure rule (`030_event_figures.sql`: best, low, high) and writes
   `fact_event`, `bridge_event_fact` and `v_events`;
4. the event suites (`expectations/events/`) check the events that changed (`055`) row by
   row and the whole tables' keys and links in SQL; a batch failure blocks the publish;
5. the changes are appended to the revision history in the work database
   (`audit.event_revision`) and copied into the published file as `event_revision`.

The rules are written down in docs/events.md.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from flows.settings import REPO_ROOT, load_settings
from flows.warehouse import SQL_DIR, read_sql, run_sql_file, run_sql_files, stable_key

log = logging.getLogger("sitrep.events")

EVENT_EXPECTATIONS_DIR = REPO_ROOT / "expectations" / "events"

# The files of sql/events/, by phase (each phase is one transaction).
CREDITS = "005_article_credit.sql"
PREPARE = ("010_event_article.sql", "020_event_mention.sql", "025_event_island.sql")
BUILD = ("030_event_figures.sql", "040_bridge_event_fact.sql", "050_v_events.sql")
SAVE_GROUPING = "045_save_grouping.sql"
CHECK_SCOPE = "055_event_check_scope.sql"
RECORD_CHECKS = "060_record_event_checks.sql"
RECORD_REVISIONS = "070_record_revisions.sql"
COPY_REVISIONS = "080_event_revision.sql"
PHASES = (CREDITS, *PREPARE, *BUILD, SAVE_GROUPING, CHECK_SCOPE, RECORD_CHECKS,
          RECORD_REVISIONS, COPY_REVISIONS)

# Reports without a usable event date (period totals, production figures, undated articles)
# describe the same event only when published within this many days of each other.
UNDATED_WINDOW_DAYS = 3

# How far two reports' figures may differ and still be one event: the larger at most
# `factor` times the smaller plus `slack`. Tolls grow as the dead are found; counts of weapons
# are revised a little; amounts and production figures are restated, not revised.
TOLERANCE: dict[str, tuple[float, float]] = {
    "strike": (2.0, 2.0),
    "casualty": (5.0, 5.0),
    "production": (1.1, 0.0),
    "aid_pledge": (1.01, 0.0),
}

DATE_RANK = {"day": 4, "week": 3, "month": 2, "range": 1, "unknown": 0}


class EventChecksFailed(RuntimeError):
    """A batch-level event check failed: the events cannot be trusted, so nothing publishes."""

    def __init__(self, blocking: Sequence[str]) -> None:
        self.blocking = list(blocking)
        super().__init__("event checks failed: " + "; ".join(self.blocking[:5]))


@dataclass(frozen=True, slots=True)
class Mention:
    """One published fact row as resolution sees it (a row of the scratch table event_mention).

    Only the columns resolution compares are kept; the figure rule reads the rest in SQL.
    """

    fact_table: str
    fact_key: int
    kind: str
    article_key: int
    published_at: datetime | None = None
    ingested_at: datetime | None = None
    event_date: date | None = None
    date_precision: str = "unknown"
    date_from: date | None = None
    date_to: date | None = None
    location_key: int | None = None
    location_type: str | None = None
    admin1: str | None = None
    place_stem: str | None = None
    place_rank: int = 0
    actor_key: int | None = None
    weapon_category: str | None = None
    weapon_subcategory: str | None = None
    weapon_model: str | None = None
    weapon_rank: int = 0
    cause: str | None = None
    figure: float | None = None
    second_figure: float | None = None
    currency: str | None = None
    period: str | None = None
    target_year: int | None = None
    recipient: str | None = None

    @property
    def fact(self) -> tuple[str, int]:
        return (self.fact_table, self.fact_key)

    @property
    def specificity(self) -> int:
        """How precise the report is: exact places, named weapons and days come first."""
        return self.place_rank + self.weapon_rank + DATE_RANK.get(self.date_precision, 0)

    @property
    def signature(self) -> tuple[Any, ...]:
        """What tells two events of one attack apart: place, weapon, cause and date."""
        return (self.location_key, self.weapon_category, self.weapon_subcategory,
                self.weapon_model, self.cause, self.event_date, self.date_precision)


# --------------------------------------------------------------------------- compatibility


def _dated(m: Mention) -> bool:
    return m.date_from is not None and m.date_to is not None


def dates_compatible(a: Mention, b: Mention) -> bool:
    """Days overlap within each report's precision; undated reports only near in publication."""
    if _dated(a) and _dated(b):
        return a.date_from <= b.date_to and b.date_from <= a.date_to  # type: ignore[operator]
    if _dated(a) or _dated(b):
        return False
    if a.date_precision != b.date_precision or a.event_date != b.event_date:
        return False
    if a.published_at is None or b.published_at is None:
        return False
    return abs(a.published_at - b.published_at) <= timedelta(days=UNDATED_WINDOW_DAYS)


def places_compatible(a: Mention, b: Mention) -> bool:
    """Same place, or one inside the other (a town in its region, a town and its district).

    A report with no place or only an area ("the south") matches another such report; it
    matches a report naming a place only when both give figures (checked with the figures).
    """
    if a.place_rank == 0 or b.place_rank == 0:
        if a.place_rank == 0 and b.place_rank == 0:
            return a.location_key == b.location_key or None in (a.location_key, b.location_key)
        return a.figure is not None and b.figure is not None
    if a.location_key == b.location_key:
        return True
    if a.admin1 is None or a.admin1 != b.admin1:
        return False
    if 1 in (a.place_rank, b.place_rank):  # a region holds every place of its admin1
        return True
    return ({a.location_type, b.location_type} == {"city", "district"}
            and a.place_stem is not None and a.place_stem == b.place_stem)


def weapons_compatible(a: Mention, b: Mention) -> bool:
    """Same category; a subcategory or model named by both must agree."""
    if a.weapon_category != b.weapon_category:
        return False
    for x, y in ((a.weapon_subcategory, b.weapon_subcategory),
                 (a.weapon_model, b.weapon_model)):
        if x is not None and y is not None and x != y:
            return False
    return True


def _close(x: float | None, y: float | None, kind: str) -> bool | None:
    """Whether two figures can be one event's; None when one of them is not given."""
    if x is None or y is None:
        return None
    factor, slack = TOLERANCE.get(kind, (1.0, 0.0))
    low, high = sorted((float(x), float(y)))
    return high <= factor * low + slack


def figures_compatible(a: Mention, b: Mention) -> bool:
    """The main figures agree within the kind's tolerance; else the second ones do."""
    main = _close(a.figure, b.figure, a.kind)
    if main is not None:
        return main
    second = _close(a.second_figure, b.second_figure, a.kind)
    return True if second is None else second


def frame_compatible(a: Mention, b: Mention) -> bool:
    """Everything but the figures allows the two reports to be of one event."""
    if a.article_key == b.article_key or a.kind != b.kind:
        return False  # an article's own facts are distinct events by extraction convention
    if a.actor_key is not None and b.actor_key is not None and a.actor_key != b.actor_key:
        return False
    if a.cause != b.cause and "other" not in (a.cause, b.cause):
        return False
    if (a.currency, a.period, a.target_year) != (b.currency, b.period, b.target_year):
        return False
    if a.recipient is not None and b.recipient is not None and a.recipient != b.recipient:
        return False
    return (dates_compatible(a, b) and places_compatible(a, b)
            and weapons_compatible(a, b))


def compatible(a: Mention, b: Mention) -> bool:
    """Two reports can describe the same real-world event."""
    return frame_compatible(a, b) and figures_compatible(a, b)


def _finer(x: Mention, m: Mention) -> bool:
    return (x.place_rank > m.place_rank or x.weapon_rank > m.weapon_rank
            or DATE_RANK.get(x.date_precision, 0) > DATE_RANK.get(m.date_precision, 0))


# --------------------------------------------------------------------------- resolution


class _Index:
    """Events by kind and day (dated) or by kind and publication day (undated), then by
    weapon category (and currency, period, target year) and place bucket, so a lookup
    returns few more events than can fit.

    Each report files its event under its day keys and under the place buckets it opens:
    `("all",)` always, `("unranked",)` when it names no place, and `("adm", admin1)` and
    `("loc", location)` when it does. A lookup asks only the buckets where an event that is
    compatible with the report must be (see `_wanted`): a superset of the candidates, never
    fewer, so the grouping is exactly the one a scan of the whole day would give.

    Events are also filed by actor: under `("any actor",)` and under each report's actor
    (`None` included). A report naming actor A can only join an event whose actors are all A
    or unnamed, so it asks `("actor", A)` and `("actor", None)`; one naming none asks all.
    """

    def __init__(self) -> None:
        self._by_key: dict[tuple[Any, ...], set[int]] = defaultdict(set)

    @staticmethod
    def _days(first: date, last: date) -> Iterator[date]:
        day = first
        while day <= last:
            yield day
            day += timedelta(days=1)

    def keys(self, m: Mention) -> list[tuple[Any, ...]]:
        if m.date_from is not None and m.date_to is not None:
            return [(m.kind, "day", d) for d in self._days(m.date_from, m.date_to)]
        if m.published_at is None:
            return []
        return [(m.kind, "published", m.published_at.date())]

    @staticmethod
    def _exact(m: Mention) -> tuple[Any, ...]:
        """What every report of an event shares exactly: weapon category, currency, period
        and target year (`frame_compatible` asks them to be equal)."""
        return (m.weapon_category, m.currency, m.period, m.target_year)

    @staticmethod
    def _filed(m: Mention) -> list[tuple[Any, ...]]:
        """The place buckets a report files its event under."""
        if m.place_rank > 0:
            return [("all",), ("adm", m.admin1), ("loc", m.location_key)]
        return [("all",), ("unranked",)]

    @staticmethod
    def _wanted(m: Mention) -> list[tuple[Any, ...]]:
        """The place buckets every event that can take this report is filed under.

        A report naming a place fits an event only if each member naming a place shares its
        location or its admin1 (`places_compatible`), and members naming none only when both
        give figures; a report naming no place fits members naming one only with figures.
        """
        if m.place_rank > 0:
            wanted: list[tuple[Any, ...]] = [("loc", m.location_key)]
            if m.admin1 is not None:
                wanted.append(("adm", m.admin1))
            if m.figure is not None:
                wanted.append(("unranked",))
            return wanted
        return [("all",)] if m.figure is not None else [("unranked",)]

    def lookup(self, m: Mention) -> set[int]:
        if m.date_from is not None and m.date_to is not None:
            keys = self.keys(m)
        elif m.published_at is None:
            return set()
        else:
            day = m.published_at.date()
            keys = [(m.kind, "published", day + timedelta(days=k))
                    for k in range(-UNDATED_WINDOW_DAYS - 1, UNDATED_WINDOW_DAYS + 2)]
        found: set[int] = set()
        actors = ([("actor", m.actor_key), ("actor", None)] if m.actor_key is not None
                  else [("any actor",)])
        for key in keys:
            for bucket in self._wanted(m):
                for actor in actors:
                    found |= self._by_key.get((*key, *self._exact(m), *bucket, *actor), set())
        return found

    def add(self, m: Mention, event: int) -> None:
        actors = [("any actor",), ("actor", m.actor_key)]
        for key in self.keys(m):
            for bucket in self._filed(m):
                for actor in actors:
                    self._by_key[(*key, *self._exact(m), *bucket, *actor)].add(event)


_UNDATED_WINDOW = timedelta(days=UNDATED_WINDOW_DAYS)


def _date_rank(m: Mention) -> int:
    return DATE_RANK.get(m.date_precision, 0)


_UNSET: Any = object()  # no report of the event has given this yet


class _Event:
    """An event's reports and what they have in common, so that testing a report against
    every one of them takes a few comparisons instead of a loop.

    Its reports are pairwise compatible (`group_mentions` adds a report only then), so they
    share kind, weapon category, currency, period, target year and, when undated, precision
    and date, and name at most one actor, one cause besides "other", one recipient, one
    weapon subcategory and model, and one place among those naming no ranked place. For
    such reports `frame_fits(m)` is `all(frame_compatible(m, x) for x in members)` and
    `figures_fit(m)` is `all(figures_compatible(m, x) for x in members)`, exactly (property
    tests hold them to the pairwise definitions); only reports that both name a place are
    still compared pairwise. One instance per event of a big warehouse: kept small.
    """

    __slots__ = ("members", "first", "actor", "cause", "recipient", "subcategory", "model",
                 "n_dated", "min_to", "max_from", "n_unpublished", "min_pub", "max_pub",
                 "ranked", "unranked_location", "n_unranked", "n_ranked_figureless",
                 "n_unranked_figureless", "signatures", "max_place_rank", "max_weapon_rank",
                 "max_date_rank", "figures", "seconds", "figureless_seconds")

    def __init__(self) -> None:
        self.members: list[Mention] = []
        self.first: Mention | None = None
        self.actor: int | None = None
        self.cause: Any = _UNSET  # the cause other than "other", when one is given
        self.recipient: str | None = None
        self.subcategory: str | None = None
        self.model: str | None = None
        self.n_dated = self.n_unpublished = 0
        self.min_to: date | None = None
        self.max_from: date | None = None
        self.min_pub: datetime | None = None
        self.max_pub: datetime | None = None
        self.ranked: tuple[Mention, ...] = ()
        self.unranked_location: int | None = None
        self.n_unranked = self.n_ranked_figureless = self.n_unranked_figureless = 0
        self.signatures: tuple[tuple[Any, ...], ...] = ()
        self.max_place_rank = self.max_weapon_rank = self.max_date_rank = -1
        # (min, max) of the main figures given, of the second figures given, and of the
        # second figures of reports that give no main figure
        self.figures: tuple[float, float] | None = None
        self.seconds: tuple[float, float] | None = None
        self.figureless_seconds: tuple[float, float] | None = None

    @staticmethod
    def _span(span: tuple[float, float] | None, value: float) -> tuple[float, float]:
        value = float(value)
        return (value, value) if span is None else (min(span[0], value), max(span[1], value))

    def add(self, m: Mention) -> None:
        self.members.append(m)
        if self.first is None:
            self.first = m
        if m.actor_key is not None:
            self.actor = m.actor_key
        if m.cause != "other":
            self.cause = m.cause
        if m.recipient is not None:
            self.recipient = m.recipient
        if m.weapon_subcategory is not None:
            self.subcategory = m.weapon_subcategory
        if m.weapon_model is not None:
            self.model = m.weapon_model
        if m.date_from is not None and m.date_to is not None:
            self.n_dated += 1
            self.min_to = m.date_to if self.min_to is None else min(self.min_to, m.date_to)
            self.max_from = (m.date_from if self.max_from is None
                             else max(self.max_from, m.date_from))
        elif m.published_at is None:
            self.n_unpublished += 1
        else:
            self.min_pub = (m.published_at if self.min_pub is None
                            else min(self.min_pub, m.published_at))
            self.max_pub = (m.published_at if self.max_pub is None
                            else max(self.max_pub, m.published_at))
        if m.place_rank > 0:
            self.ranked = (*self.ranked, m)
            self.n_ranked_figureless += m.figure is None
        else:
            self.n_unranked += 1
            self.n_unranked_figureless += m.figure is None
            if m.location_key is not None:
                self.unranked_location = m.location_key
        if m.signature not in self.signatures:
            self.signatures = (*self.signatures, m.signature)
        self.max_place_rank = max(self.max_place_rank, m.place_rank)
        self.max_weapon_rank = max(self.max_weapon_rank, m.weapon_rank)
        self.max_date_rank = max(self.max_date_rank, _date_rank(m))
        if m.figure is not None:
            self.figures = self._span(self.figures, m.figure)
        elif m.second_figure is not None:
            self.figureless_seconds = self._span(self.figureless_seconds, m.second_figure)
        if m.second_figure is not None:
            self.seconds = self._span(self.seconds, m.second_figure)

    def frame_fits(self, m: Mention) -> bool:
        """`frame_compatible(m, x)` for every report x of the event."""
        first = self.first
        if first is None:
            return True
        if (m.kind != first.kind or m.weapon_category != first.weapon_category
                or (m.currency, m.period, m.target_year)
                != (first.currency, first.period, first.target_year)):
            return False
        if any(x.article_key == m.article_key for x in self.members):
            return False
        if m.actor_key is not None and self.actor is not None and self.actor != m.actor_key:
            return False
        if m.cause != "other" and self.cause is not _UNSET and self.cause != m.cause:
            return False
        if m.recipient is not None and self.recipient not in (None, m.recipient):
            return False
        if m.weapon_subcategory is not None and self.subcategory not in (
                None, m.weapon_subcategory):
            return False
        if m.weapon_model is not None and self.model not in (None, m.weapon_model):
            return False
        return self._dates_fit(m, first) and self._places_fit(m)

    def _dates_fit(self, m: Mention, first: Mention) -> bool:
        if m.date_from is not None and m.date_to is not None:
            return self.n_dated == len(self.members) and (
                m.date_from <= self.min_to and self.max_from <= m.date_to)  # type: ignore[operator]
        if self.n_dated or (m.date_precision, m.event_date) != (
                first.date_precision, first.event_date):
            return False
        if m.published_at is None or self.n_unpublished:
            return False
        return (m.published_at - self.min_pub <= _UNDATED_WINDOW  # type: ignore[operator]
                and self.max_pub - m.published_at <= _UNDATED_WINDOW)  # type: ignore[operator]

    def _places_fit(self, m: Mention) -> bool:
        if m.place_rank == 0:
            if self.ranked and (m.figure is None or self.n_ranked_figureless):
                return False
            return m.location_key is None or self.unranked_location in (None, m.location_key)
        if self.n_unranked and (m.figure is None or self.n_unranked_figureless):
            return False
        return all(places_compatible(m, x) for x in self.ranked)

    def figures_fit(self, m: Mention) -> bool:
        """`figures_compatible(m, x)` for every report x of the event."""
        if m.figure is not None:
            if self.figures is not None and not (
                    _close(m.figure, self.figures[0], m.kind)
                    and _close(m.figure, self.figures[1], m.kind)):
                return False
            seconds = self.figureless_seconds  # the reports without a main figure
        else:
            seconds = self.seconds
        if m.second_figure is None or seconds is None:
            return True
        return bool(_close(m.second_figure, seconds[0], m.kind)
                    and _close(m.second_figure, seconds[1], m.kind))

    def has_finer(self, m: Mention) -> bool:
        """Some report of the event is more precise than m in place, weapon or date."""
        return (self.max_place_rank > m.place_rank or self.max_weapon_rank > m.weapon_rank
                or self.max_date_rank > _date_rank(m))

    def first_finer_signature(self, m: Mention) -> tuple[Any, ...]:
        return next(x for x in self.members if _finer(x, m)).signature


def _order(m: Mention) -> tuple[Any, ...]:
    return (-m.specificity, m.published_at is None, m.published_at or datetime.min,
            m.fact_table, m.fact_key)


def _first_seen(m: Mention) -> tuple[Any, ...]:
    return (m.ingested_at is None, m.ingested_at or datetime.min,
            m.published_at is None, m.published_at or datetime.min, m.fact_table, m.fact_key)


def group_mentions(mentions: Iterable[Mention]) -> list[list[Mention]]:
    """Group reports into events; the result does not depend on the order of the input.

    Reports are taken most precise first (then earliest, then by key). Each joins the one
    event it is compatible with (with every report in it); when it fits several, it joins the
    one with a report of exactly its place, weapon and date, or else none. A vague report
    ("72 drones", "Odesa region") that is coarser than two or more distinct events of the
    same night is their total, not one of them: it only joins reports as coarse as itself.
    """
    events: list[_Event] = []
    index = _Index()
    for m in sorted(mentions, key=_order):
        candidates = sorted(index.lookup(m))
        # the events m fits; most reports fit none, and then nothing else needs computing
        fitting = [e for e in candidates if events[e].figures_fit(m) and events[e].frame_fits(m)]
        if fitting:
            frame = [e for e in candidates if events[e].frame_fits(m)]
            finer = {events[e].first_finer_signature(m) for e in frame
                     if events[e].has_finer(m)}
            if len(finer) >= 2:  # a total over several events: only its own kind of report
                fitting = [e for e in fitting if m.signature in events[e].signatures]
            if len(fitting) > 1:
                fitting = [e for e in fitting if m.signature in events[e].signatures]
        if len(fitting) == 1:
            chosen = fitting[0]
        else:
            chosen = len(events)
            events.append(_Event())
        events[chosen].add(m)
        index.add(m, chosen)
    return [e.members for e in events]


def event_key(members: Sequence[Mention]) -> int:
    """Stable across runs: the key of the first fact the warehouse received of the event."""
    first = min(members, key=_first_seen)
    return stable_key("event", first.fact_table, first.fact_key)


def resolve(mentions: Iterable[Mention]) -> dict[tuple[str, int], int]:
    """Every fact row (table, key) and the key of the event it reports."""
    return {m.fact: event_key(members) for members in group_mentions(mentions)
            for m in members}


# --------------------------------------------------------------------------- publish step


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


# Below this many mentions, grouping here costs less than starting worker processes; with
# the run's pool already started (flows/pool.py), less than sending them the mentions.
PARALLEL_MIN_MENTIONS = 20_000
PARALLEL_MIN_MENTIONS_STARTED = 10_000

_FIELD_NAMES = [f.name for f in fields(Mention)]


def regroup_table(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> pa.Table:
    """The mentions to group again (event_island.is_dirty), with their island number: an
    Arrow table, so that worker processes receive column buffers, not objects."""
    return con.sql(read_sql("events/026_mentions_to_regroup.sql", sql_dir)).to_arrow_table()


def mentions_of(table: pa.Table) -> list[Mention]:
    """Mentions from the rows of `regroup_table` (or any table with the Mention columns)."""
    columns = [table.column(name).to_pylist() for name in _FIELD_NAMES]
    return [Mention(*row) for row in zip(*columns, strict=True)]


def resolve_table(table: pa.Table) -> dict[tuple[str, int], int]:
    """`resolve` on a table of mentions (what each worker process runs)."""
    return resolve(mentions_of(table))


def _balanced(table: pa.Table, parts: int) -> list[pa.Table]:
    """The rows dealt into `parts` tables of about equal size, whole islands each, biggest
    islands first."""
    import pyarrow.compute as pc

    sizes = pc.value_counts(table.column("island_number"))
    islands = sorted(zip(sizes.field("values").to_pylist(), sizes.field("counts").to_pylist(),
                         strict=True), key=lambda x: (-x[1], x[0]))
    loads: list[int] = [0] * parts
    members: list[list[int]] = [[] for _ in range(parts)]
    for island, size in islands:
        lightest = loads.index(min(loads))
        loads[lightest] += size
        members[lightest].append(island)
    return [table.filter(pc.is_in(table.column("island_number"), pa.array(ids, pa.int64())))
            for ids in members if ids]


def resolve_islands(table: pa.Table, workers: int = 1) -> dict[tuple[str, int], int]:
    """`resolve` over the rows of `regroup_table`, on up to `workers` processes when they are
    many: no event spans two islands, so the parts give the same events as one call would."""
    from flows.pool import process_pool, run_pool_open

    least = PARALLEL_MIN_MENTIONS_STARTED if run_pool_open() else PARALLEL_MIN_MENTIONS
    if workers < 2 or table.num_rows < least:
        return resolve_table(table)
    parts = _balanced(table, workers)
    if len(parts) < 2:
        return resolve_table(table)

    members: dict[tuple[str, int], int] = {}
    with process_pool(len(parts)) as pool:
        for found in pool.map(resolve_table, parts):
            members.update(found)
    return members


def rules_version(path: Path) -> str:
    """A short hash of a rules file: cached results of other versions are not reused."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


_MEMBER_SCHEMA = pa.schema([("event_key", pa.int64()), ("fact_table", pa.string()),
                            ("fact_key", pa.int64())])


def _load_members(con: duckdb.DuckDBPyConnection, members: dict[tuple[str, int], int]) -> None:
    """event_member: the regrouped mentions' events, and the event every other one kept."""
    rows = pa.table({
        "event_key": pa.array(list(members.values()), pa.int64()),
        "fact_table": pa.array([t for t, _ in members], pa.string()),
        "fact_key": pa.array([k for _, k in members], pa.int64()),
    }, schema=_MEMBER_SCHEMA)
    con.register("event_member_rows", rows)
    try:
        con.execute("create or replace temp table event_member as "
                    "select * from event_member_rows "
                    "union all "
                    "select kept_event_key, fact_table, fact_key from event_island "
                    "where not is_dirty")
    finally:
        con.unregister("event_member_rows")


def group_events(con: duckdb.DuckDBPyConnection, grouping_rules: str,
                 events_dir: Path = SQL_DIR / "events", workers: int = 1) -> int:
    """event_member for the mentions in event_mention: the islands touched by a change since
    the last grouping (`cache.event_grouping` of these rules) are grouped again, on up to
    `workers` processes, every other mention keeps its event. Returns how many mentions were
    grouped again."""
    run_sql_file(con, events_dir / PREPARE[-1], {"grouping_rules": grouping_rules})
    table = regroup_table(con, events_dir.parent)
    _load_members(con, resolve_islands(table, workers))
    return int(table.num_rows)


def publish_events(con: duckdb.DuckDBPyConnection, run_id: str, sql_dir: Path = SQL_DIR,
                   expectations_dir: Path = EVENT_EXPECTATIONS_DIR) -> dict[str, int]:
    """Build, check and record the events of the candidate's published fact rows.

    Call after the quarantine is applied, with the candidate (`pub`) selected and the work
    database attached as `work`. Raises EventChecksFailed when a batch-level event check
    fails (the results are recorded first). Returns the rows of fact_event and of the bridge.
    """
    from flows import validate  # pandas and, when checks run, Great Expectations

    events_dir = sql_dir / "events"
    params: dict[str, Any] = {
        "run_id": run_id, "now": datetime.now(),
        "credit_rules": rules_version(events_dir / CREDITS),
        "grouping_rules": rules_version(Path(__file__))}
    with _transaction(con):  # the work database's cache only
        run_sql_file(con, events_dir / CREDITS, params)
    with _transaction(con):
        run_sql_files(con, [events_dir / name for name in PREPARE[:-1]], params)
        regrouped = group_events(con, params["grouping_rules"], events_dir,
                                 load_settings().workers)
        run_sql_files(con, [events_dir / name for name in BUILD], params)
        n_events, n_members = con.execute(
            "select count(distinct event_key), count(*) from event_member").fetchone() or (0, 0)
    with _transaction(con):
        run_sql_file(con, events_dir / SAVE_GROUPING, params)
    # the changes since the last publish, and the events the suites check row by row
    run_sql_file(con, events_dir / CHECK_SCOPE, {**params,
                                                 "full_checks": validate.full_checks()})
    report, _ = validate.run_suites(con, run_id, validate.load_suites(expectations_dir),
                                    sql_dir)
    con.register("run_event_results", validate.results_table(report.results))
    try:
        with _transaction(con):
            run_sql_file(con, events_dir / RECORD_CHECKS, params)
    finally:
        con.unregister("run_event_results")
    if report.blocked:
        raise EventChecksFailed(report.blocking)
    with _transaction(con):  # the work database: one database written per transaction
        run_sql_file(con, events_dir / RECORD_REVISIONS, params)
    with _transaction(con):
        run_sql_file(con, events_dir / COPY_REVISIONS, params)
        # quality_results was published before the event checks ran: publish it again
        run_sql_file(con, sql_dir / "publish" / "040_quality_results.sql", params)
    counts = {"fact_event": int(n_events), "bridge_event_fact": int(n_members)}
    log.info("events: %d fact rows in %d events, %d fact rows regrouped (%d checks passed, "
             "%d failed)", counts["bridge_event_fact"], counts["fact_event"], regrouped,
             report.passed, report.failed)
    return counts
