"""Loading: landing files once, articles once per text, stable keys, incremental extraction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
from conftest import (
    CRUISE,
    SHAHED,
    ScriptedExtractor,
    casualty,
    set_extractor_version,
    strike,
    write_article,
)

from flows.extract.model import EventDate
from flows.ingest import content_hash
from flows.load import SimpleReject, load_raw
from flows.pipeline import run_pipeline, step_plan
from flows.settings import Settings, load_settings
from flows.warehouse import content_key

NIGHT = EventDate(date(2024, 3, 10), "day")
ATTACK = ("Russia launched 12 Shahed drones at Odesa overnight and air defence downed 9 of "
          "them, the southern command said.")
MISSILES = "Two cruise missiles struck the port area, officials added."
TOLL = "Russian shelling killed one woman in Kharkiv on Saturday, the governor wrote."

PUBLISHED_TABLES = ("dim_article", "dim_date", "dim_location", "dim_weapon", "dim_actor",
                    "fact_strike", "fact_casualty", "fact_production", "fact_aid_pledge")


def _script(ex: ScriptedExtractor) -> None:
    ex.add(ATTACK, lambda t, p: [strike(t, ATTACK, SHAHED, 12, 9, NIGHT),
                                 strike(t, MISSILES, CRUISE, 2, None, NIGHT)])
    ex.add(TOLL, lambda t, p: [casualty(t, TOLL, 1, None, EventDate(date(2024, 3, 9), "day"))])


def _snapshot(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    """Every published table's rows in key order (run-specific tables left out)."""
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by 1").fetchall()
                for t in PUBLISHED_TABLES}


def _work(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(settings.work_db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_rerun_over_the_same_folder_loads_nothing_and_publishes_the_same(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", f"{ATTACK} {MISSILES}")
    write_article(wh_settings.landing_dir, "kharkiv.txt", TOLL)

    first = run_pipeline(wh_settings)
    snap = _snapshot(wh_settings)
    extracted = len(scripted.seen)
    second = run_pipeline(wh_settings)

    assert (first.files_new, first.articles_new, first.articles_extracted) == (2, 2, 2)
    assert (second.files_new, second.articles_new, second.articles_extracted) == (0, 0, 0)
    assert len(scripted.seen) == extracted  # nothing re-extracted
    assert _snapshot(wh_settings) == snap
    assert len(snap["fact_strike"]) == 2 and len(snap["fact_casualty"]) == 1
    assert _work(wh_settings, "select count(*) from raw.landing_file") == [(2,)]
    assert _work(wh_settings, "select count(*) from raw.article") == [(2,)]


def test_keys_derive_from_content_so_a_fresh_warehouse_gets_the_same_keys(
        tmp_path: Path, scripted: ScriptedExtractor) -> None:
    _script(scripted)

    keys = []
    for name in ("one", "two"):
        landing = tmp_path / name / "landing"
        landing.mkdir(parents=True)
        write_article(landing, "odesa.txt", f"{ATTACK} {MISSILES}")
        settings = load_settings().with_overrides(landing, tmp_path / name / "w.duckdb")
        run_pipeline(settings)
        keys.append(_snapshot(settings))
    assert keys[0]["fact_strike"] == keys[1]["fact_strike"]
    assert keys[0]["dim_weapon"] == keys[1]["dim_weapon"]
    text = _work(settings, "select text, article_key from raw.article")[0]
    assert text[1] == content_key(content_hash(str(text[0])))


def test_the_same_text_in_two_files_is_one_article_and_one_duplicate_reject(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "kharkiv.txt", TOLL)
    write_article(wh_settings.landing_dir, "kharkiv-copy.txt", TOLL)
    summary = run_pipeline(wh_settings)
    assert summary.articles_read == 2 and summary.articles_new == 1
    assert summary.rejected == {"duplicate": 1}
    rejects = _work(wh_settings, "select source_file, reason from raw.reject")
    assert len(rejects) == 1 and rejects[0][1] == "duplicate"
    with duckdb.connect(str(wh_settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from dim_article").fetchone() == (1,)
        assert con.execute("select reason from rejects").fetchall() == [("duplicate",)]


def test_only_new_articles_are_extracted_and_a_new_version_rereads_all(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", f"{ATTACK} {MISSILES}")
    run_pipeline(wh_settings)
    keys_before = _work(wh_settings, "select strike_key from staging.strike order by 1")

    write_article(wh_settings.landing_dir, "kharkiv.txt", TOLL)
    scripted.seen.clear()
    added = run_pipeline(wh_settings)
    assert added.articles_extracted == 1
    assert len(scripted.seen) == 1 and TOLL in scripted.seen[0]

    set_extractor_version("scripted-2")
    scripted.seen.clear()
    reread = run_pipeline(wh_settings)
    assert reread.articles_extracted == 2 and len(scripted.seen) == 2
    assert _work(wh_settings, "select strike_key from staging.strike order by 1") == keys_before
    assert _work(wh_settings, "select distinct extractor_version from staging.strike") == [
        ("scripted-2",)]
    assert _work(wh_settings, "select count(*) from staging.article_extraction") == [(2,)]


def test_extraction_is_planned_in_batches_of_the_batch_size(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    for i in range(5):
        write_article(wh_settings.landing_dir, f"n{i}.txt", f"Quiet night number {i} in Lviv.")
    summary = run_pipeline(replace(wh_settings, batch_size=2))
    assert summary.articles_extracted == 5

    batches = step_plan(str(wh_settings.work_db_path), "next-version", 2)
    assert [len(b) for b in batches] == [2, 2, 1]
    all_keys = _work(wh_settings, "select article_key from raw.article order by 1")
    assert sorted(k for b in batches for k in b) == [k for (k,) in all_keys]
    assert step_plan(str(wh_settings.work_db_path), scripted.version, 2) == []


def test_rejects_are_recorded_once(wh_settings: Settings) -> None:
    work = wh_settings.work_db_path
    work.parent.mkdir(parents=True)
    bad = SimpleReject("feed.jsonl", "ab" * 32, 120, 3, "invalid_json", "line 3 is not JSON")
    first = load_raw(work, [], [], [bad], "r1", datetime(2024, 3, 1))
    again = load_raw(work, [], [], [bad], "r2", datetime(2024, 3, 2))
    assert first.rejected == {"invalid_json": 1}
    assert again.rejected == {}
    assert _work(wh_settings, "select run_id, line from raw.reject") == [("r1", 3)]
