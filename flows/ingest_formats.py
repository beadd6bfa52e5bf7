"""Format helpers for the ingest stage: front matter, HTML pages, metadata values, datelines.

Nothing here touches the file system or knows about rejects; each helper either returns a
value or raises `MetadataError` with a sentence that `flows.ingest` turns into a reject.

Publication dates (`published_at`) follow one rule set everywhere:

- Declared metadata (front matter, a JSON Lines field, `<meta name="published_at">`) must be
  ISO 8601: a date (`2024-01-07`) or a datetime (`2024-01-07T10:15`, `2024-01-07 10:15`,
  optionally with `Z` or an offset). The offset is dropped and the local time kept; a date alone
  becomes midnight. Unparseable, impossible (`2024-02-30`) or future values (more than one day
  after now) make the article a reject: a wrong declared date would silently shift every
  relative date read from the text.
- Standard page tags of an HTML file (`article:published_time`, `datePublished`, ...) are
  best effort: the first one that is valid ISO and not in the future is used, else the date
  trafilatura finds in the page's markup.
- With no date in the metadata, the first five non-blank lines of the text are searched
  (`text_published_at`). A "Published"/"Posted" date wins; else the latest "Updated"/"Modified"
  date; else the first other explicit date within the first 80 characters of a line (a
  dateline such as "KYIV, January 7, 2024 -"). Only isolated date pieces are handed to
  python-dateutil, never whole sentences; dates without a year ("Jan 7") are not used, and
  impossible or future candidates are skipped rather than rejected: they are a reading of the
  text, not a declaration.

Titles, URLs and sources have length limits (`MAX_META_CHARS`): a 100 KB "title" is a broken
export, not a headline, and declaring one makes the article a reject; a page's own overlong
`<title>` is ignored instead.

Languages are ISO 639-1 codes taken from tags such as `en`, `EN`, `en-GB`; anything else in
declared metadata is a reject. A page's `<html lang>` attribute is template markup, so an odd
value there is ignored rather than rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from dateutil import parser as date_parser
from lxml import etree

FUTURE_TOLERANCE = timedelta(days=1)
META_KEYS = ("title", "url", "source", "published_at", "language")
MAX_META_CHARS = {"title": 1_000, "url": 4_096, "source": 300}
DATELINE_LINES = 5
DATELINE_MAX_START = 80


class MetadataError(ValueError):
    """A metadata value that cannot be accepted; the message is one readable sentence."""


# --- metadata values -------------------------------------------------------------------------

_LANGUAGE = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]{1,8})*$")


def parse_language(value: str) -> str:
    """Lower-case ISO 639-1 code from a tag such as `en`, `EN`, `en-GB` or `uk_UA`."""
    m = _LANGUAGE.match(value.strip().lower())
    if not m:
        raise MetadataError(f"language {value!r} is not an ISO 639-1 code such as 'en' or 'uk'")
    return m.group(1)


def parse_published_at(value: str, now: datetime | None = None) -> datetime:
    """Naive datetime from an ISO 8601 date or datetime; offset dropped, local time kept."""
    raw = value.strip()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise MetadataError(
            f"published_at {value!r} is not a valid ISO 8601 date or datetime ({exc})"
        ) from None
    if _in_future(parsed, now):
        raise MetadataError(f"published_at {value!r} lies in the future")
    return parsed.replace(tzinfo=None)


def _in_future(value: datetime, now: datetime | None) -> bool:
    current = now or datetime.now(UTC)
    if current.tzinfo is None:
        current = current.replace(tzinfo=UTC)
    if value.tzinfo is None:
        # Naive values are local times of unknown zone: compare them as written.
        return value > current.replace(tzinfo=None) + FUTURE_TOLERANCE
    return value > current + FUTURE_TOLERANCE


def clean_value(value: str) -> str | None:
    """One-line metadata string: inner whitespace collapsed; empty becomes None."""
    cleaned = " ".join(value.split())
    return cleaned or None


@dataclass(frozen=True)
class Metadata:
    """Metadata of one article after checking; every field is optional."""

    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    language: str | None = None


def check_metadata(fields: dict[str, Any], now: datetime | None = None) -> Metadata:
    """Validate declared metadata (front matter or JSON); all problems in one MetadataError.

    Values must be strings (or null/absent); wrong types, bad dates and bad language codes are
    collected so the reject names every problem at once.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key in META_KEYS:
        value = fields.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(f"{key} must be a string, not {_json_type(value)} ({value!r:.60})")
            continue
        text = clean_value(value)
        if text is None:
            continue
        limit = MAX_META_CHARS.get(key)
        if limit is not None and len(text) > limit:
            problems.append(f"{key} has {len(text):,} characters, above the limit of {limit:,}")
            continue
        try:
            if key == "published_at":
                values[key] = parse_published_at(text, now)
            elif key == "language":
                values[key] = parse_language(text)
            else:
                values[key] = text
        except MetadataError as exc:
            problems.append(str(exc))
    if problems:
        raise MetadataError("; ".join(problems))
    return Metadata(**values)


