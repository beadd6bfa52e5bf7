"""Events through the real pipeline, on multi-outlet fixtures written for it.

tests/fixtures/events/night/ is one night told four ways: the air force's statement, a wire
story (a Dnipro toll, a Kharkiv toll, an Odesa attack, the air force's figures), a paper that
reprints the wire under its dateline and one that rewrites it and says where it came from.
tests/fixtures/events/update/ is the next morning's official update of the Dnipro toll.
Runs use `run_pipeline` (no Prefect) into a temporary warehouse; the last test goes through
the Prefect flow to check that a blocked publish is neither retried nor reported as a crash.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import require_extractor

from flows import events
from flows.events import Mention
from flows.pipeline import RunSummary, run_pipeline
from flows.settings import Settings, load_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "events"
NIGHT, UPDATE = FIXTURES / "night", FIXTURES / "update"

EVENTS_SQL = """
    select location, kind, cause, weapon, best, low, high, best_intercepted, best_injured,
           n_articles, n_sources, event_key
    from v_events
"""


def rows(path: Path, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def by_place(path: Path) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Events keyed by (place or weapon, kind): each of the fixture night's events once."""
    found: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows(path, EVENTS_SQL):
        key = (row[0] or row[3], row[1])
        assert key not in found, f"two events for {key}"
        found[key] = row
    return found


def copy_into(source: Path, landing: Path) -> None:
    for path in sorted(source.iterdir()):
        shutil.copy2(path, landing / path.name)


@dataclass
class History:
    settings: Settings
    runs: list[RunSummary]
    after_night: dict[tuple[Any, ...], tuple[Any, ...]]
    after_update: dict[tuple[Any, ...], tuple[Any, ...]]
    revisions_after_update: list[tuple[Any, ...]]

    @property
    def live(self) -> Path:
        return self.settings.warehouse_path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """Run 1: the night's four reports. Run 2: the update. Run 3: nothing new."""
    require_extractor()
    root = tmp_path_factory.mktemp("events")
    landing = root / "landing"
    landing.mkdir()
    settings = load_settings().with_overrides(landing, root / "wh" / "warehouse.duckdb")
    copy_into(NIGHT, landing)
    runs = [run_pipeline(settings)]
    after_night = by_place(settings.warehouse_path)
    copy_into(UPDATE, landing)
    runs.append(run_pipeline(settings))
    after_update = by_place(settings.warehouse_path)
    revisions = rows(settings.warehouse_path, "select * from event_revision order by all")
    runs.append(run_pipeline(settings))
    return History(settings, runs, after_night, after_update, revisions)


def test_every_run_published_and_counted_the_event_checks(history: History) -> None:
    assert [r.status for r in history.runs] == ["published"] * 3
    checks = rows(history.live, "select suite, count(*) filter (where not success and "
                                "level = 'batch') from quality_results group by suite")
    suites = dict(checks)
    assert suites["fact_event"] == 0 and suites["bridge_event_fact"] == 0
    total = rows(history.live, "select count(*) from quality_results")[0][0]
    assert history.runs[-1].checks_passed + history.runs[-1].checks_failed == total


def test_reprints_of_the_wire_story_collapse_into_one_event_and_one_source(
        history: History) -> None:
    dnipro = history.after_night[("Dnipro", "casualty")]
    assert dnipro[4:11] == (3, 3, 3, None, 12, 3, 1)  # best, low, high, ..., articles, sources
    outlets = rows(history.live, """
        select a.source, b.outlet, b.source_tier
        from bridge_event_fact b join dim_article a using (article_key)
        where b.event_key = $key order by a.source""", {"key": dnipro[-1]})
    assert outlets == [  # as published at the end, with the next morning's update
        ("Dnipropetrovsk Regional Military Administration",
         "dnipropetrovsk regional military administration", "official"),
        ("Eastbound Wire", "eastbound wire", "official"),  # "the regional governor said"
        ("Lakeside Gazette", "eastbound wire", "reprint"),  # the wire's dateline
        ("Valley Times", "eastbound wire", "reprint")]  # "first published by"
    # the air force and the wire quoting it are two sources of one attack
    shahed = history.after_night[("Shahed-136", "strike")]
    assert shahed[4:11] == (52, 52, 52, 44, None, 2, 2)


def test_distinct_attacks_of_the_same_night_in_other_regions_stay_separate(
        history: History) -> None:
    assert set(history.after_night) == {
        ("Dnipro", "casualty"), ("Kharkiv", "casualty"), ("Odesa", "casualty"),
        ("Shahed-136", "strike"), ("Iskander-M", "strike")}
    assert history.after_night[("Kharkiv", "casualty")][4] == 1
    odesa = history.after_night[("Odesa", "casualty")]
    assert (odesa[4], odesa[8], odesa[9], odesa[10]) == (None, 2, 2, 1)
    facts, linked = rows(history.live, """
        select (select count(*) from fact_strike) + (select count(*) from fact_casualty)
             + (select count(*) from fact_production) + (select count(*) from fact_aid_pledge),
               (select count(distinct (fact_table, fact_key)) from bridge_event_fact)""")[0]
    assert facts == linked == 11


