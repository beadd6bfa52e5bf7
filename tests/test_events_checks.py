"""The event suites check row by row only the events a run changed, and count the whole
event tables in SQL (`sql/events/055_event_check_scope.sql`, `sql/checks/event_integrity.sql`).

Runs use `run_pipeline` (no Prefect) on the multi-outlet fixtures of tests/fixtures/events/.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import require_extractor

from flows import events
from flows.pipeline import run_pipeline
from flows.settings import Settings, load_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "events"
NIGHT, UPDATE = FIXTURES / "night", FIXTURES / "update"


def _settings(tmp_path: Path) -> Settings:
    landing = tmp_path / "landing"
    landing.mkdir()
    return load_settings().with_overrides(landing, tmp_path / "wh" / "warehouse.duckdb")


def _copy(source: Path, landing: Path) -> None:
    for path in sorted(source.iterdir()):
        shutil.copy2(path, landing / path.name)


def _work(settings: Settings, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    with duckdb.connect(str(settings.work_db_path), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def _checked(settings: Settings, run_id: str, suite: str, check: str) -> tuple[Any, ...]:
    rows = _work(settings, "select success, element_count from audit.quality_results "
                           "where run_id = $run and suite = $suite and check_name = $check",
                 {"run": run_id, "suite": suite, "check": check})
    assert len(rows) == 1, rows
    return tuple(rows[0])


def _n_events(settings: Settings) -> int:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return int(con.execute("select count(*) from fact_event").fetchone()[0])  # type: ignore[index]


@pytest.fixture()
def published(tmp_path: Path) -> Settings:
    """A warehouse holding the fixture night's events."""
    require_extractor()
    settings = _settings(tmp_path)
    _copy(NIGHT, settings.landing_dir)
    first = run_pipeline(settings)
    assert first.status == "published"
    total = _n_events(settings)
    assert total >= 3
    # the first run checked every event row by row
    assert _checked(settings, first.run_id, "fact_event", "event_key_not_null") == (True, total)
    return settings


def test_a_run_with_nothing_new_checks_no_event_row_by_row_but_counts_them_all(
        published: Settings) -> None:
    again = run_pipeline(published)

    assert again.status == "published"
    assert _checked(published, again.run_id, "fact_event", "event_key_not_null") == (True, 0)
    assert _checked(published, again.run_id, "event_integrity",
                    "facts_in_one_event_in_whole_table") == (True, 1)


def test_an_update_checks_the_events_it_changed(published: Settings) -> None:
    total_before = _n_events(published)
    _copy(UPDATE, published.landing_dir)

    update = run_pipeline(published)

    assert update.status == "published"
    changed = _work(published, "select count(*) from audit.event_revision "
                               "where run_id = $run and change <> 'withdrawn'",
                    {"run": update.run_id})[0][0]
    success, checked = _checked(published, update.run_id, "fact_event", "event_key_not_null")
    assert success and changed >= 1
    # the events it revised or added, and those grouped again with them; not the others
    assert changed <= checked < max(total_before, _n_events(published))


def test_full_checks_check_every_event(published: Settings,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITREP_FULL_CHECKS", "1")

    again = run_pipeline(published)

    assert _checked(published, again.run_id, "fact_event", "event_key_not_null") == (
        True, _n_events(published))


def test_a_fact_left_out_of_an_unchanged_event_blocks_the_publish(
        published: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A defect outside the events a run changed is caught by the whole-table counts."""
    load_members = events._load_members

    def drop_a_kept_member(con: duckdb.DuckDBPyConnection,
                           members: dict[tuple[str, int], int]) -> None:
        load_members(con, members)
        con.execute("delete from event_member where fact_key = ("
                    "select min(fact_key) from event_member)")

    monkeypatch.setattr(events, "_load_members", drop_a_kept_member)
    before = published.warehouse_path.read_bytes()

    blocked = run_pipeline(published)

    assert blocked.status == "blocked"
    assert "facts_in_one_event_in_whole_table" in blocked.message
    # nothing was regrouped: the row-by-row check saw only the event that lost a report
    assert _checked(published, blocked.run_id, "bridge_event_fact",
                    "fact_in_exactly_one_event")[0] is True
    assert published.warehouse_path.read_bytes() == before