def _json_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list",
             dict: "an object"}
    return names.get(type(value), type(value).__name__)


# --- front matter ----------------------------------------------------------------------------

_FENCE = re.compile(r"^---[ \t]*$")
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(.*)$")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split `---` front matter from the body of a text whose newlines are already `\\n`.

    The block must open on the first line and close on a later `---` line; an unclosed block
    is not front matter and the whole text is the body. Keys are lower-cased; lines that are
    not `key: value` (comments, list items, continuations) are ignored, as are unknown keys by
    the caller. A value may be wrapped in single or double quotes.
    """
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return {}, text
    for end in range(1, len(lines)):
        if _FENCE.match(lines[end]):
            break
    else:
        return {}, text
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        m = _KEY_VALUE.match(line)
        if m:
            fields[m.group(1).lower()] = _unquote(m.group(2).strip())
    return fields, "\n".join(lines[end + 1:])


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        return re.sub(r'\\(["\\])', r"\1", inner)
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


# --- dates found in the text -----------------------------------------------------------------

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_TIME = r"(?:,?\s*(?:at\s+)?(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?))?"
_DATE_FORMS: tuple[tuple[str, bool], ...] = (
    (r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<isotime>\d{2}:\d{2}(?::\d{2})?))?", False),
    (rf"(?P<date>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}){_TIME}", True),
    (rf"(?P<date>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}){_TIME}", False),
    (rf"(?P<date>\d{{1,2}}\.\d{{1,2}}\.\d{{4}}){_TIME}", True),
)
_DATE_RES = tuple((re.compile(rf"\b{form}\b", re.IGNORECASE), dayfirst)
                  for form, dayfirst in _DATE_FORMS)
_KEYWORD = re.compile(
    r"\b(?P<kw>first\s+published|published|posted|last\s+updated|updated|last\s+modified"
    r"|modified)(?:\s+(?:on|at))?\s*[:\-\u2013\u2014]?"
    r"(?:\s*(?:mon|tues|wednes|thurs|fri|satur|sun)day,?)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Found:
    kind: str  # "published", "updated" or "plain"
    value: datetime
    start: int


def _dates_in_line(line: str, now: datetime | None) -> list[_Found]:
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for regex, dayfirst in _DATE_RES:
        for m in regex.finditer(line):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            value = _parse_piece(m, dayfirst)
            if value is None or _in_future(value, now):
                continue
            taken.append((m.start(), m.end()))
            kw = _KEYWORD.search(line[max(0, m.start() - 40):m.start()])
            if kw:
                kind = "published" if kw.group("kw").lower().endswith(
                    ("published", "posted")) else "updated"
            else:
                kind = "plain"
            found.append(_Found(kind, value, m.start()))
    return sorted(found, key=lambda f: f.start)


def _parse_piece(m: re.Match[str], dayfirst: bool) -> datetime | None:
    groups = m.groupdict()
    piece = groups["date"]
    time = groups.get("time") or groups.get("isotime")
    if time:
        piece = f"{piece} {time}"
    try:
        return date_parser.parse(piece, dayfirst=dayfirst, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return None


def _lines(text: str) -> Iterator[str]:
    """Lines one at a time: only the top of a long article is ever looked at."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        yield text[start:end]
        start = end + 1


