"""Per-sentence annotations computed once per article and shared by every fact reader."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from flows.extract.actors import ActorMention, find_actors
from flows.extract.dates import DateMention, find_dates, sentence_date
from flows.extract.model import EventDate, Evidence, Place
from flows.extract.numbers import Quantity, find_quantities
from flows.extract.places import PlaceMention, find_places, resolve_place
from flows.extract.text import (
    Sentence,
    is_background,
    is_caption,
    is_headline,
    is_noise,
    split_sentences,
)
from flows.extract.weapons import WeaponMention, find_weapons


class Annotated:
    """One sentence and what it names. Each annotation is computed on first use: most
    sentences of a long article are background that no reader ever looks into."""

    def __init__(self, sentence: Sentence, ctx: ArticleContext, position: int) -> None:
        self.sentence = sentence
        self.ctx = ctx
        self.position = position  # index in ctx.sentences

    @property
    def text(self) -> str:
        return self.sentence.text

    def evidence(self) -> Evidence:
        s = self.sentence
        return Evidence(s.text, s.start, s.end)

    @cached_property
    def _dateline_end(self) -> int:
        m = _DATELINE.match(self.text)
        return m.end() if m else 0

    @cached_property
    def explicit_places(self) -> list[PlaceMention]:
        """Places named in the sentence ("KYIV (Wire) --" is where the reporter filed from)."""
        cut = self._dateline_end
        return [p for p in find_places(self.text) if p.start >= cut]

    @cached_property
    def places(self) -> list[PlaceMention]:
        """Named places plus the places meant by "the city", "the capital" and the like."""
        explicit = self.explicit_places
        return sorted(explicit + _anaphora(self, explicit), key=lambda p: p.start)

    @cached_property
    def _dated_text(self) -> str:
        cut = self._dateline_end
        return " " * cut + self.text[cut:] if cut else self.text

    @cached_property
    def dates(self) -> list[DateMention]:
        return find_dates(self._dated_text, self.ctx.published)

    @cached_property
    def date(self) -> DateMention | None:
        return sentence_date(self._dated_text, self.ctx.published, self.dates)

    @cached_property
    def history(self) -> bool:
        """"since the start of the invasion": a running total of the war."""
        return is_background(self.text)

    @cached_property
    def background(self) -> bool:
        """A historical or year-long total: never an event."""
        return self.history or any(d.kind == "background" for d in self.dates)

    @cached_property
    def weapons(self) -> list[WeaponMention]:
        return find_weapons(self.text)

    @cached_property
    def quantities(self) -> list[Quantity]:
        return find_quantities(self.text)

    @cached_property
    def actors(self) -> list[ActorMention]:
        return find_actors(self.text)

    @cached_property
    def countable(self) -> bool:
        """Whether anything in the sentence reads as a count: the cheap gate before a reader
        looks for figures."""
        return bool(_COUNTABLE.search(self.text))

    def before(self, within: int | None = None) -> list[Annotated]:
        """Earlier sentences, nearest first; `within` limits how far back (in sentences of
        the article, noise included)."""
        out = []
        for other in reversed(self.ctx.sentences[:self.position]):
            if within is not None and self.sentence.index - other.sentence.index > within:
                break
            out.append(other)
        return out


_COUNTABLE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|hundred|hundreds|thousand|thousands|million|dozen|dozens|several|scores"
    r"|none|both|all|few|numerous|number)\b", re.I)


@dataclass
class ArticleContext:
    text: str
    published: date | None
    sentences: list[Annotated] = field(default_factory=list)
    title: str | None = None

    def default_date(self) -> EventDate:
        """The date an undated attack report refers to: the publication day."""
        if self.published is None:
            return EventDate.unknown()
        return EventDate(self.published, "day")

    @cached_property
    def title_places(self) -> list[PlaceMention]:
        return find_places(self.title or "")

    @cached_property
    def title_actors(self) -> list[ActorMention]:
        return find_actors(self.title or "")


_DATELINE = re.compile(
    r"^[A-Z][A-Z'.-]+(?:\s+[A-Z][A-Z'.-]+)*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?\s*(?:--|[-–—:])\s+")


_ANAPHOR = re.compile(
    r"\b(?P<kind>(?:the|this)\s+(?:(?:southern|northern|eastern|western|central|front-line|frontline"
    r"|border|port|industrial|regional)\s+)?(?:city|town|village|port|settlement|capital|region"
    r"|oblast)|Ukraine['’]s\s+(?P<rank>second|third)[-\s]largest\s+city)\b(?!\s+of\b)", re.I)
_RANKED_CITIES = {"second": "Kharkiv", "third": "Odesa"}


def _anaphora(s: Annotated, places: list[PlaceMention]) -> list[PlaceMention]:
    """"the city", "the capital", "Ukraine's second-largest city": the place meant, as a
    mention at the phrase, when the sentence names no place of that kind itself."""
    out: list[PlaceMention] = []
    if not _ANAPHOR_HINT.search(s.text):
        return out
    for m in _ANAPHOR.finditer(s.text):
        phrase = m.group("kind").lower()
        place: Place | None = None
        if m.group("rank"):
            place = resolve_place(_RANKED_CITIES[m.group("rank").lower()])
        elif phrase.endswith("capital"):
            place = _recent(s, lambda p: p.place.name == "Moscow") or resolve_place("Kyiv")
        elif phrase.endswith(("region", "oblast")):
            if not any(p.place.location_type == "region" for p in places):
                place = _recent(s, lambda p: p.place.location_type == "region")
        elif not any(p.place.location_type in ("city", "district") for p in places):
            place = _recent(s, lambda p: p.place.location_type == "city")
        if place is not None:
            out.append(PlaceMention(place, m.start(), m.end(), m.group(0)))
    return out


_ANAPHOR_HINT = re.compile(r"\b(?:the|this)\s+\w*\s*(?:city|town|village|port|settlement"
                           r"|capital|region|oblast)\b|largest\s+city", re.I)


def _recent(s: Annotated, wanted: Callable[[PlaceMention], bool]) -> Place | None:
    """The latest place of a kind named before this sentence, or else in the headline."""
    for other in s.before():
        for p in reversed(other.places):
            if wanted(p) and p.surface.lower() not in ("the city", "the town"):
                return p.place
    for p in reversed(s.ctx.title_places):
        if wanted(p):
            return p.place
    return None


def annotate(text: str, published: date | None, title: str | None = None) -> ArticleContext:
    """The article's sentences, noise dropped; annotations are filled in as readers ask."""
    ctx = ArticleContext(text, published, title=title)
    caption_paragraph = -1
    for s in split_sentences(text):
        if s.paragraph == caption_paragraph:
            continue  # the rest of a photo caption
        if is_noise(s.text):
            if is_caption(s.text):
                caption_paragraph = s.paragraph
            continue
        if s.index == 0 and is_headline(s.text, text):
            continue  # a headline restates the body's figures in shorthand
        ctx.sentences.append(Annotated(s, ctx, len(ctx.sentences)))
    return ctx


def merge_evidence(a: Evidence, b: Evidence, text: str) -> Evidence:
    """Evidence spanning two sentences keeps both; offsets cover the whole span."""
    if a.start <= b.start and b.end <= a.end:
        return a
    start, end = min(a.start, b.start), max(a.end, b.end)
    if b.start >= a.end or a.start >= b.end:
        first, second = (a, b) if a.start < b.start else (b, a)
        if second.start - first.end <= 400:
            return Evidence(text[start:end], start, end)
        return Evidence(first.text + " … " + second.text, start, end)
    return Evidence(text[start:end], start, end)


def most_specific(places: list[PlaceMention]) -> Place | None:
    """The most specific named place; a bare country yields None (the contract's rule)."""
    rank = {"city": 0, "district": 0, "region": 1, "area": 2}
    candidates = [p for p in places if p.place.location_type in rank]
    if not candidates:
        return None
    return sorted(candidates, key=lambda p: (rank[p.place.location_type], p.start))[0].place
