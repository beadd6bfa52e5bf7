"""GX Data Docs per run: real suites on a real candidate warehouse, rendered to static HTML."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import SHAHED, ScriptedExtractor, strike, write_article

from flows import publish
from flows.datadocs import build_data_docs, docs_dir, find_data_docs
from flows.extract.model import EventDate
from flows.pipeline import run_pipeline
from flows.settings import Settings
from flows.validate import load_suites

NIGHT = EventDate(date(2024, 3, 10), "day")
GOOD = ("Russia launched 12 Shahed drones at Odesa overnight and air defence destroyed 9 of "
        "them, the air force said.")
IMPOSSIBLE = ("Russia launched 5 Shahed drones at Odesa overnight and air defence destroyed 8 "
              "of them, the air force said.")


@pytest.fixture
def candidate(wh_settings: Settings, scripted: ScriptedExtractor,
              monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A work database holding one sound strike and one with more intercepted than launched.

    The run below checks (and publishes) them; the Data Docs built again afterwards cover
    every row only with SITREP_FULL_CHECKS (a run's pages show the rows that run checked).
    """
    monkeypatch.setenv("SITREP_FULL_CHECKS", "1")
    scripted.add(GOOD, lambda t, p: [strike(t, GOOD, SHAHED, 12, 9, NIGHT)])
    scripted.add(IMPOSSIBLE, lambda t, p: [strike(t, IMPOSSIBLE, SHAHED, 5, 8, NIGHT)])
    write_article(wh_settings.landing_dir, "good.txt", GOOD)
    write_article(wh_settings.landing_dir, "impossible.txt", IMPOSSIBLE)
    assert run_pipeline(wh_settings).status == "published"
    return wh_settings


def _build(settings: Settings, run_id: str, keep: int = 100) -> Path:
    publish.build_candidate(settings.work_db_path, settings.next_path, run_id)
    build_data_docs(settings.work_db_path, settings.next_path, run_id,
                    docs_dir(settings.state_dir), keep=keep)
    return docs_dir(settings.state_dir)


@pytest.mark.slow
def test_every_suite_gets_a_page_and_a_failing_check_shows(candidate: Settings) -> None:
    site = _build(candidate, "20240310T120000-aaaa0001")
    docs = find_data_docs(site, "20240310T120000-aaaa0001")

    assert docs is not None and docs.index == site / "index.html"
    assert set(docs.pages) == {s.name for s in load_suites()}
    assert docs.failed_suites == ["fact_strike"]  # intercepted 8 of 5 launched
    strike_page = docs.pages["fact_strike"].read_text(encoding="utf-8")
    assert "intercepted" in strike_page
    assert "20240310T120000-aaaa0001" in docs.index.read_text(encoding="utf-8")
    section = docs.markdown()
    assert docs.index.as_uri() in section and "fact_strike" in section and "(failed)" in section
    stored = list((site / "results" / "fact_strike").rglob("*.json"))
    assert len(stored) == 1 and json.loads(stored[0].read_text())["success"] is False


@pytest.mark.slow
def test_only_the_newest_runs_are_kept(candidate: Settings) -> None:
    runs = ["20240310T120000-aaaa0001", "20240310T121500-aaaa0002", "20240310T123000-aaaa0003"]
    for run_id in runs:
        site = _build(candidate, run_id, keep=2)

    assert find_data_docs(site, runs[0]) is None
    assert find_data_docs(site, runs[1]) is not None
    assert find_data_docs(site, runs[2]) is not None
    index = (site / "index.html").read_text(encoding="utf-8")
    assert runs[0] not in index and runs[1] in index and runs[2] in index
    assert not list(site.rglob(f"*{runs[0]}*"))


def test_data_docs_can_be_turned_off_in_the_flow(
        wh_settings: Settings, scripted: ScriptedExtractor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.pipeline import sitrep_pipeline

    scripted.add(GOOD, lambda t, p: [strike(t, GOOD, SHAHED, 12, 9, NIGHT)])
    write_article(wh_settings.landing_dir, "good.txt", GOOD)
    monkeypatch.setenv("SITREP_DATA_DOCS", "0")

    state = sitrep_pipeline(landing=str(wh_settings.landing_dir),
                            warehouse=str(wh_settings.warehouse_path), return_state=True)

    assert state.is_completed()
    assert not docs_dir(wh_settings.state_dir).exists()
