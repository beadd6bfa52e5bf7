"""DuckDB connection helpers and the runner that executes the `.sql` files of `sql/` in order.

SQL lives in files, one per table or view, so it can be read and reviewed as SQL; Python only
decides which files run, in which order, and binds values as parameters. Files run in name
order inside their layer folder (`sql/raw/010_landing_file.sql`, ...), so the order is visible
from a directory listing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from flows.settings import REPO_ROOT

SQL_DIR = REPO_ROOT / "sql"

# The storage format the duckdb shell shipped in .venv (1.5.x) can read; the Python package
# would otherwise write a newer one the shell refuses.
PUBLISHED_STORAGE_VERSION = "v1.5.0"

# Catalog aliases used by the SQL files: `work` is the pipeline's database, `pub` the next
# published file while it is being built.
WORK = "work"
PUB = "pub"


def stable_key(*parts: object) -> int:
    """A deterministic 60-bit key from the parts (same input, same key, on every run)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return int(hashlib.sha256(joined.encode("utf-8")).hexdigest()[:15], 16)


def content_key(content_sha256: str) -> int:
    """The article key: the first 15 hex digits of the content hash."""
    return int(content_sha256[:15], 16)


def layer_files(layer: str, sql_dir: Path = SQL_DIR) -> list[Path]:
    """The `.sql` files of one layer folder, in execution (name) order."""
    folder = sql_dir / layer
    if not folder.is_dir():
        raise FileNotFoundError(f"no SQL layer folder {folder}")
    return sorted(folder.glob("*.sql"), key=lambda p: p.name)


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path,
                 params: Mapping[str, Any] | None = None) -> None:
    """Execute every statement of one file, binding the `$name` parameters each one uses."""
    values = dict(params or {})
    for statement in con.extract_statements(path.read_text(encoding="utf-8")):
        names = statement.named_parameters
        missing = names - values.keys()
        if missing:
            raise KeyError(f"{path.name}: no value for parameter(s) {sorted(missing)}")
        if names:
            con.execute(statement, {n: values[n] for n in names})
        else:
            con.execute(statement)


def run_sql_files(con: duckdb.DuckDBPyConnection, paths: Sequence[Path],
                  params: Mapping[str, Any] | None = None) -> list[str]:
    """Execute files in the given order and return their names (for logs and tests)."""
    done: list[str] = []
    for path in paths:
        try:
            run_sql_file(con, path, params)
        except duckdb.Error as exc:
            raise duckdb.Error(f"{path.relative_to(path.parent.parent)}: {exc}") from exc
        done.append(path.name)
    return done


def run_layer(con: duckdb.DuckDBPyConnection, layer: str,
              params: Mapping[str, Any] | None = None, sql_dir: Path = SQL_DIR) -> list[str]:
    """Execute one layer folder in one transaction: all of it applies, or none of it."""
    con.execute("begin transaction")
    try:
        done = run_sql_files(con, layer_files(layer, sql_dir), params)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return done


def read_sql(name: str, sql_dir: Path = SQL_DIR) -> str:
    """The text of one query file (a single select), e.g. `checks/fact_strike.sql`."""
    return (sql_dir / name).read_text(encoding="utf-8")


def duckdb_config(spill_dir: Path | str | None = None,
                  ) -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB's own memory cap (SITREP_DUCKDB_MEMORY, default 512MB): by default it may take
    most of the machine's memory for its buffer pool, and several processes share a run.
    Above the cap DuckDB spills to `spill_dir` (a folder beside the work database; an
    in-memory connection has none of its own), so peak memory stays flat in N."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": os.environ.get("SITREP_DUCKDB_MEMORY", "512MB")}
    if spill_dir is not None:
        config["temp_directory"] = str(spill_dir)
    return config


def spill_dir_for(work_db: Path | str) -> Path:
    """Where DuckDB spills for the pipeline's connections: `.sitrep-spill` beside the work DB."""
    return Path(work_db).parent / ".sitrep-spill"


@contextmanager
def work_connection(work_db: Path | str, read_only: bool = False,
                    ) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory connection with the work database attached as `work` and selected.

    Attaching under a fixed alias lets every SQL file say `work.raw.article`, whatever the
    file is called on disk.
    """
    con = duckdb.connect(config=duckdb_config(spill_dir_for(work_db)))
    try:
        mode = " (read_only)" if read_only else ""
        con.execute(f"attach $path as {WORK}{mode}", {"path": str(work_db)})
        con.execute(f"use {WORK}")
        if not read_only:
            ensure_work_schema(con)
        yield con
    finally:
        con.close()


@contextmanager
def publish_connection(work_db: Path | str, next_db: Path | str,
                       work_read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Work database as `work`, next published file as `pub` (and the default catalog).

    Objects are created with unqualified names while `pub` is selected, so views resolve
    when the published file is later opened on its own.
    """
    con = duckdb.connect(config=duckdb_config(spill_dir_for(work_db)))
    try:
        mode = " (read_only)" if work_read_only else ""
        con.execute(f"attach $path as {WORK}{mode}", {"path": str(work_db)})
        con.execute(f"attach $path as {PUB} (storage_version '{PUBLISHED_STORAGE_VERSION}')",
                    {"path": str(next_db)})
        con.execute(f"use {PUB}")
        yield con
    finally:
        con.close()


def ensure_work_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw, staging and audit tables of the work database when missing."""
    for layer in ("raw", "staging", "audit"):
        run_layer(con, layer)


def fsync_path(path: Path) -> None:
    """Flush a file (or directory entry) to disk so a swap survives a power cut."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
