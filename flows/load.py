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
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import duckdb
import pyarrow as pa

from flows.faults import checkpoint
from flows.pool import process_pool
from flows.warehouse import SQL_DIR, content_key, read_sql, run_sql_file, work_connection

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
    def sha256(self) -> str | None: ...  # set once the file was read


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
    extracted: int = 0  # articles extracted while they were read (see `ingest_files`)
    facts: dict[str, int] = field(default_factory=dict)  # staged rows, by table


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
    ("file_size", pa.int64()), ("file_mtime_ns", pa.int64()), ("n_articles", pa.int32()),
    ("n_rejects", pa.int32()),
])


def known_file_hashes(work_db: Path | str) -> set[str]:
    """File hashes already in the ledger."""
    return {sha for sha, _ in known_files(work_db)}


def known_files(work_db: Path | str) -> set[tuple[str, str]]:
    """(file hash, file name) pairs already in the ledger: those files are not read again."""
    with work_connection(work_db) as con:
        rows = con.execute("select file_sha256, file_name from raw.landing_file").fetchall()
    return {(str(sha), str(name)) for sha, name in rows}


def last_run_files_new(work_db: Path | str) -> int:
    """New landing files the last finished run read (0 before any)."""
    query = read_sql("queries/last_run_files_new.sql")
    with work_connection(work_db) as con:
        rows = con.execute(query).fetchall()
    return int(rows[0][0]) if rows else 0


def known_stats(work_db: Path | str) -> dict[str, tuple[int, int, str]]:
    """File name -> (size, mtime_ns, hash) recorded for it, so discovery need not re-hash."""
    with work_connection(work_db) as con:
        rows = con.execute(
            "select file_name, file_size, file_mtime_ns, file_sha256 from raw.landing_file "
            "where file_mtime_ns is not null "
            "qualify row_number() over (partition by file_name order by loaded_at desc) = 1"
        ).fetchall()
    return {str(name): (int(size), int(mtime), str(sha)) for name, size, mtime, sha in rows}


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
    n_articles: Counter[str | None] = Counter(a.file_sha256 for a in articles)
    n_rejects: Counter[str | None] = Counter(r.file_sha256 for r in rejects)
    return pa.Table.from_pylist([
        {"file_sha256": f.sha256, "file_name": f.name, "file_path": str(f.path),
         "file_size": f.size, "file_mtime_ns": getattr(f, "mtime_ns", None),
         "n_articles": n_articles[f.sha256],
         "n_rejects": n_rejects[f.sha256]}
        for f in files
    ], schema=_FILES)


def load_raw(work_db: Path | str, files: Sequence[LandingFileLike],
             articles: Sequence[RawArticleLike], rejects: Sequence[RejectLike],
             run_id: str, now: datetime | None = None) -> IngestStats:
    """Record files, new articles and rejects in one transaction; return what was new."""
    with work_connection(work_db) as con:
        before = _counts(con)
        _load_chunk(con, files, articles, rejects, run_id, now or datetime.now())
        after = _counts(con)
        return _stats(con, run_id, len(files), len(articles), before, after)


_RAW_FILES = ("010_landing_file.sql", "020_duplicate_article.sql", "030_article.sql",
              "040_reject.sql")


def chunk_tables(files: Sequence[LandingFileLike], articles: Sequence[RawArticleLike],
                 rejects: Sequence[RejectLike]) -> dict[str, pa.Table]:
    """A chunk's files, articles and rejects as the Arrow frames sql/load/0*.sql read."""
    return {"incoming_files": files_table(files, articles, rejects),
            "incoming_articles": articles_table(articles),
            "incoming_rejects": rejects_table(rejects)}


def _load_chunk(con: duckdb.DuckDBPyConnection, files: Sequence[LandingFileLike],
                articles: Sequence[RawArticleLike], rejects: Sequence[RejectLike],
                run_id: str, now: datetime) -> None:
    """One chunk of landing files, their articles and rejects: all of it or none of it."""
    _apply(con, chunk_tables(files, articles, rejects), _RAW_FILES,
           {"run_id": run_id, "now": now})


def _apply(con: duckdb.DuckDBPyConnection, frames: dict[str, pa.Table],
           files: Sequence[str], params: dict[str, object] | None = None) -> None:
    """Register `frames` under their names and run `files` of sql/load/ in one transaction."""
    for name, table in frames.items():
        con.register(name, table)
    try:
        con.execute("begin transaction")
        try:
            for name in files:
                run_sql_file(con, LOAD_SQL / name, params)
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
    finally:
        for name in frames:
            con.unregister(name)


