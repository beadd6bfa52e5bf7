"""Write-audit-publish: build the next published file beside the live one, then swap it in.

DuckDB lets no other process open a file while a writer holds it, and a read-only holder
blocks a writer. So the run never writes the live file: it builds `.<name>.next` (in the
storage format the duckdb 1.5 shell reads; usually starting from a copy of the live file,
read like any reader would), the quality gate audits it, and `os.replace` swaps it in
atomically. A reader holding the old file keeps its
snapshot; a blocked publish deletes the candidate and leaves the live file untouched.

One run at a time: `run_lock` holds an exclusive `flock` on the lock file for the whole run.
A second run fails at once with a clear message (or waits, when asked to). The kernel
releases the lock when a process dies, so a lock file left by a killed run blocks nothing.

A run killed half-way (SIGKILL, power cut, full disk) leaves at most a candidate file, batch
scratch folders and a run-log row that never got its outcome. `recover` runs under the lock
before anything else: it deletes the leftovers and closes such rows as `interrupted` (or as
`published` when the swap had happened before the kill). The published file itself is only
ever replaced whole, so it is always the previous or the new warehouse.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from flows import events
from flows.faults import checkpoint
from flows.warehouse import (
    PUBLISHED_STORAGE_VERSION,
    SQL_DIR,
    fsync_path,
    layer_files,
    publish_connection,
    read_sql,
    run_layer,
    run_sql_file,
    spill_dir_for,
    work_connection,
)


class PublishBlocked(RuntimeError):
    """The quality gate found the batch untrustworthy; the live warehouse was left as it was."""


class LockBusy(RuntimeError):
    """Another run holds the warehouse lock."""


@contextmanager
def run_lock(lock_path: Path | str, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold an exclusive lock for a whole run; fail (after `wait_seconds`) if it is taken."""
    path = Path(lock_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise LockBusy(
                        f"another sitrep run is writing this warehouse (lock {path}, "
                        f"held by {holder}); try again when it has finished") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now().isoformat(timespec='seconds')}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the descriptor releases the flock


