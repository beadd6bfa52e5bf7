"""`sitrep status`: the warehouse accounts for every landing file, and says what it holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import SHAHED, ScriptedExtractor, strike, write_article

from flows.cli import main
from flows.extract.model import EventDate
from flows.faults import FAULT_ENV, MARKS_ENV, read_marks
from flows.pipeline import run_pipeline
from flows.settings import Settings
from flows.status import file_accounts, read_status, render

NIGHT = EventDate(date(2024, 3, 10), "day")
ATTACK = ("Russia launched 18 Shahed drones at Odesa overnight and air defence destroyed 15 "
          "of them, the air force said.")
HUGE = "Russia launched 4,000 Shahed drones at Odesa overnight, the air force claimed."
CALM = "The city council met on Monday to discuss the new school timetable."


def _script(ex: ScriptedExtractor) -> None:
    ex.add(ATTACK, lambda t, p: [strike(t, ATTACK, SHAHED, 18, 15, NIGHT)])
    ex.add(HUGE, lambda t, p: [strike(t, HUGE, SHAHED, 4000, None, NIGHT)])


def _mixed_landing(landing: Path) -> None:
    write_article(landing, "odesa.txt", ATTACK)
    write_article(landing, "claim.txt", HUGE)
    write_article(landing, "council.md", CALM)
    (landing / "empty.txt").write_bytes(b"")
    (landing / "report.pdf").write_bytes(b"%PDF-1.7")
    (landing / "feed.jsonl").write_text(
        json.dumps({"id": "a", "text": CALM + " Again."}) + "\n{not json\n", encoding="utf-8")
    (landing / "copy of odesa.txt").write_bytes((landing / "odesa.txt").read_bytes())
    (landing / "line\nbreak.txt").write_text("A file whose name holds a newline.\n")


def test_status_accounts_for_every_file_of_a_mixed_folder(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    _mixed_landing(wh_settings.landing_dir)
    assert run_pipeline(wh_settings).status == "published"

    status = read_status(wh_settings.warehouse_path, wh_settings.landing_dir)
    names = sorted(p.name for p in wh_settings.landing_dir.iterdir())
    assert status.files_seen == len(names) == 8
    assert status.files_unaccounted == []
    assert status.landing is not None
    assert (status.landing.files, status.landing.accounted, status.landing.pending) == (
        8, 8, [])
    assert status.articles == 5  # odesa, claim, council, feed#a, line-break file
    assert status.rejects_by_reason == {"bad_json": 1, "duplicate": 1, "empty_file": 1,
                                        "unsupported_type": 1}
    assert status.facts_by_kind["strike"] == 1  # the 4,000-drone claim is quarantined
    assert status.quarantined_by_check == {"fact_strike.drones_in_one_attack_plausible": 1}
    assert status.runs_by_status == {"published": 1}
    assert status.last_run_id and status.last_published_at

    by_name = {f.name: f for f in file_accounts(wh_settings.warehouse_path)}
    assert sorted(by_name) == names
    assert (by_name["feed.jsonl"].articles, by_name["feed.jsonl"].reasons) == (1, "bad_json")
    # Same bytes under two names: the first name (in sort order) holds the article.
    assert (by_name["copy of odesa.txt"].articles, by_name["copy of odesa.txt"].reasons,
            by_name["odesa.txt"].articles, by_name["odesa.txt"].reasons) == (
        1, None, 0, "duplicate")
    assert by_name["report.pdf"].sha256 is not None  # refused unread, still hashed

    text = render(status, file_accounts(wh_settings.warehouse_path))
    assert "line\\nbreak.txt" in text and "line\nbreak.txt" not in text
    assert "rejects: 4 (" in text and "8 accounted for, 0 pending" in text


def test_new_files_are_pending_until_a_run_publishes_them(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    run_pipeline(wh_settings)
    write_article(wh_settings.landing_dir, "later.txt", CALM)
    edited = wh_settings.landing_dir / "odesa.txt"
    edited.write_text(edited.read_text() + "\nUpdated with a correction.\n")

    status = read_status(wh_settings.warehouse_path, wh_settings.landing_dir)
    assert status.landing is not None
    assert sorted(status.landing.pending) == ["later.txt", "odesa.txt"]  # new bytes: new file

    run_pipeline(wh_settings)
    status = read_status(wh_settings.warehouse_path, wh_settings.landing_dir)
    assert status.landing is not None and status.landing.pending == []
    assert status.files_seen == 3 and status.articles == 3
    assert status.runs_by_status == {"published": 2}


def test_status_without_a_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "a.txt").write_text("Some words.")
    status = read_status(tmp_path / "none.duckdb", landing)
    assert not status.exists and status.landing is not None
    assert status.landing.pending == ["a.txt"]
    assert main(["status", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert "nothing published yet" in capsys.readouterr().out
    assert main(["status", "--warehouse", str(tmp_path / "none.duckdb"),
                 "--landing", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_status_command_prints_text_and_json(
        wh_settings: Settings, scripted: ScriptedExtractor,
        capsys: pytest.CaptureFixture[str]) -> None:
    _script(scripted)
    _mixed_landing(wh_settings.landing_dir)
    run_pipeline(wh_settings)
    args = ["status", "--warehouse", str(wh_settings.warehouse_path),
            "--landing", str(wh_settings.landing_dir)]

    assert main(args) == 0
    out = capsys.readouterr().out
    assert "landing files seen: 8" in out
    assert "facts: strike 1, casualty 0, production 0, aid_pledge 0" in out
    assert "quarantined rows: 1 (fact_strike.drones_in_one_attack_plausible 1)" in out

    assert main([*args, "--json", "--files"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files_seen"] == 8 and data["landing"]["pending"] == []
    assert {f["name"] for f in data["files"]} == {p.name for p in
                                                  wh_settings.landing_dir.iterdir()}


STATUS_DURING_RUN = """
import sys
from pathlib import Path
from flows.pipeline import run_pipeline
from flows.settings import load_settings
settings = load_settings().with_overrides(Path(sys.argv[1]), Path(sys.argv[2]))
print(run_pipeline(settings).status, flush=True)
"""


def test_status_answers_while_a_run_holds_the_work_database(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    _script(scripted)
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    run_pipeline(wh_settings)
    write_article(wh_settings.landing_dir, "council.md", CALM)
    hold = wh_settings.state_dir / "hold"
    hold.touch()
    marks = wh_settings.state_dir / "marks"
    env = {**os.environ, FAULT_ENV: f"extract:hold:{hold}", MARKS_ENV: str(marks)}
    run = subprocess.Popen([sys.executable, "-c", STATUS_DURING_RUN,
                            str(wh_settings.landing_dir), str(wh_settings.warehouse_path)],
                           env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while "extract" not in [stage for stage, _ in read_marks(marks)]:
            assert run.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        # The run holds the work database; status reads only the published file.
        status = read_status(wh_settings.warehouse_path, wh_settings.landing_dir)
        assert status.articles == 1
        assert status.landing is not None and status.landing.pending == ["council.md"]
    finally:
        hold.unlink()
        out, _ = run.communicate(timeout=120)
    assert out.strip() == "published"
    status = read_status(wh_settings.warehouse_path, wh_settings.landing_dir)
    assert status.articles == 2