def _stats(con: duckdb.DuckDBPyConnection, run_id: str, files: int, articles: int,
           before: tuple[int, int], after: tuple[int, int]) -> IngestStats:
    by_reason = dict(con.execute(
        "select reason, count(*) from raw.reject where run_id = $run_id "
        "group by reason order by reason", {"run_id": run_id}).fetchall())
    return IngestStats(
        files_seen=files, files_new=after[0] - before[0],
        articles_read=articles, articles_new=after[1] - before[1],
        duplicates=int(by_reason.get("duplicate", 0)),
        rejected={str(k): int(v) for k, v in by_reason.items()},
    )


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    rows = con.execute(
        "select (select count(*) from raw.landing_file), (select count(*) from raw.article)"
    ).fetchall()
    return int(rows[0][0]), int(rows[0][1])


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
    from flows.ingest import changing_files, discover_changed

    checkpoint("ingest")
    # files the ledger holds with the same size and mtime are counted, not listed
    files, rejects, unchanged = discover_changed(Path(landing_dir), max_file_bytes,
                                                 known_stats(work_db), hash_new=False)
    known = known_files(work_db)
    new_files = [f for f in files if (f.sha256, f.name) not in known]
    moving = changing_files(new_files)
    if moving:
        log.info("still being written, left for the next run: %s", ", ".join(sorted(moving)))
    new_files = [f for f in new_files if f.name not in moving]
    return new_files, rejects, len(files) + unchanged


# Landing files are read and loaded in chunks, so memory holds one chunk (per process) at a
# time however big the landing is. Each chunk is one transaction: a run killed between chunks
# leaves whole chunks in the ledger and the next run reads the rest.
CHUNK_FILES = 500
CHUNK_BYTES = 32 * 1024 * 1024


def chunk_files(files: Sequence[LandingFile], max_files: int = CHUNK_FILES,
                max_bytes: int = CHUNK_BYTES) -> list[list[LandingFile]]:
    """Files in landing order, cut into chunks of at most `max_files` files / `max_bytes`."""
    chunks: list[list[LandingFile]] = []
    current: list[LandingFile] = []
    size = 0
    for f in files:
        if current and (len(current) >= max_files or size + f.size > max_bytes):
            chunks.append(current)
            current, size = [], 0
        current.append(f)
        size += f.size
    if current:
        chunks.append(current)
    return chunks


@dataclass
class ReadChunk:
    """What reading one chunk of landing files gave (picklable: it crosses processes)."""

    settled: list[LandingFile]
    articles: list[RawArticleLike]
    rejects: list[RejectLike]
    deferred: list[str]  # names of files that changed while they were read
    staged: dict[str, pa.Table] | None = None  # staging rows, when extracted on the way
    # the raw frames (chunk_tables), built where the chunk was read; `articles` is then
    # emptied so that the texts cross between processes once, as Arrow buffers
    tables: dict[str, pa.Table] | None = None
    n_articles: int = 0


def read_chunk(files: Sequence[LandingFile], max_file_bytes: int,
               extract_run_id: str | None = None) -> ReadChunk:
    """Read a chunk of landing files (in a worker process when there are several chunks).

    With `extract_run_id`, the chunk's articles are also extracted while their text is at
    hand, so a big landing is read once and the cores work while the main process loads.
    An article the extractor fails on is simply left for the extract step, which retries it
    and records the failure.
    """
    from flows.ingest import read_settled_file

    out = ReadChunk([], [], [], [])
    for f in files:
        outcome = read_settled_file(f, max_file_bytes)
        if outcome is None:
            out.deferred.append(f.name)
            continue
        if outcome[2] is None:  # not readable: a reject now, tried again next run
            out.rejects.extend(outcome[1])
            continue
        out.settled.append(replace(f, sha256=outcome[2]))
        out.articles.extend(outcome[0])
        out.rejects.extend(outcome[1])
    if extract_run_id is not None:
        from flows.staging import extract_texts

        first = {a.content_sha256: a for a in reversed(out.articles)}  # one per text
        out.staged, _ = extract_texts(
            ((content_key(a.content_sha256), a.content_sha256, a.text, a.title, a.language,
              a.published_at, a.article_id) for a in first.values()), extract_run_id)
    out.tables = chunk_tables(out.settled, out.articles, out.rejects)
    out.n_articles, out.articles = len(out.articles), []
    return out


def _read_chunks(chunks: Sequence[Sequence[LandingFile]], max_file_bytes: int,
                 workers: int, extract_run_id: str | None) -> Iterator[ReadChunk]:
    """Chunks read in order, on `workers` processes, with at most a few chunks in flight."""
    if workers <= 1 or len(chunks) <= 1 or os.environ.get("SITREP_FAULT"):
        for chunk in chunks:
            yield read_chunk(chunk, max_file_bytes, extract_run_id)
        return
    with process_pool(min(workers, len(chunks))) as pool:
        pending: deque[Future[ReadChunk]] = deque()
        queued = iter(chunks)
        for chunk in islice(queued, workers + 1):
            pending.append(pool.submit(read_chunk, list(chunk), max_file_bytes,
                                       extract_run_id))
        while pending:
            result = pending.popleft().result()
            following = next(queued, None)
            if following is not None:
                pending.append(pool.submit(read_chunk, list(following), max_file_bytes,
                                           extract_run_id))
            yield result


