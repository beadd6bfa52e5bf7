"""sources.toml: the feeds and pages to follow, and how politely to fetch them.

The file is the operator's own, so a mistake in it is an error with the line, the entry and
the field named (`SourcesError`), never a silent default. Unknown keys are mistakes too: a
misspelt `delay_second` must not quietly leave the default delay in place.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flows.fetch import DEFAULT_PORTS, Politeness, canonical_url
from flows.ingest_formats import MetadataError, parse_language

DEFAULT_MAX_ITEMS = 50
MAX_RETRIES = 10
POLITENESS_KEYS = frozenset(f.name for f in fields(Politeness))
FEED_KEYS = POLITENESS_KEYS | {"name", "url", "source", "language", "max_items"}
PAGE_KEYS = POLITENESS_KEYS | {"name", "url", "source", "language"}
TOP_KEYS = frozenset({"defaults", "feed", "page"})


class SourcesError(ValueError):
    """sources.toml cannot be used; the message names the file, the line and the field."""


@dataclass(frozen=True)
class Source:
    """One `[[feed]]` or `[[page]]` entry, with its politeness settled."""

    kind: str  # "feed" or "page"
    url: str
    name: str
    source: str | None  # the outlet name written into each article
    language: str | None
    politeness: Politeness
    max_items: int = DEFAULT_MAX_ITEMS  # new feed items fetched per run; the rest wait

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


@dataclass(frozen=True)
class SourcesConfig:
    path: Path
    defaults: Politeness
    feeds: tuple[Source, ...]
    pages: tuple[Source, ...]

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.feeds + self.pages


def load_sources(path: Path) -> SourcesConfig:
    """Read and check sources.toml; raises SourcesError on any mistake in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from None
    where = _Where(path, text)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise SourcesError(f"{path}: unknown section or key {', '.join(map(repr, unknown))}; "
                           "expected [defaults], [[feed]] and [[page]]")
    defaults_table = data.get("defaults", {})
    if not isinstance(defaults_table, dict):
        raise SourcesError(f"{path}: 'defaults' must be a table: [defaults]")
    defaults = _politeness(Politeness(), defaults_table, where.at("defaults", None),
                           POLITENESS_KEYS)
    feeds = tuple(_source("feed", entry, i, defaults, where)
                  for i, entry in enumerate(_entries(data, "feed", path)))
    pages = tuple(_source("page", entry, i, defaults, where)
                  for i, entry in enumerate(_entries(data, "page", path)))
    seen: dict[str, str] = {}
    for src in feeds + pages:
        key = canonical_url(src.url)
        if key in seen:
            raise SourcesError(f"{path}: {src.url} is listed twice ({seen[key]} and "
                               f"[[{src.kind}]] {src.name!r})")
        seen[key] = f"[[{src.kind}]] {src.name!r}"
    return SourcesConfig(path, defaults, feeds, pages)


class _Here:
    """Names an entry in messages: file, line, which entry; `of(key)` the line of a key."""

    def __init__(self, path: Path, lines: list[str], start: int | None, end: int,
                 what: str) -> None:
        self.path, self.lines, self.start, self.end, self.what = path, lines, start, end, what

    def __str__(self) -> str:
        line = f" line {self.start + 1}" if self.start is not None else ""
        return f"{self.path}{line} ({self.what})"

    def of(self, key: str) -> str:
        """Where `key` is written in this entry (the entry's header line when not found)."""
        if self.start is not None:
            pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
            for number in range(self.start, self.end):
                if pattern.match(self.lines[number]):
                    return f"{self.path} line {number + 1} ({self.what})"
        return str(self)