def text_published_at(text: str, now: datetime | None = None) -> datetime | None:
    """Publication date read from the top of an article (see the module docstring)."""
    lines = list(islice((line for line in _lines(text) if line.strip()), DATELINE_LINES))
    found = [f for line in lines for f in _dates_in_line(line, now)]
    published = [f.value for f in found if f.kind == "published"]
    if published:
        return published[0]
    updated = [f.value for f in found if f.kind == "updated"]
    if updated:
        return max(updated)
    plain = [f.value for f in found if f.kind == "plain" and f.start < DATELINE_MAX_START]
    return plain[0] if plain else None


# --- HTML pages ------------------------------------------------------------------------------

_TOKENS = ("cookie", "consent", "gdpr", "newsletter", "related", "share", "sharing", "social",
           "promo", "advert", "ad-slot", "subscribe", "paywall", "breadcrumb", "breadcrumbs",
           "comments", "most-read", "popular", "recommended", "outbrain", "taboola", "sidebar",
           "signup", "sign-up", "modal", "popup", "skip-link")
_TOKEN_RE = r"(^|[\s_-])(" + "|".join(re.escape(t) for t in _TOKENS) + r")([\s_-]|$)"
# Attribute-based pruning never takes a page's main containers, nor a block long enough to be
# the article itself (a body class like "has-comments" must not empty the page).
_SMALL_BLOCK = ("not(self::html or self::body or self::main or self::article)"
                " and string-length(normalize-space(.)) < 3000")
