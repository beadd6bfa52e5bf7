"""`sitrep export`: the published warehouse as ACLED-like CSV, Air Force-like CSV and Parquet.

One real pipeline run over tests/fixtures/events/night/ (one night told by four outlets),
then each format is written through the CLI and read back with pandas. The column lists are
the ones docs/events.md documents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import require_extractor

from flows.cli import main
from flows.pipeline import run_pipeline
from flows.settings import load_settings

NIGHT = Path(__file__).resolve().parent / "fixtures" / "events" / "night"

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "country", "admin1", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities", "n_sources", "event_keys"]
MISSILE_ATTACK_COLUMNS = [
    "time_start", "time_end", "model", "launch_place", "target", "launched", "destroyed",
    "source", "weapon_category", "n_sources", "event_key"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_extractor()
    root = tmp_path_factory.mktemp("export")
    landing = root / "landing"
    shutil.copytree(NIGHT, landing)
    settings = load_settings().with_overrides(landing, root / "wh" / "warehouse.duckdb")
    assert run_pipeline(settings).status == "published"
    return settings.warehouse_path


def test_acled_export_has_one_row_per_day_place_and_sub_event(
        warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "acled.csv"
    assert main(["export", "--format", "acled", str(out), "--warehouse", str(warehouse)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ACLED_COLUMNS
    assert set(frame["event_type"]) == {"Explosions/Remote violence"}
    places = frame.set_index(["location", "sub_event_type"])
    dnipro = places.loc[("Dnipro", "Shelling/artillery/missile attack")]
    assert (dnipro["fatalities"], dnipro["geo_precision"], dnipro["time_precision"]) == (3, 1, 1)
    assert dnipro["admin1"] == "Dnipropetrovsk Oblast" and dnipro["country"] == "Ukraine"
    assert dnipro["actor1"] == "Military Forces of Russia (2000-)"
    assert dnipro["event_date"] == "2025-10-14"
    assert places.loc[("Odesa", "Air/drone strike")]["fatalities"] == 0
    # the air force's figures name no place: both weapon types are one row for the country
    national = places.loc[("Ukraine", "Air/drone strike")]
    assert national["geo_precision"] == 3 and "Shahed-136: 52 launched" in national["notes"]
    assert len(frame) == 5  # Dnipro, Kharkiv, Odesa, and the drones and missiles nationwide
    assert frame["event_id_cnty"].is_unique


def test_missile_attacks_export_has_the_air_force_table_shape(
        warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "attacks.csv"
    assert main(["export", "--format", "missile-attacks", str(out),
                 "--warehouse", str(warehouse)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == MISSILE_ATTACK_COLUMNS
    by_model = frame.set_index("model")
    assert sorted(by_model.index) == ["Iskander-M", "Shahed-136"]
    shahed = by_model.loc["Shahed-136"]
    assert (shahed["launched"], shahed["destroyed"], shahed["target"]) == (52, 44, "Ukraine")
    assert (shahed["time_start"], shahed["time_end"]) == ("2025-10-14", "2025-10-14")
    assert pd.isna(by_model.loc["Iskander-M"]["destroyed"])  # not stated is not 0
    assert frame["launch_place"].isna().all()
    # both sources are official; the later one gives the figure
    assert shahed["source"] == "Eastbound Wire" and shahed["n_sources"] == 2


def test_parquet_export_writes_every_published_table_and_view(
        warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    assert main(["export", "--format", "parquet", str(out),
                 "--warehouse", str(warehouse)]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        published = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' union all "
            "select view_name from duckdb_views() where schema_name = 'main' "
            "and not internal").fetchall()}
        events = con.execute("select count(*) from fact_event").fetchone()
    assert {p.stem for p in out.glob("*.parquet")} == published
    assert {"fact_event", "bridge_event_fact", "event_revision", "v_events"} <= published
    assert not list(out.glob(".*"))  # no temporary file left behind
    assert events == (len(pd.read_parquet(out / "fact_event.parquet")),)


def test_export_refuses_what_it_cannot_do(tmp_path: Path, warehouse: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none" / "warehouse.duckdb"
    assert main(["export", "--format", "acled", str(tmp_path / "a.csv"),
                 "--warehouse", str(missing)]) == 1
    assert "no published warehouse" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main(["export", "--format", "parquet", str(tmp_path / "file"),
                 "--warehouse", str(warehouse)]) == 2
    assert main(["export", "--format", "acled", str(tmp_path),
                 "--warehouse", str(warehouse)]) == 2
    assert main(["export", "--format", "xlsx", str(tmp_path / "a.xlsx")]) == 2
