"""Load landing files into the raw layer and extraction batches into the staging layer.

Bulk loads go through Arrow tables registered on the connection and one
`insert ... select` per table (SQL in `sql/load/`); values are never formatted into SQL.
Landing files are processed once (a ledger of file hash and name) and articles are
deduplicated by content hash, so a rerun over the same folder loads nothing new. A known file
under a new name is read once more, so that name is accounted for too (its articles become
`duplicate` rejects). A file still being written is left for the next run: it gets neither a
ledger row nor a reject until its bytes hold still.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import duckdb
import pyarrow as pa

from flows.faults import checkpoint
from flows.warehouse import SQL_DIR, content_key, run_sql_file, work_connection

if TYPE_CHECKING:
    from flows.ingest import LandingFile, Reject

LOAD_SQL = SQL_DIR / "load"

log = logging.getLogger("sitrep.load")


class LandingFileLike(Protocol):
    """What loading needs of a landing file (flows.ingest.LandingFile has it)."""

    @property
    def path(self) -> Path: ...
    @property
    def name(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha256(self) -> str: ...


class RawArticleLike(Protocol):
    """What loading needs of an article (flows.ingest.RawArticle has it)."""

    @property
    def article_id(self) -> str: ...
    @property
    def content_sha256(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def language(self) -> str | None: ...
    @property
    def source_file(self) -> str: ...
    @property
    def file_sha256(self) -> str: ...


class RejectLike(Protocol):
    """What loading needs of a reject (flows.ingest.Reject has it)."""

    @property
    def source_file(self) -> str: ...
    @property
    def file_sha256(self) -> str | None: ...
    @property
    def file_size(self) -> int | None: ...
    @property
    def line(self) -> int | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def detail(self) -> str | None: ...


@dataclass
class IngestStats:
    """What one run's ingest did; plain values so it can cross task boundaries."""

    files_seen: int = 0
    files_new: int = 0
    articles_read: int = 0
    articles_new: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    deferred: int = 0  # files still being written, left for the next run


_ARTICLES = pa.schema([
    ("seq", pa.int64()), ("article_key", pa.int64()), ("content_sha256", pa.string()),
    ("article_id", pa.string()), ("title", pa.string()), ("url", pa.string()),
    ("source", pa.string()), ("published_at", pa.timestamp("us")),
    ("language", pa.string()), ("text", pa.string()), ("word_count", pa.int32()),
    ("source_file", pa.string()), ("file_sha256", pa.string()),
])
_REJECTS = pa.schema([
    ("source_file", pa.string()), ("file_sha256", pa.string()), ("file_size", pa.int64()),
    ("line", pa.int32()), ("reason", pa.string()), ("detail", pa.string()),
])
_FILES = pa.schema([
    ("file_sha256", pa.string()), ("file_name", pa.string()), ("file_path", pa.string()),
    ("file_size", pa.int64()), ("n_articles", pa.int32()), ("n_rejects", pa.int32()),
])


def known_file_hashes(work_db: Path | str) -> set[str]:
    """File hashes already in the ledger."""
    return {sha for sha, _ in known_files(work_db)}


def known_files(work_db: Path | str) -> set[tuple[str, str]]:
    """(file hash, file name) pairs already in the ledger: those files are not read again."""
    with work_connection(work_db) as con:
        rows = con.execute("select file_sha256, file_name from raw.landing_file").fetchall()
    return {(str(sha), str(name)) for sha, name in rows}


def articles_table(articles: Sequence[RawArticleLike]) -> pa.Table:
    return pa.Table.from_pylist([
        {"seq": i, "article_key": content_key(a.content_sha256),
         "content_sha256": a.content_sha256, "article_id": a.article_id, "title": a.title,
         "url": a.url, "source": a.source, "published_at": a.published_at,
         "language": a.language, "text": a.text, "word_count": len(a.text.split()),
         "source_file": a.source_file, "file_sha256": a.file_sha256}
        for i, a in enumerate(articles)
    ], schema=_ARTICLES)


def rejects_table(rejects: Sequence[RejectLike]) -> pa.Table:
    return pa.Table.from_pylist([
        {"source_file": r.source_file, "file_sha256": r.file_sha256,
         "file_size": r.file_size, "line": r.line, "reason": r.reason, "detail": r.detail}
        for r in rejects
    ], schema=_REJECTS)


