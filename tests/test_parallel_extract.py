"""Extraction on several processes gives the same warehouse as on one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb

from flows.pipeline import run_pipeline
from flows.settings import load_settings
from flows.synth import write_corpus

QUERY = ("select strike_key, launched, intercepted from fact_strike "
         "union all select casualty_key, killed, injured from fact_casualty order by 1")


def _publish(tmp: Path, landing: Path, workers: int) -> list[tuple]:
    settings = replace(load_settings().with_overrides(landing, tmp / "warehouse.duckdb"),
                       batch_size=7, workers=workers)
    summary = run_pipeline(settings)
    assert summary.status == "published"
    assert summary.articles_extracted == 40
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(QUERY).fetchall()


def test_two_processes_publish_what_one_does(tmp_path: Path) -> None:
    write_corpus(40, tmp_path / "corpus", seed=3)
    landing = tmp_path / "corpus" / "landing"
    one = _publish(tmp_path / "one", landing, workers=1)
    two = _publish(tmp_path / "two", landing, workers=2)
    assert one and one == two
