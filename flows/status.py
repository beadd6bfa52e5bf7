"""`sitrep status`: what the published warehouse holds, and where every landing file went.

Everything is read from the published file, never from the pipeline's work database: a run in
progress holds that one, while the published file can always be opened read-only. With a
landing folder, each file in it is matched (by name and content hash) to the articles or
rejects it became; a file the warehouse does not know yet is `pending` (new, still being
written, or read by a run whose publish was blocked).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from flows.warehouse import read_sql


@dataclass(frozen=True)
class FileAccount:
    """One landing file (name and hash) and what it became."""

    name: str
    sha256: str | None
    articles: int
    rejects: int
    reasons: str | None

    @property
    def accounted(self) -> bool:
        return self.articles + self.rejects > 0


@dataclass
class LandingAccount:
    """The landing folder as it is now, against what the warehouse accounts for."""

    landing_dir: str
    files: int = 0
    accounted: int = 0
    pending: list[str] = field(default_factory=list)


@dataclass
class WarehouseStatus:
    warehouse: str
    exists: bool
    files_seen: int = 0
    files_with_articles: int = 0
    files_only_rejected: int = 0
    files_unaccounted: list[str] = field(default_factory=list)
    articles: int = 0
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    facts_by_kind: dict[str, int] = field(default_factory=dict)
    quarantined_by_check: dict[str, int] = field(default_factory=dict)
    last_run_id: str | None = None
    last_published_at: str | None = None
    extractor_version: str | None = None
    runs_by_status: dict[str, int] = field(default_factory=dict)
    landing: LandingAccount | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def file_accounts(warehouse: Path) -> list[FileAccount]:
    """Every file the published warehouse knows of, with its articles and rejects."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(read_sql("queries/status_files.sql")).fetchall()
    return [FileAccount(str(n), s, int(a), int(r), rs) for n, s, a, r, rs in rows]


def read_status(warehouse: Path, landing: Path | None = None,
                max_file_bytes: int | None = None) -> WarehouseStatus:
    """The warehouse's accounting; with `landing`, also which files there are still pending."""
    status = WarehouseStatus(str(warehouse), warehouse.is_file())
    if not status.exists:
        if landing is not None:
            status.landing = account_landing(landing, [], max_file_bytes)
        return status
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = [FileAccount(str(n), s, int(a), int(r), rs) for n, s, a, r, rs in
                 con.execute(read_sql("queries/status_files.sql")).fetchall()]
        row = con.execute(read_sql("queries/status_summary.sql")).fetchone()
        status.articles = int(row[0]) if row else 0
        status.rejects_by_reason = _pairs(con, "queries/status_rejects.sql")
        status.facts_by_kind = {k.removeprefix("fact_"): v for k, v in
                                _pairs(con, "queries/fact_counts.sql").items()}
        status.quarantined_by_check = _pairs(con, "queries/status_quarantine.sql")
        for kind, name, value, extra in con.execute(
                read_sql("queries/status_runs.sql")).fetchall():
            if kind == "last":
                status.last_run_id, status.last_published_at = name, value
                status.extractor_version = extra
            else:
                status.runs_by_status[str(name)] = int(value)
    status.files_seen = len(files)
    status.files_with_articles = sum(f.articles > 0 for f in files)
    status.files_only_rejected = sum(f.articles == 0 and f.rejects > 0 for f in files)
    status.files_unaccounted = [f.name for f in files if not f.accounted]
    if landing is not None:
        status.landing = account_landing(landing, files, max_file_bytes)
    return status


def account_landing(landing: Path, files: list[FileAccount],
                    max_file_bytes: int | None = None) -> LandingAccount:
    """Match the landing folder's files (name and hash) to the warehouse's accounts."""
    from flows.ingest import discover
    from flows.settings import load_settings

    cap = max_file_bytes if max_file_bytes is not None else load_settings().max_file_bytes
    found, refused = discover(landing, cap)
    known = {(f.name, f.sha256) for f in files if f.accounted}
    entries = [(f.name, f.sha256) for f in found] + [(r.source_file, r.file_sha256)
                                                     for r in refused]
    account = LandingAccount(str(landing), files=len(entries))
    for name, sha in entries:
        if (name, sha) in known:
            account.accounted += 1
        else:
            account.pending.append(name)
    return account


def _pairs(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in con.execute(read_sql(query)).fetchall()}


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


def render(status: WarehouseStatus, files: list[FileAccount] | None = None) -> str:
    """The text `sitrep status` prints; file names are shown escaped, one per line."""
    lines = [f"warehouse: {status.warehouse}"]
    if not status.exists:
        lines.append("nothing published yet")
    else:
        lines += [
            f"last publish: {status.last_published_at or 'unknown'} "
            f"(run {status.last_run_id or 'unknown'}, "
            f"extractor {status.extractor_version or 'unknown'})",
            f"landing files seen: {status.files_seen} ({status.files_with_articles} gave "
            f"articles, {status.files_only_rejected} only rejects, "
            f"{len(status.files_unaccounted)} unaccounted)",
            f"articles: {status.articles}",
            f"rejects: {sum(status.rejects_by_reason.values())} "
            f"({_counts(status.rejects_by_reason)})",
            f"facts: {_counts(status.facts_by_kind)}",
            f"quarantined rows: {sum(status.quarantined_by_check.values())} "
            f"({_counts(status.quarantined_by_check)})",
            f"runs: {_counts(status.runs_by_status)}",
        ]
        lines += [f"unaccounted file: {_shown(n)}" for n in status.files_unaccounted]
    if status.landing is not None:
        land = status.landing
        lines.append(f"landing folder {land.landing_dir}: {land.files} files, "
                     f"{land.accounted} accounted for, {len(land.pending)} pending")
        lines += [f"pending: {_shown(n)}" for n in land.pending]
    for f in files or []:
        outcome = (f"{f.articles} article(s)" if f.articles else "") + (
            f"{', ' if f.articles else ''}{f.rejects} reject(s): {f.reasons}" if f.rejects
            else "")
        lines.append(f"file {_shown(f.name)} [{(f.sha256 or 'not read')[:12]}]: {outcome}")
    return "\n".join(lines)


def _shown(name: str) -> str:
    """A file name on one line: control characters (a newline in a name) are escaped."""
    return json.dumps(name, ensure_ascii=False)[1:-1] if not name.isprintable() else name


def main(warehouse: Path, landing: Path | None, as_json: bool, list_files: bool) -> int:
    """`sitrep status`: 0 when a warehouse is published, 1 when there is none yet."""
    status = read_status(warehouse, landing)
    if as_json:
        data = status.as_dict()
        if list_files and status.exists:
            data["files"] = [asdict(f) for f in file_accounts(warehouse)]
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        files = file_accounts(warehouse) if list_files and status.exists else None
        print(render(status, files))
    return 0 if status.exists else 1