def files_table(files: Sequence[LandingFileLike], articles: Sequence[RawArticleLike],
                rejects: Sequence[RejectLike]) -> pa.Table:
    n_articles = Counter(a.file_sha256 for a in articles)
    n_rejects = Counter(r.file_sha256 for r in rejects)
    return pa.Table.from_pylist([
        {"file_sha256": f.sha256, "file_name": f.name, "file_path": str(f.path),
         "file_size": f.size, "n_articles": n_articles[f.sha256],
         "n_rejects": n_rejects[f.sha256]}
        for f in files
    ], schema=_FILES)


def load_raw(work_db: Path | str, files: Sequence[LandingFileLike],
             articles: Sequence[RawArticleLike], rejects: Sequence[RejectLike],
             run_id: str, now: datetime | None = None) -> IngestStats:
    """Record files, new articles and rejects in one transaction; return what was new."""
    params = {"run_id": run_id, "now": now or datetime.now()}
    with work_connection(work_db) as con:
        con.register("incoming_files", files_table(files, articles, rejects))
        con.register("incoming_articles", articles_table(articles))
        con.register("incoming_rejects", rejects_table(rejects))
        before = _counts(con)
        con.execute("begin transaction")
        try:
            for name in ("010_landing_file.sql", "020_duplicate_article.sql",
                         "030_article.sql", "040_reject.sql"):
                run_sql_file(con, LOAD_SQL / name, params)
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
        after = _counts(con)
        by_reason = dict(con.execute(
            "select reason, count(*) from raw.reject where run_id = $run_id "
            "group by reason order by reason", {"run_id": run_id}).fetchall())
    return IngestStats(
        files_seen=len(files), files_new=after[0] - before[0],
        articles_read=len(articles), articles_new=after[1] - before[1],
        duplicates=int(by_reason.get("duplicate", 0)),
        rejected={str(k): int(v) for k, v in by_reason.items()},
    )


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    row = con.execute(
        "select (select count(*) from raw.landing_file), (select count(*) from raw.article)"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class SimpleReject:
    """A reject raised by the pipeline itself (e.g. an article the extractor failed on)."""

    source_file: str
    file_sha256: str | None
    file_size: int | None
    line: int | None
    reason: str
    detail: str | None


def discover_new(landing_dir: Path | str, work_db: Path | str, max_file_bytes: int,
                 ) -> tuple[list[LandingFile], list[Reject], int]:
    """Landing files not yet in the ledger, discovery rejects, and how many files were seen.

    Recently modified files whose size or mtime still moves are left out (next run).
    """
    from flows.ingest import changing_files, discover

    checkpoint("ingest")
    files, rejects = discover(Path(landing_dir), max_file_bytes)
    known = known_files(work_db)
    new_files = [f for f in files if (f.sha256, f.name) not in known]
    moving = changing_files(new_files)
    if moving:
        log.info("still being written, left for the next run: %s", ", ".join(sorted(moving)))
    new_files = [f for f in new_files if f.name not in moving]
    return new_files, rejects, len(files)


def ingest_files(work_db: Path | str, files: Sequence[LandingFile],
                 discovery_rejects: Sequence[RejectLike], max_file_bytes: int,
                 run_id: str) -> IngestStats:
    """Read new landing files and load their articles and rejects into raw.

    A file that changed since discovery is not recorded at all: the next run reads it whole.
    """
    from flows.ingest import read_settled

    articles: list[RawArticleLike] = []
    rejects: list[RejectLike] = list(discovery_rejects)
    settled: list[LandingFile] = []
    for f in files:
        outcome = read_settled(f, max_file_bytes)
        if outcome is None:
            log.info("%s changed while it was read; left for the next run", f.name)
            continue
        settled.append(f)
        articles.extend(outcome[0])
        rejects.extend(outcome[1])
    stats = load_raw(work_db, settled, articles, rejects, run_id)
    stats.deferred = len(files) - len(settled)
    return stats


def articles_to_extract(work_db: Path | str, extractor_version: str) -> list[int]:
    """Keys of raw articles with no extraction by the current extractor version."""
    with work_connection(work_db) as con:
        query = (LOAD_SQL / "100_articles_to_extract.sql").read_text(encoding="utf-8")
        rows = con.execute(query, {"extractor_version": extractor_version}).fetchall()
    return [int(r[0]) for r in rows]


def load_staging(work_db: Path | str, batches: dict[str, pa.Table]) -> dict[str, int]:
    """Replace the staged facts of the batch's articles with its rows; return rows by table."""
    checkpoint("load")
    with work_connection(work_db) as con:
        for name, table in batches.items():
            con.register(f"batch_{name}", table)
        con.execute("begin transaction")
        try:
            run_sql_file(con, LOAD_SQL / "110_staging_replace.sql")
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
    return {name: t.num_rows for name, t in batches.items()}