class _Where:
    """Finds each entry's header line in the file, so messages can point at it."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z_.-]+)\s*\]\]?\s*(#.*)?$")

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str]] = [
            (number, m.group(1)) for number, line in enumerate(self.lines)
            if (m := self._HEADER.match(line))]

    def at(self, kind: str, index: int | None, name: str | None = None) -> _Here:
        found = [number for number, header in self.headers if header == kind]
        i = index or 0
        start = found[i] if i < len(found) else None
        end = next((n for n, _ in self.headers if start is not None and n > start),
                   len(self.lines))
        what = "[defaults]" if index is None else f"[[{kind}]] #{i + 1}"
        return _Here(self.path, self.lines, start, end, what + (f" {name!r}" if name else ""))


def _entries(data: dict[str, Any], kind: str, path: Path) -> list[dict[str, Any]]:
    value = data.get(kind, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SourcesError(f"{path}: '{kind}' must be written as [[{kind}]] tables")
    return value


def _source(kind: str, entry: dict[str, Any], index: int, defaults: Politeness,
            where: _Where) -> Source:
    name = entry.get("name")
    here = where.at(kind, index, name if isinstance(name, str) else None)
    allowed = FEED_KEYS if kind == "feed" else PAGE_KEYS
    url = _string(entry, "url", here, required=True)
    assert url is not None
    parts = urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise SourcesError(f"{here.of('url')}: url {url!r} must be an absolute http:// or "
                           "https:// URL")
    politeness = _politeness(defaults, entry, here, allowed)
    source = _string(entry, "source", here)
    language = _string(entry, "language", here)
    if language is not None:
        try:
            language = parse_language(language)
        except MetadataError as exc:
            raise SourcesError(f"{here.of('language')}: {exc}") from None
    max_items = DEFAULT_MAX_ITEMS
    if "max_items" in entry:
        max_items = int(_number(entry, "max_items", here, int, minimum=1))
    return Source(kind=kind, url=url, name=_string(entry, "name", here) or source or url,
                  source=source, language=language, politeness=politeness,
                  max_items=max_items)


def _politeness(base: Politeness, table: dict[str, Any], here: _Here,
                allowed: frozenset[str]) -> Politeness:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise SourcesError(f"{here.of(unknown[0])}: unknown key {', '.join(map(repr, unknown))}; "
                           "allowed: "
                           f"{', '.join(sorted(allowed))}")
    changes: dict[str, Any] = {}
    if "delay_seconds" in table:
        changes["delay_seconds"] = float(_number(table, "delay_seconds", here, float, 0))
    if "timeout_seconds" in table:
        changes["timeout_seconds"] = float(_number(table, "timeout_seconds", here, float, 0,
                                                   strict=True))
    if "max_bytes" in table:
        changes["max_bytes"] = int(_number(table, "max_bytes", here, int, 1))
    if "retries" in table:
        changes["retries"] = int(_number(table, "retries", here, int, 0, MAX_RETRIES))
    if "backoff_seconds" in table:
        changes["backoff_seconds"] = float(_number(table, "backoff_seconds", here, float, 0))
    if "user_agent" in table:
        changes["user_agent"] = _string(table, "user_agent", here, required=True)
    return replace(base, **changes)


def _string(table: dict[str, Any], key: str, here: _Here, required: bool = False) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise SourcesError(f"{here}: '{key}' is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise SourcesError(f"{here.of(key)}: '{key}' must be a non-empty string, not {value!r}")
    return value.strip()


def _number(table: dict[str, Any], key: str, here: _Here, kind: type, minimum: float,
            maximum: float | None = None, strict: bool = False) -> float:
    value = table[key]
    ok_types = (int,) if kind is int else (int, float)
    if isinstance(value, bool) or not isinstance(value, ok_types):
        noun = "a whole number" if kind is int else "a number"
        raise SourcesError(f"{here.of(key)}: '{key}' must be {noun}, not {value!r}")
    if value < minimum or (strict and value == minimum) or (
            maximum is not None and value > maximum):
        bound = f"above {minimum:g}" if strict else f"at least {minimum:g}"
        if maximum is not None:
            bound += f" and at most {maximum:g}"
        raise SourcesError(f"{here.of(key)}: '{key}' must be {bound}, not {value!r}")
    return float(value)
