"""Security basics: values reach SQL only as parameters, the Prefect server stays on loopback,
and no secret is committed."""

from __future__ import annotations

import ast
import re
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SHAHED, ScriptedExtractor, strike, write_article

from flows.extract.model import EventDate
from flows.pipeline import run_pipeline
from flows.settings import load_settings

SQL_METHODS = {"execute", "executemany", "sql", "query", "fetchall"}
# Names that may be interpolated into SQL text: identifiers and constants, never values.
# WORK/PUB are catalog aliases, `mode` is a fixed "(read_only)" option, the storage version
# is a constant, `table`/`key` come from the fault harness's own constant tables.
IDENTIFIERS = {"WORK", "PUB", "mode", "PUBLISHED_STORAGE_VERSION", "table", "key"}


def _sql_text_problems(path: Path, root: Path = REPO) -> list[str]:
    """Calls like con.execute(...) whose SQL text is built from something but identifiers."""
    problems = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_METHODS and node.args):
            continue
        sql = node.args[0]
        where = f"{path.relative_to(root)}:{node.lineno}"
        if isinstance(sql, ast.JoinedStr):
            for part in sql.values:
                if isinstance(part, ast.FormattedValue) and not (
                        isinstance(part.value, ast.Name) and part.value.id in IDENTIFIERS):
                    problems.append(f"{where}: interpolates {ast.unparse(part.value)}")
        elif isinstance(sql, ast.BinOp) and isinstance(sql.op, ast.Add | ast.Mod):
            problems.append(f"{where}: SQL built with {type(sql.op).__name__}")
        elif (isinstance(sql, ast.Call) and isinstance(sql.func, ast.Attribute)
              and sql.func.attr == "format"):
            problems.append(f"{where}: SQL built with str.format")
    return problems


def test_no_value_is_formatted_into_sql() -> None:
    problems = [p for path in sorted((REPO / "flows").rglob("*.py"))
                for p in _sql_text_problems(path)]
    assert problems == []


def test_the_sql_check_catches_a_formatted_value(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('def f(con, title):\n'
                   '    con.execute(f"select * from dim_article where title = \'{title}\'")\n'
                   '    con.execute("select " + title)\n'
                   '    con.sql("select {}".format(title))\n'
                   '    con.execute(f"use {WORK}")\n'
                   '    con.execute("select $t", {"t": title})\n')
    problems = _sql_text_problems(bad, tmp_path)
    assert [p.split(":")[1] for p in problems] == ["2", "3", "4"]


def test_paths_with_quotes_are_bound_not_spliced(tmp_path: Path,
                                                 scripted: ScriptedExtractor) -> None:
    night = EventDate(date(2024, 3, 10), "day")
    text = "Russia launched 9 Shahed drones at Odesa overnight, the air force said."
    scripted.add(text, lambda t, p: [strike(t, text, SHAHED, 9, None, night)])
    folder = tmp_path / "it's a folder'; drop table x; --"
    landing = folder / "landing"
    landing.mkdir(parents=True)
    write_article(landing, "o'clock.txt", text)
    settings = load_settings().with_overrides(landing, folder / "wh" / "ware'house.duckdb")
    assert run_pipeline(settings).status == "published"
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select article_id from dim_article").fetchall() == [("o'clock.txt",)]


def test_the_prefect_server_binds_to_loopback_by_default(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.delenv("PREFECT_SERVER_API_HOST", raising=False)
    from prefect.settings import get_current_settings

    assert get_current_settings().server.api.host == "127.0.0.1"
    opened = [f"{path.relative_to(REPO)}: {line.strip()}"
              for path in _project_files() if path.suffix in {".py", ".yaml", ".yml", ""}
              or path.name == "Makefile"
              for line in _lines(path) if re.search(r"0\.0\.0\.0|--host\s+::(?!1)", line)]
    assert opened == []


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),
    "Slack token": re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}"),
    "Prefect Cloud key": re.compile(r"\bpnu_[A-Za-z0-9]{30,}\b"),
    "password assignment": re.compile(
        r"(?i)\b(?:password|passwd|secret|api_key|apikey|token)\s*[:=]\s*['\"][^'\"\s]{8,}['\"]"),
    "credentials in a URL": re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:[^/\s@'\"]+@"),
}


def _project_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, text=True, cwd=REPO, check=True).stdout
    return [REPO / line for line in listed.splitlines()
            if line and (REPO / line).is_file() and not line.startswith("tests/holdout/")]


def _lines(path: Path) -> list[str]:
    if path.stat().st_size > 2_000_000:
        return []
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        return []


def test_no_secrets_in_the_repository() -> None:
    files = _project_files()
    assert any(p.name == "README.md" for p in files)
    found = [f"{path.relative_to(REPO)}:{i}: {kind}"
             for path in files for i, line in enumerate(_lines(path), 1)
             for kind, pattern in SECRET_PATTERNS.items() if pattern.search(line)]
    assert found == []


def test_the_secret_scan_sees_a_planted_key() -> None:
    planted = "aws_key = 'AKIA" + "ABCDEFGHIJKLMNOP'\npassword = \"" + "hunter22hunter\"\n"
    hits = {kind for line in planted.splitlines()
            for kind, pattern in SECRET_PATTERNS.items() if pattern.search(line)}
    assert hits == {"AWS key", "password assignment"}
