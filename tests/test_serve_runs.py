"""Runs a person can read in the Prefect UI: names, artifacts, Data Docs, one failure sentence.

These run the real flow in-process against Prefect's ephemeral API (as the end-to-end tests
do) and read the run back through the Prefect client.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import SHAHED, ScriptedExtractor, strike, write_article

from flows.extract.model import EventDate
from flows.pipeline import sitrep_pipeline
from flows.settings import Settings

pytestmark = pytest.mark.slow

NIGHT = EventDate(date(2024, 3, 10), "day")
ATTACK = ("Russia launched 26 Shahed drones at Odesa overnight and air defence destroyed 23 "
          "of them, the air force said on Sunday.")


def _run(settings: Settings) -> Any:
    return sitrep_pipeline(landing=str(settings.landing_dir),
                           warehouse=str(settings.warehouse_path), return_state=True)


def _read_back(state: Any) -> tuple[Any, list[str], dict[str, str]]:
    """The flow run, its log messages and its artifacts (key -> data) from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(
            any_=[run_id])))
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    return run, [entry.message for entry in logs], {a.key: str(a.data) for a in found if a.key}


def test_a_published_run_is_named_after_what_it_did_and_links_its_data_docs(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    scripted.add(ATTACK, lambda t, p: [strike(t, ATTACK, SHAHED, 26, 23, NIGHT)])
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)

    run, logs, found = _read_back(_run(wh_settings))

    assert run.name.endswith(" · 1 new article · published"), run.name
    summary = found["sitrep-run-summary"]
    index = wh_settings.state_dir / "data_docs" / "index.html"
    assert index.is_file() and f"]({index.as_uri()})" in summary
    assert "sitrep-quality-results" in found
    assert any(m.startswith("Data Docs: file://") for m in logs)

    again, _, _ = _read_back(_run(wh_settings))
    assert again.name.endswith(" · nothing new · published"), again.name


def test_a_failed_run_says_where_and_why_in_one_sentence(
        wh_settings: Settings, scripted: ScriptedExtractor,
        monkeypatch: pytest.MonkeyPatch) -> None:
    scripted.add(ATTACK, lambda t, p: [strike(t, ATTACK, SHAHED, 26, 23, NIGHT)])
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    assert _run(wh_settings).is_completed()
    published = wh_settings.warehouse_path.read_bytes()
    write_article(wh_settings.landing_dir, "odesa-2.txt", ATTACK + " Officials gave no more.")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr("flows.validate.validate_candidate", broken)
    state = _run(wh_settings)

    assert state.is_failed()
    run, logs, found = _read_back(state)
    sentence = [m for m in logs if m.startswith("Sitrep run ") and " failed" in m]
    assert len(sentence) == 1, logs
    assert "failed in task quality-gate: OSError: No space left on device" in sentence[0]
    assert f"warehouse {wh_settings.warehouse_path} was left as it was" in sentence[0]
    assert run.name.endswith(" · failed"), run.name
    assert "**Failed** in task quality-gate" in found["sitrep-run-summary"]
    assert wh_settings.warehouse_path.read_bytes() == published
    assert not Path(wh_settings.next_path).exists()
