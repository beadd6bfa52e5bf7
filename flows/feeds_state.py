"""What the feed fetcher remembers between runs, in the work database (schema `feeds`).

- `feeds.url_state`: per feed or page URL, the ETag / Last-Modified its server sent (for a
  conditional GET next time) and, for pages, the hash of the text last landed;
- `feeds.seen_item`: every item URL handled (canonical form), when it was first seen and the
  landing file it went to, so an item is fetched once.

Tables are created by `sql/feeds/*.sql` (`create table if not exists`); the statements used
here are in `sql/feeds/queries/`, values bound as parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from flows.fetch import Validators
from flows.warehouse import SQL_DIR, run_layer, run_sql_file, work_connection

QUERIES = SQL_DIR / "feeds" / "queries"


@dataclass(frozen=True)
class SeenItem:
    """An item handled this run: landed (with its landing file) or failed for good."""

    url: str
    source: str | None
    outcome: str  # "landed" or a reject reason
    landing_file: str | None = None


@dataclass(frozen=True)
class UrlState:
    validators: Validators
    content_sha256: str | None = None


class FeedState:
    """Reads and writes of the `feeds` schema over one open work-database connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str) -> None:
        self._con = con
        self._run_id = run_id

    def url_state(self, url: str) -> UrlState:
        row = self._con.execute(_query("url_state_get.sql"), {"url": url}).fetchone()
        if row is None:
            return UrlState(Validators())
        return UrlState(Validators(row[0], row[1]), row[2])

    def seen(self, urls: Sequence[str]) -> set[str]:
        if not urls:
            return set()
        rows = self._con.execute(_query("seen_items.sql"), {"urls": list(urls)}).fetchall()
        return {str(r[0]) for r in rows}

    def record(self, items: Sequence[SeenItem], url: str | None = None,
               validators: Validators | None = None, content_sha256: str | None = None) -> None:
        """Record handled items and, when given, a source URL's state, in one transaction.

        Called only after the landing file the items went to is in place, so a crash in
        between leaves an item unrecorded (fetched again) rather than recorded but lost.
        """
        now = datetime.now()
        con = self._con
        con.execute("begin transaction")
        try:
            for item in items:
                run_sql_file(con, QUERIES / "seen_item_put.sql", {
                    "url": item.url, "source": item.source, "outcome": item.outcome,
                    "landing_file": item.landing_file, "now": now, "run_id": self._run_id})
            if url is not None and validators is not None:
                run_sql_file(con, QUERIES / "url_state_put.sql", {
                    "url": url, "etag": validators.etag,
                    "last_modified": validators.last_modified,
                    "content_sha256": content_sha256, "now": now, "run_id": self._run_id})
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")


@contextmanager
def feed_state(work_db: Path | str, run_id: str) -> Iterator[FeedState]:
    """The fetcher's state in the work database, its tables created when missing."""
    with work_connection(work_db) as con:
        run_layer(con, "feeds")
        yield FeedState(con, run_id)


def _query(name: str) -> str:
    return (QUERIES / name).read_text(encoding="utf-8")
