"""End to end through the real Prefect flow (ephemeral API, PREFECT_HOME in a temp folder).

The scripted-extractor tests pin down the flow's own behaviour (states, artifacts, blocking);
the real-extractor tests check published figures for articles written for them and for the
bundled samples.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import (
    REPO,
    SHAHED,
    ScriptedExtractor,
    casualty,
    require_extractor,
    strike,
    write_article,
)

from flows.extract.model import EventDate
from flows.pipeline import sitrep_pipeline
from flows.publish import PublishBlocked
from flows.settings import Settings

pytestmark = pytest.mark.slow


NIGHT = EventDate(date(2024, 3, 10), "day")
ATTACK = ("Russia launched 19 Shahed drones at Odesa overnight and air defence destroyed 17 "
          "of them, the air force said on Sunday.")
TOLL = "Russian shelling killed two men in Kharkiv on Saturday, officials said."


def _flow(settings: Settings) -> object:
    return sitrep_pipeline(landing=str(settings.landing_dir),
                           warehouse=str(settings.warehouse_path), return_state=True)


def _query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def _artifact(key: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    assert found, key
    return str(sorted(found, key=lambda a: a.created or 0)[-1].data)


def test_the_flow_publishes_reports_and_blocks_through_prefect(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    scripted.add(ATTACK, lambda t, p: [strike(t, ATTACK, SHAHED, 19, 17, NIGHT)])
    scripted.add(TOLL, lambda t, p: [casualty(t, TOLL, 2, None,
                                              EventDate(date(2024, 3, 9), "day"))])
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    write_article(wh_settings.landing_dir, "kharkiv.txt", TOLL)

    state = _flow(wh_settings)

    assert state.is_completed(), state.message  # type: ignore[attr-defined]
    result = state.result()  # type: ignore[attr-defined]
    assert result["status"] == "published"
    assert result["facts_published"] == {"fact_strike": 1, "fact_casualty": 1,
                                         "fact_production": 0, "fact_aid_pledge": 0}
    assert _query(wh_settings.warehouse_path,
                  "select launched, intercepted from v_strikes") == [(19, 17)]
    summary_md = _artifact("sitrep-run-summary")
    assert "Published" in summary_md and "fact_strike: 1" in summary_md
    # progress of long stages (the articles were extracted as they were read)
    assert float(_artifact("sitrep-ingest-progress")) == 100.0
    quality = json.loads(_artifact("sitrep-quality-results"))
    assert {row["check"] for row in quality} >= {"strike_key_unique",
                                                 "intercepted_not_above_launched"}

    # Break the batch: a duplicated staged row. The flow must end Failed and say why.
    before = hashlib.sha256(wh_settings.warehouse_path.read_bytes()).hexdigest()
    with duckdb.connect(str(wh_settings.work_db_path)) as con:
        con.execute("insert into staging.strike select * from staging.strike")
    blocked = _flow(wh_settings)

    assert blocked.is_failed()  # type: ignore[attr-defined]
    message = blocked.message or ""  # type: ignore[attr-defined]
    assert "keys_unique_in_whole_table" in message and "fact_strike" in message
    error = blocked.result(raise_on_failure=False)  # type: ignore[attr-defined]
    assert isinstance(error, PublishBlocked)
    assert hashlib.sha256(wh_settings.warehouse_path.read_bytes()).hexdigest() == before
    assert "Why the publish was blocked" in _artifact("sitrep-run-summary")


ARTICLE = """KYIV, March 11 (Test Wire) - Russia launched 31 attack drones at the Odesa region \
overnight, and Ukrainian air defence destroyed 28 of them, the air force said on Monday.

Russian shelling killed three people in the city of Kherson on Sunday, including two \
children, the regional governor said.

Photo caption: A man walks past a building damaged in an earlier attack."""

FEED = [
    {"id": "pledge-1", "published_at": "2024-03-11", "title": "Germany pledges air defence aid",
     "text": "BERLIN, March 11 (Test Wire) - Germany will give Ukraine 500 million euros "
             "for air defence, the German defence minister said on Monday."},
    {"id": "show-1", "published_at": "2024-03-11", "title": "Drone show lights up Riga",
     "text": "Hundreds of drones formed pictures in the sky over Riga on Saturday during a "
             "festival, organisers said. Thousands of families watched."},
]


def test_real_flow_publishes_exact_figures_for_new_articles(wh_settings: Settings) -> None:
    require_extractor()
    write_article(wh_settings.landing_dir, "odesa_kherson.txt", ARTICLE,
                  published_at="2024-03-11", title="Drones over Odesa, shelling in Kherson")
    (wh_settings.landing_dir / "feed.jsonl").write_text(
        "\n".join(json.dumps(r) for r in FEED) + "\n", encoding="utf-8")

    state = _flow(wh_settings)

    assert state.is_completed(), state.message  # type: ignore[attr-defined]
    wh = wh_settings.warehouse_path
    assert _query(wh, "select weapon_category, launched, intercepted, event_date, location "
                      "from v_strikes") == [("drone", 31, 28, date(2024, 3, 11),
                                             "Odesa Oblast")]
    assert _query(wh, "select location, killed, children_killed, event_date from v_casualties"
                  ) == [("Kherson", 3, 2, date(2024, 3, 10))]
    assert _query(wh, "select a.name, p.amount, p.currency from fact_aid_pledge p "
                      "join dim_actor a on a.actor_key = p.donor_actor_key") == [
        ("Germany", 500_000_000, "EUR")]
    assert _query(wh, "select count(*) from dim_article") == [(3,)]
    assert _query(wh, "select count(*) from quarantine") == [(0,)]


def test_samples_publish_the_seed_figures(tmp_path: Path) -> None:
    require_extractor()
    warehouse = tmp_path / "warehouse.duckdb"
    state = sitrep_pipeline(landing=str(REPO / "samples" / "landing"),
                            warehouse=str(warehouse), return_state=True)
    assert state.is_completed(), state.message
    seed = ("select article_key from dim_article "
            "where source_file = 'seed_wire_report.txt'")
    strikes = set(_query(warehouse, f"""
        select weapon_subcategory, launched, intercepted from v_strikes
        where article_key in ({seed}) and date_precision = 'day' and launched is not null"""))
    assert {("attack drone", 28, 21), ("cruise missile", 3, None)} <= strikes
    casualties = set(_query(warehouse, f"""
        select location, killed, injured, children_killed from v_casualties
        where article_key in ({seed})"""))
    assert {("Kherson", 2, None, None), ("Kupiansk district", 1, 2, None),
            ("Pokrovsk district", 11, None, 5)} <= casualties
    production = set(_query(warehouse, f"""
        select a.name, p.quantity, p.target_year, p.cost_usd, w.subcategory
        from fact_production p
        join dim_actor a on a.actor_key = p.actor_key
        join dim_weapon w on w.weapon_key = p.weapon_key
        where p.article_key in ({seed})"""))
    assert ("Russia", 32000, 2030, 7.66e9, None) in production
    assert {(n, q) for n, q, *_ in production} >= {("Ukraine", 11000), ("Ukraine", 1000000)}
    pledges = _query(warehouse, f"""
        select a.name, p.amount, p.currency from fact_aid_pledge p
        join dim_actor a on a.actor_key = p.donor_actor_key
        where p.article_key in ({seed})""")
    assert pledges == [("Japan", 37_000_000, "USD")]
