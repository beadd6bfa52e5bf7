"""The SQL runner: files run in name order, values are bound (never spliced), layers are atomic."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.warehouse import (
    SQL_DIR,
    layer_files,
    run_layer,
    run_sql_file,
    stable_key,
    work_connection,
)


def _layer(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "sql" / "demo"
    folder.mkdir(parents=True)
    for name, body in files.items():
        (folder / name).write_text(body, encoding="utf-8")
    return tmp_path / "sql"


def test_files_run_in_name_order_not_creation_order(tmp_path: Path) -> None:
    # Written in reverse so creation order and directory order disagree with name order.
    sql_dir = _layer(tmp_path, {
        "300_third.sql": "insert into trail values (3, 'third');",
        "020_second.sql": "insert into trail values (2, 'second');",
        "010_first.sql": "create table trail (seq integer, what varchar);",
    })
    con = duckdb.connect()
    done = run_layer(con, "demo", sql_dir=sql_dir)
    assert done == ["010_first.sql", "020_second.sql", "300_third.sql"]
    assert con.execute("select what from trail order by rowid").fetchall() == [
        ("second",), ("third",)]


def test_a_failing_file_rolls_back_the_whole_layer(tmp_path: Path) -> None:
    sql_dir = _layer(tmp_path, {
        "010_make.sql": "create table kept (x integer); insert into kept values (1);",
        "020_broken.sql": "insert into no_such_table values (1);",
    })
    con = duckdb.connect()
    with pytest.raises(duckdb.Error, match="020_broken.sql"):
        run_layer(con, "demo", sql_dir=sql_dir)
    tables = con.execute("select table_name from information_schema.tables").fetchall()
    assert ("kept",) not in tables


def test_values_are_bound_as_parameters(tmp_path: Path) -> None:
    path = tmp_path / "q.sql"
    path.write_text("create table t (v varchar);\ninsert into t values ($value);\n")
    hostile = "x'); drop table t; --"
    con = duckdb.connect()
    run_sql_file(con, path, {"value": hostile, "unused": 1})
    assert con.execute("select v from t").fetchall() == [(hostile,)]


def test_a_missing_parameter_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "needs_run_id.sql"
    path.write_text("select $run_id;")
    with pytest.raises(KeyError, match="needs_run_id.sql"):
        run_sql_file(duckdb.connect(), path, {})


def test_project_layers_are_numbered_and_create_the_work_schema(tmp_path: Path) -> None:
    for layer in ("raw", "staging", "audit", "published", "publish", "load"):
        names = [p.name for p in layer_files(layer, SQL_DIR)]
        assert names, layer
        assert all(n[:3].isdigit() and n[3] == "_" for n in names), names
    with work_connection(tmp_path / "work.duckdb") as con:
        tables = {(s, t) for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables()").fetchall()}
    assert {("raw", "article"), ("raw", "landing_file"), ("raw", "reject"),
            ("staging", "strike"), ("staging", "article_extraction"),
            ("audit", "run_log"), ("audit", "quarantine"),
            ("audit", "quality_results")} <= tables


def test_stable_keys_are_deterministic_60_bit_and_distinct() -> None:
    a = stable_key("abc", "strike", 1)
    assert a == stable_key("abc", "strike", 1)
    assert a != stable_key("abc", "strike", 2)
    # Part boundaries count: moving a character between parts changes the key.
    assert stable_key("ab", "c") != stable_key("a", "bc")
    assert 0 <= a < 2**60
