"""`sitrep rebuild`: a newer extractor replaces every fact; the raw layer stays untouched."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import (
    CRUISE,
    SHAHED,
    ScriptedExtractor,
    casualty,
    set_extractor_version,
    strike,
    write_article,
)

from flows.cli import main
from flows.extract.model import EventDate
from flows.pipeline import run_pipeline
from flows.publish import LockBusy, run_lock
from flows.rebuild import rebuild_pipeline
from flows.settings import Settings

NIGHT = EventDate(date(2024, 3, 10), "day")
ATTACK = ("Russia launched 24 Shahed drones and two cruise missiles at Odesa overnight; air "
          "defence destroyed 20 drones, the air force said.")
TOLL = "Russian shelling killed one man in Kharkiv on Saturday, the governor wrote."
RAW_TABLES = ("raw.article", "raw.landing_file")


def _version_one(ex: ScriptedExtractor) -> None:
    """An older extractor that missed the missiles and the interceptions."""
    ex.scripts.clear()
    ex.add(ATTACK, lambda t, p: [strike(t, ATTACK, SHAHED, 24, None, NIGHT)])
    ex.add(TOLL, lambda t, p: [casualty(t, TOLL, 1, None, EventDate(date(2024, 3, 9), "day"))])


def _version_two(ex: ScriptedExtractor) -> None:
    ex.scripts.clear()
    ex.add(ATTACK, lambda t, p: [strike(t, ATTACK, SHAHED, 24, 20, NIGHT),
                                 strike(t, ATTACK, CRUISE, 2, None, NIGHT)])
    ex.add(TOLL, lambda t, p: [casualty(t, TOLL, 1, None, EventDate(date(2024, 3, 9), "day"))])
    set_extractor_version("scripted-2")


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _raw(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    return {t: _rows(settings.work_db_path, f"select * from {t} order by all")
            for t in RAW_TABLES}


def test_rebuild_replaces_facts_and_leaves_the_raw_layer_alone(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _version_one(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    write_article(wh_settings.landing_dir, "kharkiv.txt", TOLL)
    assert run_pipeline(wh_settings).status == "published"
    live = wh_settings.warehouse_path
    assert _rows(live, "select launched, intercepted from fact_strike") == [(24, None)]
    raw_before = _raw(wh_settings)
    articles_before = _rows(live, "select article_key, content_sha256, title, text "
                                  "from dim_article order by 1")
    # A new landing file is not the rebuild's business: it stays for the next run.
    write_article(wh_settings.landing_dir, "later.txt", "A later story about the weather.")

    _version_two(scripted)
    seen_before = len(scripted.seen)
    summary = rebuild_pipeline(wh_settings)

    assert summary.status == "published", summary.message
    assert summary.articles_extracted == 2 and len(scripted.seen) == seen_before + 2
    assert (summary.files_seen, summary.files_new, summary.articles_new) == (0, 0, 0)
    assert _raw(wh_settings) == raw_before
    assert _rows(live, "select article_key, content_sha256, title, text "
                       "from dim_article order by 1") == articles_before
    assert sorted(_rows(live, "select launched, intercepted, extractor_version "
                              "from fact_strike"), key=str) == [
        (2, None, "scripted-2"), (24, 20, "scripted-2")]
    assert _rows(live, "select distinct extractor_version from fact_casualty") == [
        ("scripted-2",)]
    assert _rows(wh_settings.work_db_path, "select distinct extractor_version "
                                           "from staging.article_extraction") == [
        ("scripted-2",)]
    # A second rebuild with the same extractor publishes the very same facts.
    facts = _rows(live, "select * from fact_strike order by strike_key")
    assert rebuild_pipeline(wh_settings).status == "published"
    assert _rows(live, "select * from fact_strike order by strike_key") == facts


def test_an_article_the_new_extractor_fails_on_loses_its_old_facts(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _version_one(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    write_article(wh_settings.landing_dir, "kharkiv.txt", TOLL)
    run_pipeline(wh_settings)

    def broken(text: str, published: date | None) -> list[object]:
        raise ValueError("the new rules choke on this article")

    _version_two(scripted)
    scripted.scripts.insert(0, (TOLL, broken))  # type: ignore[arg-type]
    summary = rebuild_pipeline(wh_settings)

    assert summary.status == "published"
    assert summary.rejected == {"extraction_error": 1}
    live = wh_settings.warehouse_path
    assert _rows(live, "select count(*) from fact_casualty") == [(0,)]  # no stale figures
    assert _rows(live, "select count(*) from fact_strike") == [(2,)]
    assert _rows(live, "select source_file, reason, file_sha256 is not null from rejects") == [
        ("kharkiv.txt", "extraction_error", True)]
    # The next ordinary run tries the article again.
    scripted.scripts.pop(0)
    again = run_pipeline(wh_settings)
    assert again.articles_extracted == 1
    assert _rows(live, "select killed from fact_casualty") == [(1,)]


def test_rebuild_waits_for_the_lock_like_a_run(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _version_one(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    run_pipeline(wh_settings)
    with run_lock(wh_settings.lock_path), pytest.raises(LockBusy):
        rebuild_pipeline(wh_settings)


def test_rebuild_without_anything_stored_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rebuild", "--warehouse", str(tmp_path / "wh" / "warehouse.duckdb")]) == 2
    assert "nothing stored to rebuild" in capsys.readouterr().err


@pytest.mark.slow
def test_the_rebuild_command_runs_the_prefect_flow(
        wh_settings: Settings, scripted: ScriptedExtractor,
        capsys: pytest.CaptureFixture[str]) -> None:
    _version_one(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    run_pipeline(wh_settings)
    _version_two(scripted)
    args = ["rebuild", "--warehouse", str(wh_settings.warehouse_path)]

    assert main(args) == 0
    out = capsys.readouterr().out
    assert "PUBLISHED" in out and "articles: 0 read, 0 new, 1 extracted" in out
    assert _rows(wh_settings.warehouse_path, "select count(*) from fact_strike") == [(2,)]
    with run_lock(wh_settings.lock_path):
        assert main(args) == 3
    assert "another sitrep run" in capsys.readouterr().err
