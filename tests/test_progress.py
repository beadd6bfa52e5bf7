"""Progress of long stages: log lines when nobody watches, a progress artifact in Prefect."""

from __future__ import annotations

import logging

import pytest
from prefect import flow

from flows import progress


def test_without_a_terminal_or_prefect_it_logs_each_tenth(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sitrep.progress")
    with progress.tracker("ingest", "test-ingest", 200, "files", terminal=False) as update:
        for done in range(1, 201):
            update(done, 200)

    lines = [r.getMessage() for r in caplog.records if r.name == "sitrep.progress"]
    assert len(lines) == 10
    assert lines[0] == "ingest: 20 of 200 (10%)"
    assert lines[-1] == "ingest: 200 of 200 (100%)"


def test_a_failing_display_never_fails_the_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, done: int, total: int) -> None:
        raise RuntimeError("display gone")

    monkeypatch.setattr(progress._LogLines, "update", broken)
    with progress.tracker("extract", "test-extract", 3, terminal=False) as update:
        update(1, 3)
        update(3, 3)


def test_inside_a_flow_run_the_stage_leaves_a_progress_artifact() -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    @flow(name="progress-check")
    def stage() -> None:
        with progress.tracker("extract", "test-progress-artifact", 40, terminal=False) as update:
            for done in (10, 20, 40):
                update(done, 40)

    stage()

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["test-progress-artifact"])))
    assert found
    latest = max(found, key=lambda a: a.updated or a.created or 0)
    assert latest.type == "progress"
    assert float(latest.data) == 100.0  # type: ignore[arg-type]
    assert "40 of 40" in (latest.description or "")
