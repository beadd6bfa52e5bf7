"""Event dates relative to the article's publication date.

Only phrases we recognise are resolved, each anchored to the publication date; nothing parses
whole sentences fuzzily. With no publication date, relative phrases resolve to `unknown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flows.extract.model import EventDate
from flows.extract.sieve import AnyOf, Sieve, Sieves, folded, lowered

_MONTHS = {
    m: i + 1 for i, m in enumerate(
        "january february march april may june july august september october november december"
        .split())
}
_MONTH_ABBR = {k[:3]: v for k, v in _MONTHS.items()} | {"sept": 9}
_WEEKDAYS = {d: i for i, d in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}

# In lower case, like every word of the case-insensitive patterns below: a pattern without
# an upper-case letter also runs, faster, on the lower-cased sentence (see `lowered`).
_MONTH_RE = (r"(?:january|february|march|april|may|june|july|august|september|october|november"
             r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?")
_WEEKDAY_RE = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"


@dataclass(frozen=True)
class DateMention:
    when: EventDate
    start: int
    end: int
    kind: str  # day, week, month, range, year, background


def _month_num(token: str) -> int:
    t = token.lower().rstrip(".")
    return _MONTHS.get(t) or _MONTH_ABBR[t[:4] if t.startswith("sept") else t[:3]]


def _year_for(month: int, day: int, published: date | None) -> int | None:
    """A month-day without a year: the publication year, or the one before across New Year."""
    if published is None:
        return None
    try:
        candidate = date(published.year, month, day)
    except ValueError:
        return None
    return published.year - 1 if candidate > published + timedelta(days=1) else published.year


def _weekday_on_or_before(published: date, weekday: int) -> date:
    return published - timedelta(days=(published.weekday() - weekday) % 7)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # ranges and period totals first: they contain words the day patterns would take
    ("range", re.compile(
        r"\b(?:in|during|over|across)\s+the\s+(?:last|final|first|closing|opening)\s+(?:few\s+)?"
        r"(?:days|weeks)\s+of\s+(?:(?P<ry>\d{4})|(?P<rm>" + _MONTH_RE + r")|the\s+year)"
        r"(?:\s+and\s+the\s+(?:first|opening)\s+(?:few\s+)?days\s+of\s+(?:\d{4}|"
        + _MONTH_RE + r"|the\s+new\s+year))?", re.I)),
    ("range", re.compile(
        r"\b(?:over|during|in|within)\s+the\s+(?:past|last|previous)\s+"
        r"(?:(?P<n>\d+|two|three|four|five|six|seven|ten|several|few)\s+)?"
        r"(?P<unit>days|weeks|week|months|month)\b"
        r"|\bin\s+recent\s+(?:days|weeks)\b|\bover\s+the\s+(?:new\s+year|holiday|weekend)\s+"
        r"(?:period|holidays?)\b|\bsince\s+(?P<sm>" + _MONTH_RE + r")\s+(?P<sd>\d{1,2})\b", re.I)),
    ("background", re.compile(
        r"\b(?:in|during|throughout)\s+(?P<by>(?:19|20)\d{2})\b(?!\s*(?:,|\s)\s*"
        + _MONTH_RE + r")|\blast\s+year\b|\bthis\s+year\b", re.I)),
    ("day", re.compile(
        r"\b(?P<m1>" + _MONTH_RE + r")\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{4}))?\b"
        r"|\b(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>" + _MONTH_RE
        + r")(?:,?\s+(?P<y2>\d{4}))?\b", re.I)),
    ("day", re.compile(r"\b(?P<iso>\d{4}-\d{2}-\d{2})\b")),
    ("day", re.compile(
        r"\b(?:last|on|early|late|on\s+the\s+night\s+of|overnight\s+(?:into|on|to))?\s*"
        r"(?P<wd>" + _WEEKDAY_RE + r")(?:'s)?\b", re.I)),
    ("day", re.compile(
        r"\b(?P<rel>overnight|last\s+night|tonight|tonight's|today|this\s+morning|"
        r"this\s+afternoon|this\s+evening|earlier\s+today|during\s+the\s+night|"
        r"in\s+the\s+early\s+hours|yesterday|the\s+previous\s+day|"
        r"(?P<ago>\d+|two|three|four|five|six)\s+days\s+ago|past\s+24\s+hours|"
        r"(?:the\s+)?day\s+before)\b", re.I)),
    ("week", re.compile(r"\b(?P<wk>last\s+week|this\s+week|earlier\s+this\s+week|"
                        r"past\s+week|previous\s+week|last\s+week's)\b", re.I)),
    ("month", re.compile(r"\b(?P<mo>this\s+month|last\s+month|earlier\s+this\s+month)\b"
                         r"|\bin\s+(?P<mname>" + _MONTH_RE + r")(?!\s+\d)\b", re.I)),
]

_SIEVES = [(kind, Sieve(pattern)) for kind, pattern in _PATTERNS]
# each sieve's pattern for the lower-cased sentence, None where there is none
_LOWERED = [lowered(sieve.pattern) for _, sieve in _SIEVES]
_ALL_SIEVES = Sieves([sieve for _, sieve in _SIEVES])  # their word tests made at once

_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}


def _resolve(kind: str, m: re.Match[str], published: date | None) -> DateMention | None:
    g = m.groupdict()
    unknown = EventDate.unknown()
    if kind == "range":
        start: date | None = None
        if g.get("sm") and g.get("sd"):
            month, day = _month_num(g["sm"]), int(g["sd"])
            year = _year_for(month, day, published)
            start = date(year, month, day) if year else None
        return DateMention(EventDate(start, "range"), m.start(), m.end(), "range")
    if kind == "background":
        return DateMention(unknown, m.start(), m.end(), "background")
    if kind == "week":
        if published is None:
            return DateMention(unknown, m.start(), m.end(), "week")
        monday = published - timedelta(days=published.weekday())
        if g["wk"].lower().startswith(("last", "previous", "past")):
            monday -= timedelta(days=7)
        return DateMention(EventDate(monday, "week"), m.start(), m.end(), "week")
    if kind == "month":
        if g.get("mname"):
            month = _month_num(g["mname"])
            year = _year_for(month, 1, published)
            if year is None:
                return DateMention(unknown, m.start(), m.end(), "month")
            return DateMention(EventDate(date(year, month, 1), "month"), m.start(), m.end(),
                               "month")
        if published is None:
            return DateMention(unknown, m.start(), m.end(), "month")
        first = published.replace(day=1)
        if g["mo"].lower().startswith("last"):
            first = (first - timedelta(days=1)).replace(day=1)
        return DateMention(EventDate(first, "month"), m.start(), m.end(), "month")
    # day
    if g.get("iso"):
        try:
            return DateMention(EventDate(date.fromisoformat(g["iso"]), "day"), m.start(),
                               m.end(), "day")
        except ValueError:
            return None
    if g.get("m1") or g.get("m2"):
        month = _month_num(g.get("m1") or g["m2"])
        day = int(g.get("d1") or g["d2"])
        ytext = g.get("y1") or g.get("y2")
        year = int(ytext) if ytext else _year_for(month, day, published)
        if year is None:
            return DateMention(unknown, m.start(), m.end(), "day")
        try:
            return DateMention(EventDate(date(year, month, day), "day"), m.start(), m.end(), "day")
        except ValueError:
            return None
    if g.get("wd"):
        if published is None:
            return DateMention(unknown, m.start(), m.end(), "day")
        d = _weekday_on_or_before(published, _WEEKDAYS[g["wd"].lower()])
        return DateMention(EventDate(d, "day"), m.start(), m.end(), "day")
    rel = (g.get("rel") or "").lower()
    if published is None:
        return DateMention(unknown, m.start(), m.end(), "day")
    if rel.startswith(("yesterday", "the previous day", "day before", "the day before")):
        return DateMention(EventDate(published - timedelta(days=1), "day"), m.start(), m.end(),
                           "day")
    if g.get("ago"):
        n = int(g["ago"]) if g["ago"].isdigit() else _SMALL[g["ago"].lower()]
        return DateMention(EventDate(published - timedelta(days=n), "day"), m.start(), m.end(),
                           "day")
    return DateMention(EventDate(published, "day"), m.start(), m.end(), "day")


# Every date phrase contains one of these; a sentence without any has no date.
_ANY_DATE = AnyOf((
    r"\d", "day", "night", "morning", "afternoon", "evening", "week", "month", "year",
    "yesterday", "tonight", "overnight", "hours", "since", "recent", "holiday", "jan", "feb",
    "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))


def find_dates(text: str, published: date | None) -> list[DateMention]:
    """All date phrases in `text`, non-overlapping, left to right."""
    lower = folded(text)
    if not _ANY_DATE.found(text, lower):
        return []
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for i in _ALL_SIEVES.admitted(lower):
        kind, sieve = _SIEVES[i]
        low = _LOWERED[i]
        # groups are read without regard to case, so they may come from the lower-cased text
        matches = sieve.pattern.finditer(text) if lower is None or low is None \
            else low.finditer(lower)
        for m in matches:
            if not m.group(0).strip():
                continue
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            mention = _resolve(kind, m, published)
            if mention is not None:
                found.append(mention)
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


_SPEECH = Sieve(re.compile(r"\b(?:said|says|told|reported|announced|added|wrote|stated|posted)"
                           r"(?:\s+\w+){0,2}\s*$", re.I))


def sentence_date(text: str, published: date | None,
                  mentions: list[DateMention] | None = None) -> DateMention | None:
    """The date a sentence's event happened on, if the sentence says.

    A period phrase ("in the last days of 2023") beats a day, since a day in the same
    sentence is then usually when it was said; a day named right after "said" is a
    speech date and loses to any other date.
    """
    if mentions is None:
        mentions = find_dates(text, published)
    mentions = [d for d in mentions if d.kind != "background"]
    if not mentions:
        return None
    rank = {"range": 0, "day": 1, "week": 2, "month": 3}

    def key(d: DateMention) -> tuple[int, int, int]:
        before = text[:d.start]
        speech = 1 if _SPEECH.search(before, folded(before)) else 0
        return (speech, rank.get(d.kind, 9), d.start)

    return sorted(mentions, key=key)[0]
