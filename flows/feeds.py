"""Feeds and web pages as a source: new items fetched into the landing folder.

`fetch_sources` reads sources.toml (`flows.feeds_config`), fetches each RSS/Atom feed and
each single page (`flows.fetch`: paced per host, bounded, conditional GET), fetches the page
of every feed item not seen before, reads its article (`flows.feeds_landing`) and writes the
articles of each source as one JSON Lines file in the landing folder, which the ordinary
ingest step then reads like any other landing file.

Nothing a source does can fail the run: every failure (DNS, refused connection, timeout, HTTP
error after retries, bad XML, too large, no article text) becomes a `SimpleReject` with
reason `fetch_<kind>` and one sentence, returned for the ingest step to record. Only a broken
sources.toml (`SourcesError`) or a broken work database or landing folder raises.

What is remembered between runs (`flows.feeds_state`):
- a feed's ETag / Last-Modified are stored only once every item it listed was handled
  (landed, or failed in a way that would repeat); when an item failed for a passing reason
  or was left for the next run (`max_items`), the next run reads the whole feed again and
  retries just those items;
- an item is handled once: its canonical URL is recorded after its landing file is in place
  (or with the reject reason when its page is gone, too large or without text, so a dead link
  is rejected once, not on every run);
- a `[[page]]` is fetched on every run (conditionally) and landed again only when its text
  changed; a dead configured feed or page is rejected on every run until it is fixed.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import duckdb

from flows.feeds_config import Source, load_sources
from flows.feeds_landing import (
    Article,
    EntryInfo,
    NoText,
    build_article,
    entry_info,
    write_landing,
)
from flows.feeds_state import FeedState, SeenItem, UrlState, feed_state
from flows.fetch import (
    Clock,
    Fetcher,
    FetchError,
    Response,
    Sleep,
    Validators,
    canonical_url,
)
from flows.load import SimpleReject

log = logging.getLogger("sitrep.feeds")


@dataclass
class SourceStats:
    """What one feed or page gave this run (for logs and the `sitrep fetch` summary)."""

    kind: str  # feed or page
    name: str
    url: str
    outcome: str = "checked"  # new, not_modified, nothing_new, failed
    entries: int = 0  # items listed in the feed
    items_new: int = 0  # articles landed
    items_seen: int = 0  # items skipped: handled by an earlier run
    items_left: int = 0  # new items above max_items, left for the next run
    rejects: int = 0
    landing_file: str | None = None  # relative to the landing folder

    def line(self) -> str:
        what = f"{self.kind} {self.name!r}: {self.outcome}"
        if self.kind == "feed" and self.outcome not in ("not_modified", "failed"):
            what += (f", {self.entries} items listed, {self.items_seen} seen before, "
                     f"{self.items_new} new")
            if self.items_left:
                what += f", {self.items_left} left for the next run"
        elif self.items_new:
            what += f", {self.items_new} new"
        if self.rejects:
            what += f", {self.rejects} rejected"
        if self.landing_file:
            what += f" -> {self.landing_file}"
        return what


@dataclass
class FetchResult:
    """What a fetch did: files written to the landing folder, new items, rejects, per source."""

    files_written: list[Path] = field(default_factory=list)
    items_new: int = 0
    rejects: list[SimpleReject] = field(default_factory=list)
    sources: list[SourceStats] = field(default_factory=list)
    requests: int = 0

    def text(self) -> str:
        lines = [s.line() for s in self.sources]
        lines.append(f"fetched {self.items_new} new items into {len(self.files_written)} "
                     f"landing files ({self.requests} requests, {len(self.rejects)} rejects)")
        lines += [f"rejected {r.source_file}: {r.reason}: {r.detail}" for r in self.rejects]
        return "\n".join(lines)


def fetch_sources(config_path: Path, landing_dir: Path, work_db: str, run_id: str, *,
                  sleep: Sleep = time.sleep, clock: Clock = time.monotonic) -> FetchResult:
    """Fetch every feed and page of `config_path` into `landing_dir`; never raises for a source.

    Raises `feeds_config.SourcesError` (a ValueError) when the config itself is wrong.
    """
    config = load_sources(Path(config_path))
    fetcher = Fetcher(sleep=sleep, clock=clock)
    result = FetchResult()
    log.info("fetching %d feeds and %d pages from %s", len(config.feeds), len(config.pages),
             config.path)
    with feed_state(work_db, run_id) as state:
        for src in config.sources:
            run = _Run(src, fetcher, state, Path(landing_dir))
            run.guarded(run.feed if src.kind == "feed" else run.page)
            result.sources.append(run.stats)
            result.rejects.extend(run.rejects)
            result.items_new += run.stats.items_new
            if run.written is not None:
                result.files_written.append(run.written)
            log.info("%s", run.stats.line())
    result.requests = fetcher.requests
    log.info("fetched %d new items into %d files, %d rejects", result.items_new,
             len(result.files_written), len(result.rejects))
    return result


@dataclass(frozen=True)
class _Item:
    url: str  # canonical
    link: str  # as the feed gave it
    entry: EntryInfo


class _Run:
    """One source's fetch within a run."""

    def __init__(self, src: Source, fetcher: Fetcher, state: FeedState,
                 landing_dir: Path) -> None:
        self.src = src
        self.fetcher = fetcher
        self.state = state
        self.landing_dir = landing_dir
        self.stats = SourceStats(src.kind, src.name, src.url)
        self.rejects: list[SimpleReject] = []
        self.written: Path | None = None

    def guarded(self, body: Callable[[], None]) -> None:
        """Run the source; a bug in a parser becomes a reject, never a failed run."""
        try:
            body()
        except (duckdb.Error, OSError):
            raise  # the work database or the landing folder: not the source's fault
        except Exception as exc:
            log.exception("%s %s: unexpected error", self.src.kind, self.src.url)
            self.reject(self.src.url, "fetch_error",
                        f"{self.src.url} could not be processed ({type(exc).__name__}: "
                        f"{str(exc)[:200]})")
            self.stats.outcome = "failed"

    def reject(self, url: str, reason: str, detail: str) -> None:
        log.warning("rejected %s: %s: %s", url, reason, detail)
        self.rejects.append(SimpleReject(source_file=url, file_sha256=None, file_size=None,
                                         line=None, reason=reason, detail=detail))
        self.stats.rejects += 1

    def fetch_source(self, known: UrlState) -> Response | None:
        """The source's own URL, fetched conditionally; None (outcome noted) when it failed
        or has not changed since the validators in `known`."""
        try:
            response = self.fetcher.get(self.src.url, self.src.politeness, known.validators)
        except FetchError as exc:
            self.reject(self.src.url, exc.reason, exc.detail)
            self.stats.outcome = "failed"
            return None
        if response.not_modified:
            self.stats.outcome = "not_modified"
            return None
        return response

    # ------------------------------------------------------------------ feeds

    def feed(self) -> None:
        import feedparser

        src = self.src
        response = self.fetch_source(self.state.url_state(src.url))
        if response is None:
            return
        # A stream, not bytes: feedparser would try a bytes body as a local file name.
        parsed = feedparser.parse(io.BytesIO(response.body), response_headers={
            "content-location": response.final_url,
            "content-type": response.content_type or "application/xml"})
        items = _items(parsed, response.final_url)
        if not items and (parsed.bozo or not parsed.version):
            problem = parsed.get("bozo_exception") or "no RSS or Atom elements found"
            self.reject(src.url, "fetch_bad_feed",
                        f"{src.url} is not a readable RSS or Atom feed ({problem})")
            self.stats.outcome = "failed"
            return
        if parsed.bozo:
            log.info("%s: feed read despite a problem: %s", src.url,
                     parsed.get("bozo_exception"))
        self.stats.entries = len(items)
        seen = self.state.seen([i.url for i in items])
        new = [i for i in items if i.url not in seen]
        self.stats.items_seen = len(items) - len(new)
        todo = new[:src.max_items]
        self.stats.items_left = len(new) - len(todo)
        complete = not self.stats.items_left
        landed: list[tuple[str, Article]] = []  # (the item's URL, its article)
        handled: list[SeenItem] = []
        for item in todo:
            outcome = self.item(item, {a.url for _, a in landed})
            if isinstance(outcome, Article):
                landed.append((item.url, outcome))
            elif outcome is not None:
                handled.append(outcome)
            else:
                complete = False
        self.land(landed, handled, response.validators if complete else None, None)
        self.stats.outcome = "new" if landed else "nothing_new"

    def item(self, item: _Item, landing: set[str]) -> Article | SeenItem | None:
        """An item's article; a SeenItem when there is nothing to land; None to retry later.

        `landing` holds the URLs of the articles this feed lands in this run: an item that
        redirects to one of them, or to a page handled before, is not landed twice.
        """
        src = self.src
        try:
            response = self.fetcher.get(item.link, src.politeness)
        except FetchError as exc:
            self.reject(item.url, exc.reason, exc.detail)
            return SeenItem(item.url, src.source, exc.reason) if exc.permanent else None
        final = canonical_url(response.final_url)
        if final != item.url and (final in landing or self.state.seen([final])):
            self.stats.items_seen += 1
            return SeenItem(item.url, src.source, "duplicate")
        try:
            return build_article(response, final, src.source, src.language, item.entry)
        except NoText as exc:
            self.reject(item.url, "fetch_no_text", str(exc))
            return SeenItem(item.url, src.source, "fetch_no_text")

    # ------------------------------------------------------------------ pages

    def page(self) -> None:
        src = self.src
        known = self.state.url_state(src.url)
        response = self.fetch_source(known)
        if response is None:
            return
        try:
            article = build_article(response, canonical_url(response.final_url), src.source,
                                    src.language, None)
        except NoText as exc:
            self.reject(src.url, "fetch_no_text", str(exc))
            self.stats.outcome = "failed"
            return
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if digest == known.content_sha256:
            self.state.record([], src.url, response.validators, digest)
            self.stats.outcome = "nothing_new"
            return
        self.land([(article.url, article)], [], response.validators, digest)
        self.stats.outcome = "new"

    # ------------------------------------------------------------------ landing

    def land(self, landed: list[tuple[str, Article]], handled: list[SeenItem],
             validators: Validators | None, content_sha256: str | None) -> None:
        """Write the landing file, then record the items (and the source's state) as handled.

        Each landed item is recorded under the URL it was listed with and, when it
        redirected, under the URL its article came from.
        """
        done = list(handled)
        if landed:
            articles = [a for _, a in landed]
            outlet = self.src.source or articles[0].source or self.src.host
            path = write_landing(self.landing_dir, outlet, articles)
            self.written = path
            relative = path.relative_to(self.landing_dir).as_posix()
            self.stats.landing_file = relative
            self.stats.items_new = len(articles)
            for key, article in landed:
                done += [SeenItem(url, article.source, "landed", relative)
                         for url in dict.fromkeys((key, article.url))]
        self.state.record(done, self.src.url if validators is not None else None,
                          validators, content_sha256)


def _items(parsed: Any, base: str) -> list[_Item]:
    """Feed entries with a link, once each (by canonical URL), in feed order."""
    items: list[_Item] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = entry.get("link")
        if not isinstance(link, str) or not link.strip():
            log.warning("%s: an entry without a link was skipped (%s)", base,
                     entry.get("title") or entry.get("id") or "no title")
            continue
        absolute = urljoin(base, link.strip())
        url = canonical_url(absolute)
        if url in seen:
            continue
        seen.add(url)
        items.append(_Item(url, absolute, entry_info(entry, parsed.feed)))
    return items
