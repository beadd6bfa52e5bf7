"""The `sitrep` command: exit codes, printed summary, and a fast `extract` without Prefect/GX."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SHAHED, ScriptedExtractor, require_extractor, strike, write_article

from flows.cli import EXIT_BLOCKED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE, main
from flows.extract.model import EventDate
from flows.publish import run_lock
from flows.settings import Settings

ATTACK = ("Russia launched 22 Shahed drones at Odesa overnight and air defence destroyed 20 "
          "of them, the air force said.")


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_USAGE
    assert main(["frobnicate"]) == EXIT_USAGE
    assert main(["run", "--landing", str(tmp_path / "missing")]) == EXIT_USAGE
    assert "landing folder not found" in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "missing.txt")]) == EXIT_USAGE


EXTRACT_WITH_SCRIPT = textwrap.dedent("""
    import json, sys
    from datetime import date
    sys.path.insert(0, sys.argv[1])
    from conftest import ScriptedExtractor, SHAHED, strike
    from flows.extract.model import EventDate
    ex = ScriptedExtractor()
    ex.add("Shahed", lambda t, p: [strike(t, t.splitlines()[-1], SHAHED, 22, 20,
                                          EventDate(p, "day"))])
    sys.modules["flows.extract.article"] = ex.module()
    from flows.cli import main
    code = main(["extract", sys.argv[2]])
    heavy = sorted(m for m in ("prefect", "great_expectations") if m in sys.modules)
    print(json.dumps({"code": code, "heavy": heavy}))
""")


def test_extract_prints_facts_without_importing_prefect_or_gx(tmp_path: Path) -> None:
    article = write_article(tmp_path, "odesa.txt", ATTACK, published_at="2024-03-10")
    done = subprocess.run(
        [sys.executable, "-c", EXTRACT_WITH_SCRIPT, str(REPO / "tests"), str(article)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    printed, status = done.stdout.rsplit("\n{", 1)
    assert json.loads("{" + status) == {"code": 0, "heavy": []}
    facts = json.loads(printed)["facts"]
    assert [(f["kind"], f["launched"], f["intercepted"], f["event_date"]) for f in facts] == [
        ("strike", 22, 20, "2024-03-10")]
    assert facts[0]["evidence"] == ATTACK
    assert not list(tmp_path.glob("**/*.duckdb"))


def test_real_extract_is_fast_and_never_loads_the_heavy_stack(tmp_path: Path) -> None:
    require_extractor()
    article = write_article(tmp_path, "odesa.txt", ATTACK, published_at="2024-03-10")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flows.cli", "extract", str(article)],
        capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "prefect" not in imported and "great_expectations" not in imported
    facts = json.loads(done.stdout)["facts"]
    assert any(f["kind"] == "strike" and f["launched"] == 22 for f in facts)


@pytest.mark.slow
def test_run_exit_codes_and_summary(wh_settings: Settings, scripted: ScriptedExtractor,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    scripted.add(ATTACK, lambda t, p: [strike(t, ATTACK, SHAHED, 22, 20,
                                              EventDate(date(2024, 3, 10), "day"))])
    write_article(wh_settings.landing_dir, "odesa.txt", ATTACK)
    args = ["run", "--landing", str(wh_settings.landing_dir),
            "--warehouse", str(wh_settings.warehouse_path)]

    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "PUBLISHED" in out and "strike 1" in out
    assert "articles: 1 read, 1 new" in out
    assert "fetched from" not in out  # no sources file: no feed line
    assert str(wh_settings.warehouse_path) in out
    assert f"report: {wh_settings.state_dir / 'reports' / 'latest.html'}" in out

    with duckdb.connect(str(wh_settings.work_db_path)) as con:
        con.execute("insert into staging.strike select * from staging.strike")
    assert main(args) == EXIT_BLOCKED
    captured = capsys.readouterr()
    assert "BLOCKED" in captured.out and "keys_unique_in_whole_table" in captured.out
    assert "warehouse left unchanged" in captured.out

    with run_lock(wh_settings.lock_path):
        assert main(args) == EXIT_LOCKED
    assert "another sitrep run" in capsys.readouterr().err
