"""The quality gate: failing rows are quarantined with their evidence, broken batches block."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import (
    CRUISE,
    SHAHED,
    ScriptedExtractor,
    casualty,
    strike,
    write_article,
)

from flows.extract.model import EventDate, Place
from flows.pipeline import run_pipeline
from flows.publish import build_candidate, publish_candidate
from flows.settings import Settings
from flows.validate import validate_candidate

NIGHT = EventDate(date(2024, 3, 10), "day")

DRONES = ("Russia sent 30 Shahed drones against Odesa overnight, and air defence crews "
          "destroyed 40 of them, the air force said.")
MISSILES = "Three cruise missiles were also fired at the port, with no word on their fate."
TOLL = "Shelling killed 3 people in Kharkiv on Saturday, among them 5 children."
HUGE = "An artillery barrage killed 900 people in Kharkiv on Saturday, officials said."
CALM = "Russian shelling killed two people in Kharkiv on Saturday, the governor said."
OLD = "A strike on Kharkiv on January 2 killed four people, prosecutors recalled."


def _script(ex: ScriptedExtractor) -> None:
    ex.add(DRONES, lambda t, p: [strike(t, DRONES, SHAHED, 30, 40, NIGHT),
                                 strike(t, MISSILES, CRUISE, 3, None, NIGHT)])
    ex.add(TOLL, lambda t, p: [casualty(t, TOLL, 3, None, EventDate(date(2024, 3, 9), "day"),
                                        children_killed=5)])
    ex.add(HUGE, lambda t, p: [casualty(t, HUGE, 900, None, EventDate(date(2024, 3, 9), "day"))])
    ex.add(CALM, lambda t, p: [casualty(t, CALM, 2, None, EventDate(date(2024, 3, 9), "day"))])
    ex.add(OLD, lambda t, p: [casualty(t, OLD, 4, None, EventDate(date(2024, 1, 2), "day"))])


def _published(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failing_rows_are_quarantined_with_check_and_evidence(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", f"{DRONES} {MISSILES}")
    write_article(wh_settings.landing_dir, "toll.txt", TOLL)
    write_article(wh_settings.landing_dir, "huge.txt", HUGE)
    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    write_article(wh_settings.landing_dir, "old.txt", OLD)

    summary = run_pipeline(wh_settings)

    assert summary.status == "published"
    held = _published(wh_settings, "select table_name, check_name, evidence, offending_values, "
                                   "article_id from quarantine order by check_name")
    checks = {(t, c) for t, c, *_ in held}
    assert checks == {
        ("fact_strike", "intercepted_not_above_launched"),
        ("fact_casualty", "children_killed_not_above_killed"),
        ("fact_casualty", "killed_in_one_incident_plausible"),
        ("fact_casualty", "event_within_31_days_before_publication"),
    }
    by_check = {c: (ev, json.loads(vals), art) for _, c, ev, vals, art in held}
    assert by_check["intercepted_not_above_launched"] == (
        DRONES, {"launched_as_read": 30, "intercepted_as_read": 40}, "odesa.txt")
    assert by_check["killed_in_one_incident_plausible"][0] == HUGE
    assert by_check["event_within_31_days_before_publication"][1] == {
        "days_before_publication": 68}
    # The rest is published: the missiles of the same article and the plausible toll.
    assert _published(wh_settings, "select weapon, launched, intercepted from v_strikes") == [
        ("cruise missile", 3, None)]
    assert _published(wh_settings, "select location, killed, injured from v_casualties") == [
        ("Kharkiv", 2, None)]
    assert summary.quarantined_rows == 4
    # The audit trail in the work database keeps the same rows.
    with duckdb.connect(str(wh_settings.work_db_path), read_only=True) as con:
        audit = con.execute("select count(*) from audit.quarantine where run_id = ?",
                            [summary.run_id]).fetchone()
    assert audit == (4,)


def test_coarse_dates_are_exempt_from_the_publication_window(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    scripted.add(OLD, lambda t, p: [casualty(t, OLD, 4, None, EventDate(date(2024, 1, 1),
                                                                       "month"))])
    write_article(wh_settings.landing_dir, "old.txt", OLD)
    summary = run_pipeline(wh_settings)
    assert summary.status == "published"
    assert _published(wh_settings, "select killed, date_precision from v_casualties") == [
        (4, "month")]


def test_fractional_counts_do_not_reach_the_warehouse(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    scripted.add(DRONES, lambda t, p: [strike(t, DRONES, SHAHED, 30.5, None, NIGHT)])
    write_article(wh_settings.landing_dir, "odesa.txt", DRONES)
    run_pipeline(wh_settings)
    assert _published(wh_settings, "select check_name from quarantine") == [
        ("counts_are_whole",)]
    assert _published(wh_settings, "select count(*) from fact_strike") == [(0,)]


def test_a_broken_batch_blocks_and_leaves_the_published_file_intact(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    scripted.add(CALM, lambda t, p: [casualty(t, CALM, 2, None, EventDate(date(2024, 3, 9),
                                                                         "day"))])
    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    first = run_pipeline(wh_settings)
    assert first.status == "published"
    before = _sha(wh_settings.warehouse_path)

    # A place type outside the vocabulary makes dim_location untrustworthy as a whole.
    village = Place("Pisochyn", "village", "Kharkiv Oblast", "UA")  # type: ignore[arg-type]
    scripted.add(TOLL, lambda t, p: [casualty(t, TOLL, 1, 2, EventDate(date(2024, 3, 9),
                                                                       "day"), place=village)])
    write_article(wh_settings.landing_dir, "toll.txt", TOLL)
    second = run_pipeline(wh_settings)

    assert second.status == "blocked"
    assert "location_type_in_vocabulary" in second.message
    assert _sha(wh_settings.warehouse_path) == before
    assert not wh_settings.next_path.exists()
    with duckdb.connect(str(wh_settings.work_db_path), read_only=True) as con:
        status, message = con.execute(
            "select status, message from audit.run_log where run_id = ?",
            [second.run_id]).fetchone() or (None, None)
    assert status == "blocked" and "dim_location" in message


def test_duplicate_keys_in_staging_block_the_publish(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    run_pipeline(wh_settings)
    before = _sha(wh_settings.warehouse_path)
    with duckdb.connect(str(wh_settings.work_db_path)) as con:
        con.execute("insert into staging.casualty select * from staging.casualty")

    summary = run_pipeline(wh_settings)

    assert summary.status == "blocked"
    # the duplicated rows were checked by the first run, so the whole-table count catches it
    assert any("keys_unique_in_whole_table" in b for b in summary.blocking)
    assert _sha(wh_settings.warehouse_path) == before


def test_a_table_missing_contract_columns_blocks(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", f"{DRONES} {MISSILES}")
    run_pipeline(wh_settings)
    work, nxt = wh_settings.work_db_path, wh_settings.next_path
    build_candidate(work, nxt, "manual-run")
    with duckdb.connect(str(nxt)) as con:
        con.execute("drop view v_daily_air_attacks")
        con.execute("drop view v_strikes")
        con.execute("alter table fact_strike drop column launched_qualifier")
        con.execute("drop table fact_production")

    report = validate_candidate(work, nxt, "manual-run")

    assert report.blocked
    reasons = " ".join(report.blocking)
    assert "fact_strike_has_contract_columns" in reasons
    assert "fact_production: cannot read" in reasons


def test_keys_resolve_and_published_rows_match_their_dimensions(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", f"{DRONES} {MISSILES}")
    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    run_pipeline(wh_settings)
    work, nxt = wh_settings.work_db_path, wh_settings.next_path
    build_candidate(work, nxt, "fk-run")
    with duckdb.connect(str(nxt)) as con:
        con.execute("delete from dim_weapon")

    report = validate_candidate(work, nxt, "fk-run")

    # those rows were checked by the first run: the whole-table count catches it, by table
    assert any("fact_weapons_resolve_in_whole_table" in b and "fact_strike" in b
               for b in report.blocking)


def test_gate_results_are_published_with_the_warehouse(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    summary = run_pipeline(wh_settings)
    rows = _published(wh_settings, "select suite, level, success from quality_results")
    assert {s for s, _, _ in rows} >= {"fact_strike", "fact_casualty", "fact_production",
                                       "fact_aid_pledge", "dim_location", "dim_date"}
    assert all(ok for _, _, ok in rows)
    assert len(rows) == summary.checks_passed


@pytest.mark.parametrize("launched, intercepted", [(1001, None), (None, 1200)])
def test_implausible_drone_counts_are_held_back(
        wh_settings: Settings, scripted: ScriptedExtractor,
        launched: int | None, intercepted: int | None) -> None:
    scripted.add(DRONES, lambda t, p: [strike(t, DRONES, SHAHED, launched, intercepted, NIGHT)])
    write_article(wh_settings.landing_dir, "odesa.txt", DRONES)
    run_pipeline(wh_settings)
    assert _published(wh_settings, "select check_name from quarantine") == [
        ("drones_in_one_attack_plausible",)]


def test_publish_after_gate_keeps_unquarantined_rows(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", f"{DRONES} {MISSILES}")
    run_pipeline(wh_settings)
    work, nxt = wh_settings.work_db_path, wh_settings.next_path
    counts = build_candidate(work, nxt, "step-run")
    assert counts["fact_strike"] == 2
    report = validate_candidate(work, nxt, "step-run")
    # the run above checked these rows; its decision holds without checking them again
    assert not report.blocked and report.quarantined_rows == 0
    live = wh_settings.warehouse_path.with_name("stepwise.duckdb")
    published = publish_candidate(work, nxt, live, "step-run")
    assert published["fact_strike"] == 1
    assert not nxt.exists() and live.exists()


@pytest.mark.parametrize("precision, held", [("day", True), ("unknown", True), ("range", False)])
def test_missile_cap_applies_to_one_attack_not_to_period_totals(
        wh_settings: Settings, scripted: ScriptedExtractor, precision: str, held: bool) -> None:
    when = EventDate(date(2024, 3, 1) if precision != "unknown" else None,
                     precision)  # type: ignore[arg-type]
    scripted.add(MISSILES, lambda t, p: [strike(t, MISSILES, CRUISE, 300, None, when)])
    write_article(wh_settings.landing_dir, "campaign.txt", MISSILES)
    run_pipeline(wh_settings)
    quarantined = _published(wh_settings, "select check_name from quarantine")
    published = _published(wh_settings, "select launched from fact_strike")
    assert quarantined == ([("missiles_of_one_type_plausible",)] if held else [])
    assert published == ([] if held else [(300,)])


def test_two_checked_articles_sharing_a_text_hash_block_the_publish(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    write_article(wh_settings.landing_dir, "toll.txt", TOLL)
    assert run_pipeline(wh_settings).status == "published"
    before = _sha(wh_settings.warehouse_path)
    with duckdb.connect(str(wh_settings.work_db_path)) as con:
        con.execute("update raw.article set content_sha256 = "
                    "(select max(content_sha256) from raw.article)")

    summary = run_pipeline(wh_settings)  # nothing new: no dim_article row checked row by row

    assert summary.status == "blocked"
    assert any("keys_unique_in_whole_table" in b and "dim_article" in b
               for b in summary.blocking), summary.blocking
    assert _checked_rows(wh_settings, summary.run_id, "content_sha256_unique") == 0
    assert _sha(wh_settings.warehouse_path) == before


def _checked_rows(settings: Settings, run_id: str, check: str) -> int | None:
    with duckdb.connect(str(settings.work_db_path), read_only=True) as con:
        row = con.execute("select element_count from audit.quality_results "
                          "where run_id = ? and check_name = ?", [run_id, check]).fetchone()
    return None if row is None else row[0]


def test_a_run_checks_only_rows_not_checked_before_and_keeps_earlier_quarantine(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", f"{DRONES} {MISSILES}")
    write_article(wh_settings.landing_dir, "huge.txt", HUGE)
    first = run_pipeline(wh_settings)
    assert first.status == "published"
    assert _checked_rows(wh_settings, first.run_id, "casualty_key_not_null") == 1

    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    second = run_pipeline(wh_settings)

    assert second.status == "published"
    # only the new article's casualty row was checked this time ...
    assert _checked_rows(wh_settings, second.run_id, "casualty_key_not_null") == 1
    assert _checked_rows(wh_settings, second.run_id, "strike_key_not_null") == 0
    assert _checked_rows(wh_settings, second.run_id, "article_key_unique") == 1
    # ... the whole-table counts still cover every row (four fact tables, dim_article) ...
    assert _checked_rows(wh_settings, second.run_id, "keys_unique_in_whole_table") == 5
    # ... and the rows the first run held back stay held back, with that run's decision
    held = _published(wh_settings, "select check_name, run_id from quarantine "
                                   "order by check_name")
    assert held == [("intercepted_not_above_launched", first.run_id),
                    ("killed_in_one_incident_plausible", first.run_id)]
    assert _published(wh_settings, "select killed from fact_casualty") == [(2,)]
    assert _published(wh_settings, "select count(*) from fact_strike") == [(1,)]


def test_full_checks_check_every_row_again(
        wh_settings: Settings, scripted: ScriptedExtractor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "huge.txt", HUGE)
    run_pipeline(wh_settings)
    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    monkeypatch.setenv("SITREP_FULL_CHECKS", "1")

    second = run_pipeline(wh_settings)

    assert _checked_rows(wh_settings, second.run_id, "casualty_key_not_null") == 2
    held = _published(wh_settings, "select check_name, run_id from quarantine")
    assert held == [("killed_in_one_incident_plausible", second.run_id)]


def test_a_blocked_run_leaves_its_rows_to_be_checked_next_time(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "calm.txt", CALM)
    run_pipeline(wh_settings)
    write_article(wh_settings.landing_dir, "huge.txt", HUGE)
    with duckdb.connect(str(wh_settings.work_db_path)) as con:
        con.execute("insert into staging.casualty select * from staging.casualty")
    blocked = run_pipeline(wh_settings)
    assert blocked.status == "blocked"
    with duckdb.connect(str(wh_settings.work_db_path)) as con:
        con.execute("create or replace table staging.casualty as "
                    "select distinct * from staging.casualty")

    third = run_pipeline(wh_settings)

    assert third.status == "published"
    assert third.articles_extracted == 0  # extracted by the blocked run, checked only now
    assert _checked_rows(wh_settings, third.run_id, "casualty_key_not_null") == 1
    assert _published(wh_settings, "select check_name, run_id from quarantine") == [
        ("killed_in_one_incident_plausible", third.run_id)]


def test_checking_in_slices_gives_the_same_results_as_at_once(
        wh_settings: Settings, scripted: ScriptedExtractor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _script(scripted)
    for name, body in [("odesa.txt", f"{DRONES} {MISSILES}"), ("toll.txt", TOLL),
                       ("huge.txt", HUGE), ("calm.txt", CALM), ("old.txt", OLD)]:
        write_article(wh_settings.landing_dir, name, body)
    at_once = run_pipeline(wh_settings)
    sliced_settings = wh_settings.with_overrides(
        warehouse=wh_settings.warehouse_path.parent.parent / "sliced" / "warehouse.duckdb")
    monkeypatch.setenv("SITREP_CHECK_CHUNK", "2")  # five articles: three slices

    sliced = run_pipeline(sliced_settings)

    assert at_once.status == sliced.status == "published"
    assert sliced.quarantined_by_check == at_once.quarantined_by_check
    query = ("select suite, check_name, success, element_count, unexpected_count "
             "from quality_results order by suite, check_name")
    assert _published(sliced_settings, query) == _published(wh_settings, query)
    assert _published(sliced_settings, "select row_key from quarantine order by 1") == \
        _published(wh_settings, "select row_key from quarantine order by 1")