def remove_candidate(next_db: Path | str) -> None:
    """Delete a candidate file and its WAL (leftovers of a killed or blocked run)."""
    path = Path(next_db)
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def recover(work_db: Path | str, next_db: Path | str, live_db: Path | str,
            scratch_root: Path | str) -> list[str]:
    """Clear what a killed run left behind; call under the run lock. Returns what was done."""
    done: list[str] = []
    for leftover in (Path(next_db), Path(str(next_db) + ".wal")):
        if leftover.exists():
            done.append(f"removed {leftover.name}")
    remove_candidate(next_db)
    spill = spill_dir_for(work_db)  # DuckDB's spill files of a killed process
    if spill.is_dir() and any(spill.iterdir()):
        shutil.rmtree(spill, ignore_errors=True)
        done.append(f"removed {spill.name}")
    scratch = Path(scratch_root)
    if scratch.is_dir():
        for folder in sorted(scratch.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed {scratch.name}/{folder.name}")
    if Path(work_db).exists():
        with work_connection(work_db) as con:
            stale = con.execute("select run_id, status from audit.run_log "
                                "where status in ('running', 'publishing')").fetchall()
            swapped = (_published_run_ids(Path(live_db))
                       if any(status == "publishing" for _, status in stale) else set())
            for run_id, status in stale:
                if status == "publishing" and run_id in swapped:
                    outcome, message = "published", "the process ended after the swap"
                else:
                    outcome, message = "interrupted", f"the process ended while {status}"
                run_sql_file(con, SQL_DIR / "load" / "310_run_status.sql", {
                    "run_id": run_id, "status": outcome, "message": message,
                    "now": datetime.now(), "summary_json": None})
                done.append(f"run {run_id}: {outcome} ({message})")
    return done


def _published_run_ids(live_db: Path) -> set[str]:
    """Runs the published file lists as published (empty when there is no readable file)."""
    if not live_db.exists():
        return set()
    try:
        with duckdb.connect(str(live_db), read_only=True) as con:
            rows = con.execute(
                "select run_id from publish_log where status = 'published'").fetchall()
    except duckdb.Error:
        return set()
    return {str(r[0]) for r in rows}


def layout_version(sql_dir: Path = SQL_DIR) -> str:
    """A hash of the SQL that shapes a published file (and of its storage format)."""
    digest = hashlib.sha256(PUBLISHED_STORAGE_VERSION.encode())
    for layer in ("published", "publish", "events"):
        for path in layer_files(layer, sql_dir):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _same_layout(live_db: Path, layout: str) -> bool:
    """The live file was built by this version of the SQL (so a copy of it can be updated)."""
    if not live_db.is_file():
        return False
    try:
        with duckdb.connect(str(live_db), read_only=True) as con:
            row = con.execute("select layout_version from build_info").fetchone()
    except duckdb.Error:  # an older file without build_info, or not a warehouse at all
        return False
    return row is not None and row[0] == layout


def build_candidate(work_db: Path | str, next_db: Path | str, run_id: str,
                    sql_dir: Path = SQL_DIR, live_db: Path | str | None = None,
                    ) -> dict[str, int]:
    """Build every published table and view into the candidate file; rows per fact table.

    With `live_db` built by the same SQL, the candidate starts as a copy of it: dim_article
    (every text) is then updated, not written again, which is most of a big file. Every other
    table and view is created again either way.
    """
    checkpoint("build")
    remove_candidate(next_db)
    Path(next_db).parent.mkdir(parents=True, exist_ok=True)
    layout = layout_version(sql_dir)
    if live_db is not None and _same_layout(Path(live_db), layout):
        shutil.copyfile(live_db, next_db)
    with publish_connection(work_db, next_db) as con:
        run_layer(con, "published", {"run_id": run_id, "layout": layout}, sql_dir)
        return _fact_counts(con)


def publish_candidate(work_db: Path | str, next_db: Path | str, live_db: Path | str,
                      run_id: str, sql_dir: Path = SQL_DIR) -> dict[str, int]:
    """Drop quarantined rows, add the transparency tables and the events, swap it in.

    Events are built from the fact rows left after the quarantine (flows/events.py); when
    their checks fail, PublishBlocked is raised and the live file is left as it was.
    """
    checkpoint("publish")
    next_path, live_path = Path(next_db), Path(live_db)
    if not next_path.is_file():  # e.g. a retry after the swap: never publish an empty file
        raise FileNotFoundError(f"no candidate to publish at {next_path}")
    from flows.validate import make_check_scope

    with publish_connection(work_db, next_path) as con:
        make_check_scope(con, sql_dir)
        run_sql_file(con, sql_dir / "validate" / "020_current_quarantine.sql",
                     {"run_id": run_id})
        run_layer(con, "publish", {"run_id": run_id}, sql_dir)
        try:
            events.publish_events(con, run_id, sql_dir)
        except events.EventChecksFailed as exc:
            raise PublishBlocked(str(exc)) from exc
        counts = _fact_counts(con)
        # the checked rows keep this run's decisions (safe before the swap: they hold for
        # the same extractions whichever run publishes them next)
        con.execute("begin transaction")
        try:
            run_sql_file(con, sql_dir / "validate" / "030_record_checked.sql",
                         {"run_id": run_id, "now": datetime.now()})
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
        con.execute("checkpoint pub")
        con.execute("use memory")
        con.execute("detach pub")
    wal = next_path.with_name(next_path.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise RuntimeError(f"candidate {next_path} still has a write-ahead log after checkpoint")
    wal.unlink(missing_ok=True)
    fsync_path(next_path)
    checkpoint("swap")
    os.replace(next_path, live_path)
    fsync_path(live_path.parent)
    return counts


def _fact_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute(read_sql("queries/fact_counts.sql")).fetchall()
    return {str(name): int(n) for name, n in rows}


def start_run(work_db: Path | str, run_id: str, landing_dir: str, warehouse_path: str,
              extractor_version: str) -> None:
    """Open the run's row in audit.run_log (creating the work database when it is new)."""
    Path(work_db).parent.mkdir(parents=True, exist_ok=True)
    with work_connection(work_db) as con:
        run_sql_file(con, SQL_DIR / "load" / "300_run_start.sql", {
            "run_id": run_id, "now": datetime.now(), "landing_dir": landing_dir,
            "warehouse_path": warehouse_path, "extractor_version": extractor_version})


def set_run_status(work_db: Path | str, run_id: str, status: str, message: str | None,
                   summary: Mapping[str, Any] | None = None) -> None:
    """Record how the run ended (published, blocked, failed) and its summary."""
    with work_connection(work_db) as con:
        run_sql_file(con, SQL_DIR / "load" / "310_run_status.sql", {
            "run_id": run_id, "status": status, "message": message, "now": datetime.now(),
            "summary_json": json.dumps(summary, default=str) if summary is not None else None})


def read_run(work_db: Path | str, run_id: str) -> dict[str, Any] | None:
    """A run's log row, with its summary decoded (None when the run never started)."""
    if not Path(work_db).exists():
        return None
    with work_connection(work_db, read_only=True) as con:
        row = con.execute(
            "select status, message, summary_json from audit.run_log where run_id = $run_id",
            {"run_id": run_id}).fetchone()
    if row is None:
        return None
    return {"status": row[0], "message": row[1],
            "summary": json.loads(row[2]) if row[2] else None}