def ingest_files(work_db: Path | str, files: Sequence[LandingFile],
                 discovery_rejects: Sequence[RejectLike], max_file_bytes: int,
                 run_id: str, workers: int = 1,
                 progress: Callable[[int, int], None] | None = None,
                 extractor_version: str | None = None) -> IngestStats:
    """Read new landing files and load their articles and rejects into raw, chunk by chunk.

    A file that changed since discovery is not recorded at all: the next run reads it whole.
    `progress(files_done, files_total)` is called after each chunk. With `extractor_version`
    (the current one) the workers also extract each chunk's articles and their staging rows
    are loaded with them, in the chunk's one transaction, for articles that extractor has not
    read yet; the extract step then finds only what is left (failures, articles ingested
    earlier).
    """
    chunks = chunk_files(files)
    now = datetime.now()
    read = deferred = done = extracted = 0
    facts: dict[str, int] = {}
    extract_run_id = run_id if extractor_version is not None else None
    with work_connection(work_db) as con:
        before = _counts(con)
        if discovery_rejects:
            _load_chunk(con, [], [], discovery_rejects, run_id, now)
        for chunk, result in zip(chunks, _read_chunks(chunks, max_file_bytes, workers,
                                                      extract_run_id), strict=True):
            for name in result.deferred:
                log.info("%s changed while it was read; left for the next run", name)
            frames = dict(result.tables or chunk_tables(result.settled, result.articles,
                                                         result.rejects))
            sql = list(_RAW_FILES)
            if result.staged is not None and extractor_version is not None:
                staged = _not_yet_extracted(con, result.staged, extractor_version)
                frames.update({f"batch_{name}": table for name, table in staged.items()})
                sql.append("110_staging_replace.sql")
                extracted += staged["article_extraction"].num_rows
                for name, table in staged.items():
                    facts[name] = facts.get(name, 0) + table.num_rows
            # the chunk's raw rows and its staged facts: one transaction
            _apply(con, frames, sql, {"run_id": run_id, "now": now})
            read += result.n_articles if result.tables is not None else len(result.articles)
            deferred += len(result.deferred)
            done += len(chunk)
            if progress:
                progress(done, len(files))
        stats = _stats(con, run_id, len(files), read, before, _counts(con))
    stats.deferred, stats.extracted, stats.facts = deferred, extracted, facts
    return stats


def _not_yet_extracted(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table],
                       extractor_version: str) -> dict[str, pa.Table]:
    """The staging rows of articles the current extractor has not read before (a text seen
    in an earlier run keeps its staged facts and the checks already made on them)."""
    import pyarrow.compute as pc

    keys = tables["article_extraction"].column("article_key")
    con.register("chunk_keys", pa.table({"article_key": keys}))
    try:
        rows = con.execute(read_sql("load/106_already_extracted.sql"),
                           {"extractor_version": extractor_version}).fetchall()
    finally:
        con.unregister("chunk_keys")
    if not rows:
        return tables
    done = pa.array([r[0] for r in rows], pa.int64())
    return {name: t.filter(pc.invert(pc.is_in(t.column("article_key"), value_set=done)))
            for name, t in tables.items()}


def _stage(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    """One chunk's staging rows, in one transaction (sql/load/110_staging_replace.sql)."""
    _apply(con, {f"batch_{name}": table for name, table in tables.items()},
           ("110_staging_replace.sql",))


def articles_to_extract(work_db: Path | str, extractor_version: str) -> list[int]:
    """Keys of raw articles with no extraction by the current extractor version."""
    with work_connection(work_db) as con:
        query = (LOAD_SQL / "100_articles_to_extract.sql").read_text(encoding="utf-8")
        rows = con.execute(query, {"extractor_version": extractor_version}).fetchall()
    return [int(r[0]) for r in rows]


def load_staging(work_db: Path | str, batches: dict[str, pa.Table]) -> dict[str, int]:
    """Replace the staged facts of the batch's articles with its rows; return rows by table."""
    return load_staging_batches(work_db, [batches])


def load_staging_batches(work_db: Path | str,
                         batches: Iterable[dict[str, pa.Table]]) -> dict[str, int]:
    """Load extracted batches one transaction each, over one connection; rows by table.

    One connection for the whole stage: opening and checkpointing the work database per
    batch cost more than the inserts themselves on big backfills.
    """
    checkpoint("load")
    totals: dict[str, int] = {}
    with work_connection(work_db) as con:
        for tables in batches:
            _stage(con, tables)
            for name, table in tables.items():
                totals[name] = totals.get(name, 0) + table.num_rows
    return totals
