"""Extraction on several processes, or while the files are read, gives the same warehouse
as one process extracting after the load."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import load, pipeline
from flows.pipeline import run_pipeline
from flows.settings import Settings, load_settings
from flows.synth import write_corpus

QUERY = ("select strike_key, launched, intercepted, evidence from fact_strike "
         "union all select casualty_key, killed, injured, evidence from fact_casualty "
         "order by 1")


def _settings(tmp: Path, landing: Path, workers: int) -> Settings:
    return replace(load_settings().with_overrides(landing, tmp / "warehouse.duckdb"),
                   batch_size=7, workers=workers)


def _facts(settings: Settings) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(QUERY).fetchall()


def _publish(tmp: Path, landing: Path, workers: int) -> list[tuple[Any, ...]]:
    settings = _settings(tmp, landing, workers)
    summary = run_pipeline(settings)
    assert summary.status == "published"
    assert summary.articles_extracted == 40
    return _facts(settings)


def test_two_processes_publish_what_one_does(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    write_corpus(40, tmp_path / "corpus", seed=3)
    landing = tmp_path / "corpus" / "landing"
    monkeypatch.setattr(load, "CHUNK_FILES", 7)  # several chunks: the pool reads them
    one = _publish(tmp_path / "one", landing, workers=1)
    two = _publish(tmp_path / "two", landing, workers=2)
    assert one and one == two


def test_extracting_while_reading_publishes_what_the_extract_step_does(
        tmp_path: Path) -> None:
    write_corpus(40, tmp_path / "corpus", seed=4)
    landing = tmp_path / "corpus" / "landing"
    early = _settings(tmp_path / "early", landing, workers=2)
    summary = run_pipeline(early)
    assert summary.status == "published" and summary.articles_extracted == 40

    late = _settings(tmp_path / "late", landing, workers=2)

    def read_only(*args: Any) -> load.IngestStats:  # ingest without extractor_version
        return pipeline.step_ingest(*args[:6])

    steps = replace(pipeline.PLAIN_STEPS, ingest=read_only)
    later = pipeline._orchestrate(late, pipeline.new_run_id(), 0.0, steps)

    assert later.status == "published" and later.articles_extracted == 40
    assert later.facts_extracted == summary.facts_extracted
    assert _facts(early) and _facts(early) == _facts(late)


def test_a_text_seen_before_keeps_its_staged_facts(tmp_path: Path) -> None:
    write_corpus(12, tmp_path / "corpus", seed=5)
    landing = tmp_path / "corpus" / "landing"
    settings = _settings(tmp_path / "wh", landing, workers=1)
    first = run_pipeline(settings)
    again = landing / "copy_of_first.txt"
    again.write_bytes(sorted(landing.glob("*.txt"))[0].read_bytes())

    second = run_pipeline(settings)

    assert first.articles_extracted == 12
    assert second.articles_extracted == 0 and second.rejected.get("duplicate") == 1