_PRUNE = etree.XPath(
    "//nav | //aside | //footer | //form | //noscript | //script | //style | //template"
    " | //iframe | //figcaption | //button | //dialog"
    f" | //*[{_SMALL_BLOCK} and (@role='navigation' or @role='complementary'"
    " or @role='contentinfo' or @role='dialog' or @role='alert')]"
    f" | //*[{_SMALL_BLOCK} and (@hidden or @aria-hidden='true')]"
    f" | //*[{_SMALL_BLOCK} and (re:test(@class, '{_TOKEN_RE}', 'i')"
    f" or re:test(@id, '{_TOKEN_RE}', 'i'))]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)


def prune_page(tree: Any) -> None:
    """Drop navigation, notices, captions and related-story blocks before extraction."""
    for element in _PRUNE(tree):
        if element.getparent() is not None:
            element.drop_tree()


_BOILERPLATE = re.compile(
    r"^(?:"
    r"loading(?:\.\.\.|\u2026|\.)?|please wait\W*|advertisement|advert|sponsored( content)?"
    r"|skip to (?:main )?content|share( this)?( article| story)?|print|menu|close|back to top"
    r"|(?:related|more|read more|most read|most popular|recommended|see also|also read"
    r"|you may also like|more on this story|latest news|top stories)"
    r"(?: stories| articles| news| coverage| reading)?:?"
    r")$"
    r"|\b(?:enable|turn on|activate|switch on) javascript\b|\brequires javascript\b"
    r"|\bjavascript (?:is )?(?:disabled|required|must be enabled|is not enabled)"
    r"|\bwe use cookies\b|\b(?:accept|allow|reject|manage) (?:all )?cookies\b"
    r"|\bcookie (?:policy|settings|preferences|notice)\b"
    r"|\ball rights reserved\b|\byour browser does not support\b"
    r"|\bsign up (?:for|to) (?:our|the) newsletter\b",
    re.IGNORECASE,
)
_RELATED_HEADING = re.compile(
    r"^(?:related|more|read more|most read|most popular|recommended|see also|also read"
    r"|you may also like|more on this story|latest news|top stories)"
    r"(?: stories| articles| news| coverage| reading)?:?$",
    re.IGNORECASE,
)
BOILERPLATE_MAX_LINE = 300
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*$")


def drop_boilerplate(text: str) -> str:
    """Remove whole lines of page furniture that an extractor can let through.

    A line goes when it is short and is page chrome ("Loading...", JavaScript and cookie
    notices, "All rights reserved"); a related-stories heading goes together with the
    headline-like lines (no closing full stop) that follow it.
    """
    kept: list[str] = []
    in_related = False
    for line in text.split("\n"):
        bare = line.strip().lstrip("-\u2022* ").strip()
        if in_related:
            if not bare:
                continue
            if len(bare) < 150 and not _SENTENCE_END.search(bare):
                continue
            in_related = False
        if bare and len(bare) <= BOILERPLATE_MAX_LINE and _BOILERPLATE.search(bare):
            in_related = bool(_RELATED_HEADING.match(bare))
            continue
        kept.append(line)
    return "\n".join(kept)


@dataclass(frozen=True)
class HtmlPage:
    """What a saved web page yields: its article text and its metadata, best effort."""

    text: str
    title: str | None
    url: str | None
    source: str | None
    declared: dict[str, str]  # front-matter-like <meta name=...> tags, checked strictly
    page_published_at: datetime | None
    page_language: str | None


_PAGE_DATE_XPATH = (
    "//meta[@property='article:published_time' or @name='article:published_time'"
    " or @itemprop='datePublished' or @name='pubdate' or @name='publishdate'"
    " or @name='publish-date' or @name='dc.date.issued' or @name='DC.date.issued'"
    " or @name='date']/@content"
    " | //time[@itemprop='datePublished']/@datetime"
)


def read_html(markup: str, now: datetime | None = None) -> HtmlPage:
    """Article text and metadata of a page; an empty `text` means no article was found."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it
    from trafilatura.utils import load_html

    empty = HtmlPage("", None, None, None, {}, None, None)
    tree = load_html(markup)
    if tree is None:
        return empty
    declared, page_date, page_language = _page_metadata(tree, now)
    empty = HtmlPage("", None, None, None, declared, page_date, page_language)
    prune_page(tree)
    doc = trafilatura.bare_extraction(
        tree,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or isinstance(doc, dict):
        return empty
    if page_date is None and doc.date:
        page_date = _page_date(doc.date, now)
    title = _within_limit("title", doc.title)
    return HtmlPage(
        text=_headline_apart(drop_boilerplate(doc.text or ""), title),
        title=title,
        url=_within_limit("url", doc.url),
        source=_within_limit("source", doc.sitename) or _within_limit("source", doc.hostname),
        declared=declared,
        page_published_at=page_date,
        page_language=page_language,
    )


def _headline_apart(text: str, title: str | None) -> str:
    """A blank line after a first line that is the page's title.

    Pages put the headline (the `<h1>`) right above the first paragraph, and a headline has
    no full stop: without a paragraph break it would read as the start of the first sentence
    ("... air defence downs 31 ODESA, March 10 - Russia launched 37 ...").
    """
    if not title or not text:
        return text
    first, newline, rest = text.partition("\n")
    if not newline or rest.startswith("\n"):
        return text
    def squash(value: str) -> str:
        return " ".join(value.split()).casefold()

    if squash(first) and squash(title).startswith(squash(first)):
        return first + "\n\n" + rest
    return text


def _within_limit(key: str, value: str | None) -> str | None:
    """A page's own metadata value, or None when it is empty or too long to be one."""
    cleaned = clean_value(value or "")
    if cleaned is None or len(cleaned) > MAX_META_CHARS[key]:
        return None
    return cleaned


def _page_metadata(tree: Any, now: datetime | None
                   ) -> tuple[dict[str, str], datetime | None, str | None]:
    declared: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if name in META_KEYS and content is not None and name not in declared:
            declared[name] = content
    page_date = None
    for value in tree.xpath(_PAGE_DATE_XPATH):
        page_date = _page_date(str(value), now)
        if page_date is not None:
            break
    page_language = None
    for value in [tree.get("lang"), *tree.xpath(
            "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')"
            "='content-language']/@content")]:
        if value:
            try:
                page_language = parse_language(str(value))
                break
            except MetadataError:
                continue
    return declared, page_date, page_language


def _page_date(value: str, now: datetime | None) -> datetime | None:
    try:
        return parse_published_at(value, now)
    except MetadataError:
        return None