def test_a_toll_revision_changes_the_best_figure_and_keeps_the_old_one(
        history: History) -> None:
    before = history.after_night[("Dnipro", "casualty")]
    after = history.after_update[("Dnipro", "casualty")]
    assert after[-1] == before[-1]  # the same event, under the same key
    assert after[4:11] == (5, 3, 5, None, 19, 4, 2)
    revisions = rows(history.live, """
        select valid_from, valid_to, change, changed_columns, best, low, high, n_sources
        from event_revision where event_key = $key order by valid_from""",
                     {"key": after[-1]})
    assert len(revisions) == 2
    first, second = revisions
    assert first[2:] == ("new", None, 3, 3, 3, 1) and first[1] == second[0]
    assert second[1] is None and second[2] == "revised"
    assert {"best", "high", "n_sources"} <= set(second[3].split(", "))
    assert second[4:] == (5, 3, 5, 2)
    # "what did we publish on date D", the query the README gives, before and after
    as_of = """select best from event_revision
               where event_key = $key and change <> 'withdrawn'
                 and valid_from <= $d and (valid_to is null or valid_to > $d)"""
    assert rows(history.live, as_of, {"key": after[-1], "d": second[0]}) == [(5,)]
    assert rows(history.live, as_of, {"key": after[-1], "d": first[0]}) == [(3,)]


def test_the_history_lives_in_the_work_database_and_survives_republishing(
        history: History) -> None:
    with duckdb.connect(str(history.settings.work_db_path), read_only=True) as con:
        kept = con.execute("select count(*) from audit.event_revision").fetchone()
    assert kept == (len(history.revisions_after_update),)
    # run 3 read nothing new: same events, same keys, no new revision
    assert by_place(history.live) == history.after_update
    assert rows(history.live, "select * from event_revision order by all") == \
        history.revisions_after_update


AIR_FORCE_BREAKDOWN = """Russia attacked Ukraine overnight with 40 Shahed attack drones and 32 \
Gerbera decoy drones, the air force said on Sunday. Air defence shot down 35 of the Shahed drones.
"""
WIRE_TOTAL = "Russia launched 60 drones at Ukraine overnight, Ukraine's air force said on Sunday."


def test_a_category_total_beside_its_types_is_its_own_event_and_a_mismatch_only_warns(
        tmp_path: Path) -> None:
    require_extractor()
    landing = tmp_path / "landing"
    landing.mkdir()
    for name, source, hour, body in (("breakdown.txt", "Air Force of Ukraine", 8,
                                      AIR_FORCE_BREAKDOWN),
                                     ("total.txt", "Northgate Wire", 11, WIRE_TOTAL)):
        (landing / name).write_text(
            f"---\ntitle: {name}\nsource: {source}\npublished_at: 2025-11-02T{hour:02d}:00:00"
            f"\nlanguage: en\n---\n{body}\n", encoding="utf-8")
    settings = load_settings().with_overrides(landing, tmp_path / "wh" / "warehouse.duckdb")
    summary = run_pipeline(settings)

    assert summary.status == "published"
    assert sorted(rows(settings.warehouse_path, "select weapon, best from v_events")) == [
        ("Gerbera", 32), ("Shahed-136", 40), ("drone", 60)]
    warned = rows(settings.warehouse_path, """
        select level, unexpected_count from quality_results
        where check_name = 'weapon_rows_within_reported_total' and not success""")
    assert warned == [("warn", 1)]  # 40 + 32 is more than the wire's 60: shown, not blocked


def _drop_one_fact(calls: list[int]) -> Callable[[list[Mention]], dict[tuple[str, int], int]]:
    real = events.resolve

    def resolve(mentions: list[Mention]) -> dict[tuple[str, int], int]:
        calls.append(1)
        members = real(mentions)
        members.pop(min(members))  # a fact row left out of every event
        return members
    return resolve


def test_a_failed_event_check_blocks_the_publish_and_keeps_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_extractor()
    landing = tmp_path / "landing"
    landing.mkdir()
    settings = load_settings().with_overrides(landing, tmp_path / "wh" / "warehouse.duckdb")
    copy_into(UPDATE, landing)
    assert run_pipeline(settings).status == "published"
    before = hashlib.sha256(settings.warehouse_path.read_bytes()).hexdigest()

    shutil.copy2(NIGHT / "valley_times_rewrite.txt", landing)
    calls: list[int] = []
    monkeypatch.setattr(events, "resolve", _drop_one_fact(calls))
    summary = run_pipeline(settings)

    assert summary.status == "blocked" and summary.facts_published == {}
    assert "fact_in_exactly_one_event" in summary.message
    assert hashlib.sha256(settings.warehouse_path.read_bytes()).hexdigest() == before
    assert not settings.next_path.exists()
    with duckdb.connect(str(settings.work_db_path), read_only=True) as con:
        recorded = con.execute(
            "select success from audit.quality_results where run_id = $run "
            "and check_name = 'fact_in_exactly_one_event'", {"run": summary.run_id}).fetchall()
        revisions = con.execute("select count(*) from audit.event_revision "
                                "where run_id = $run", {"run": summary.run_id}).fetchone()
    assert recorded == [(False,)] and revisions == (0,)


@pytest.mark.slow
def test_through_prefect_a_blocked_publish_ends_failed_without_retries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_extractor()
    from flows.pipeline import sitrep_pipeline

    landing = tmp_path / "landing"
    landing.mkdir()
    copy_into(UPDATE, landing)
    calls: list[int] = []
    monkeypatch.setattr(events, "resolve", _drop_one_fact(calls))
    state = sitrep_pipeline(landing=str(landing),
                            warehouse=str(tmp_path / "wh" / "warehouse.duckdb"),
                            return_state=True)
    assert state.is_failed()  # type: ignore[attr-defined]
    assert "event checks failed" in (state.message or "")  # type: ignore[attr-defined]
    assert calls == [1]  # the publish task was not retried
    assert not (tmp_path / "wh" / "warehouse.duckdb").exists()
