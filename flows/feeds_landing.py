"""Fetched pages become landing articles: text and metadata read, JSON Lines written whole.

The article body and metadata come from the page through the same reader as a saved `.html`
landing file (`ingest_formats.read_html`: trafilatura on the fetched bytes, page furniture
pruned), so a fetched page and a saved copy of it give the same text. Metadata falls back to
the feed entry, then to the source's settings:

- title: the page's, else the feed entry's;
- published_at: the page's (`article:published_time`, `datePublished`, trafilatura's date),
  else the entry's `published` / `updated`; a date in the future is dropped;
- source: `source` of sources.toml, else the page's site name, else the feed's title, else
  the host name;
- language: the page's `<html lang>`, else `language` of sources.toml, else the feed's.

When a feed item's page yields no article text (a video page, a script-only shell), the
feed entry's own `content` or `summary` is used instead if it holds at least
`FALLBACK_MIN_WORDS` words, and the record says so (`text_from: "feed_entry"`); otherwise
the item is a `fetch_no_text` reject. A `[[page]]` has no entry to fall back on.

Landing files are written as `<landing>/feeds/<YYYY-MM-DD>/<source-slug>-<UTC time>.jsonl`
through a hidden temporary file and `os.replace`, so ingest never sees half a file.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml.etree import LxmlError

from flows.fetch import Response
from flows.ingest_formats import MetadataError, parse_language, parse_published_at, read_html

FALLBACK_MIN_WORDS = 25
FEEDS_FOLDER = "feeds"
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml", "text/xml",
                        "application/xml", "text/plain"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
                           re.IGNORECASE)
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


@dataclass(frozen=True)
class Article:
    """One JSON Lines record of the landing contract (plus where its text came from)."""

    id: str
    text: str
    title: str | None
    url: str
    source: str | None
    published_at: str | None  # ISO 8601
    language: str | None
    text_from: str  # "page" or "feed_entry"

    def json_line(self) -> str:
        record = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(record, ensure_ascii=False)


@dataclass(frozen=True)
class EntryInfo:
    """What a feed says about an item, used where the page says nothing."""

    title: str | None = None
    published_at: str | None = None
    text: str = ""  # the entry's content or summary as plain text
    feed_title: str | None = None
    feed_language: str | None = None


class NoText(Exception):
    """The page holds no article text (and there is no usable feed entry text)."""


def build_article(response: Response, url: str, configured_source: str | None,
                  configured_language: str | None, entry: EntryInfo | None) -> Article:
    """The landing record for a fetched page; raises NoText with a readable sentence."""
    text, page = "", None
    if response.content_type in HTML_TYPES:
        try:
            page = read_html(decode_html(response.body, response.charset))
        except (ValueError, TypeError, LookupError, RecursionError, LxmlError) as exc:
            raise NoText(f"{url}: the page could not be parsed as HTML "
                         f"({type(exc).__name__})") from None
        text = page.text.strip()
    text_from = "page"
    if not text and entry is not None and len(entry.text.split()) >= FALLBACK_MIN_WORDS:
        text, text_from = entry.text, "feed_entry"
    if not text:
        why = ("no article text was found in the page" if page is not None
               else f"the page is {response.content_type}, not HTML")
        short = (f"; the feed entry has only {len(entry.text.split())} words"
                 if entry is not None else "")
        raise NoText(f"{url}: {why}{short}")
    published = None
    if page is not None and page.page_published_at is not None:
        published = page.page_published_at.isoformat()
    host = re.sub(r"^www\.", "", urlsplit(url).hostname or "") or None
    return Article(
        id=url,
        text=text,
        title=(page.title if page else None) or (entry.title if entry else None),
        url=url,
        source=(configured_source or (page.source if page else None)
                or (entry.feed_title if entry else None) or host),
        published_at=published or (entry.published_at if entry else None),
        language=((page.page_language if page else None) or configured_language
                  or (entry.feed_language if entry else None)),
        text_from=text_from,
    )


def entry_info(entry: Any, feed: Any) -> EntryInfo:
    """Title, date, text and feed-level metadata of a feedparser entry."""
    contents = [c.get("value", "") for c in entry.get("content", []) or []]
    bodies = [*contents, entry.get("summary", "") or ""]
    text = max((html_to_text(b) for b in bodies if b), key=lambda t: len(t.split()),
               default="")
    return EntryInfo(
        title=_clean(entry.get("title")),
        published_at=entry_date(entry.get("published") or entry.get("updated")),
        text=text,
        feed_title=_clean(feed.get("title")),
        feed_language=_language(feed.get("language")),
    )


def entry_date(value: object) -> str | None:
    """An RFC 822 or ISO 8601 feed date as ISO 8601 with its offset; None when unusable."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
    iso = parsed.isoformat()
    try:
        parse_published_at(iso)  # the ingest rule: valid and not in the future
    except MetadataError:
        return None
    return iso


def html_to_text(markup: str) -> str:
    """Plain text of a feed's HTML snippet, one paragraph per line."""
    from lxml import html as lxml_html
    from lxml.etree import ParserError

    if "<" not in markup:
        return " ".join(markup.split())
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return ""
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def decode_html(body: bytes, charset: str | None) -> str:
    """The page's text: byte-order mark, HTTP charset, `<meta charset>`, UTF-8, cp1252."""
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    declared = _META_CHARSET.search(body[:4096])
    candidates = [charset, declared.group(1).decode("ascii") if declared else None, "utf-8"]
    for encoding in candidates:
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


def write_landing(landing_dir: Path, source: str, articles: Sequence[Article],
                  now: datetime | None = None) -> Path:
    """Write one JSON Lines file atomically; returns its path."""
    when = now or datetime.now(UTC)
    folder = landing_dir / FEEDS_FOLDER / f"{when:%Y-%m-%d}"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{slug(source)}-{when:%Y%m%dT%H%M%SZ}"
    path = folder / f"{stem}.jsonl"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.jsonl"
    tmp = folder / f".{path.name}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        for article in articles:
            fh.write(article.json_line() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def slug(text: str) -> str:
    """A file-name-safe form of an outlet name: `Kyiv Wire Service` -> `kyiv-wire-service`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:60].rstrip("-") or "source"


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())
    return cleaned[:1000] or None


def _language(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_language(value)
    except MetadataError:
        return None
