"""Per-sentence annotations computed once per article and shared by every fact reader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flows.extract.actors import ActorMention, find_actors
from flows.extract.dates import DateMention, has_background_period, sentence_date
from flows.extract.model import EventDate, Evidence, Place
from flows.extract.numbers import Quantity, find_quantities
from flows.extract.places import PlaceMention, find_places, resolve_place
from flows.extract.text import Sentence, is_background, is_caption, is_noise, split_sentences
from flows.extract.weapons import WeaponMention, find_weapons


@dataclass
class Annotated:
    sentence: Sentence
    weapons: list[WeaponMention]
    quantities: list[Quantity]
    places: list[PlaceMention]
    actors: list[ActorMention]
    date: DateMention | None
    background: bool  # a historical or year-long total: never an event
    history: bool  # "since the start of the invasion": a running total of the war

    @property
    def text(self) -> str:
        return self.sentence.text

    def evidence(self) -> Evidence:
        s = self.sentence
        return Evidence(s.text, s.start, s.end)


@dataclass
class ArticleContext:
    text: str
    published: date | None
    sentences: list[Annotated]
    title: str | None = None

    def default_date(self) -> EventDate:
        """The date an undated attack report refers to: the publication day."""
        if self.published is None:
            return EventDate.unknown()
        return EventDate(self.published, "day")


_DATELINE = re.compile(
    r"^[A-Z][A-Z'.-]+(?:\s+[A-Z][A-Z'.-]+)*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?\s*(?:--|[-–—:])\s+")


_ANAPHOR = re.compile(
    r"\b(?P<kind>(?:the|this)\s+(?:(?:southern|northern|eastern|western|central|front-line|frontline"
    r"|border|port|industrial|regional)\s+)?(?:city|town|village|port|settlement|capital|region"
    r"|oblast)|Ukraine['’]s\s+(?P<rank>second|third)[-\s]largest\s+city)\b(?!\s+of\b)", re.I)
_RANKED_CITIES = {"second": "Kharkiv", "third": "Odesa"}


def _anaphora(s: Sentence, places: list[PlaceMention], recent: dict[str, PlaceMention]
              ) -> list[PlaceMention]:
    """"the city", "the capital", "Ukraine's second-largest city": the place meant, as a
    mention at the phrase, when the sentence names no place of that kind itself."""
    out: list[PlaceMention] = []
    for m in _ANAPHOR.finditer(s.text):
        phrase = m.group("kind").lower()
        place: Place | None = None
        if m.group("rank"):
            place = resolve_place(_RANKED_CITIES[m.group("rank").lower()])
        elif phrase.endswith("capital"):
            place = recent["capital"].place if "capital" in recent else resolve_place("Kyiv")
        elif phrase.endswith(("region", "oblast")):
            if not any(p.place.location_type == "region" for p in places) and "region" in recent:
                place = recent["region"].place
        elif not any(p.place.location_type in ("city", "district") for p in places) \
                and "city" in recent:
            place = recent["city"].place
        if place is not None:
            out.append(PlaceMention(place, m.start(), m.end(), m.group(0)))
    return out


def _remember(places: list[PlaceMention], recent: dict[str, PlaceMention]) -> None:
    for p in places:
        if p.place.location_type == "city":
            recent["city"] = p
            if p.place.name in ("Moscow",):
                recent["capital"] = p
        elif p.place.location_type == "region":
            recent["region"] = p


def annotate(text: str, published: date | None, title: str | None = None) -> ArticleContext:
    annotated: list[Annotated] = []
    caption_paragraph = -1
    recent: dict[str, PlaceMention] = {}
    if title:
        _remember(find_places(title), recent)
    for s in split_sentences(text):
        if s.paragraph == caption_paragraph:
            continue  # the rest of a photo caption
        if is_noise(s.text):
            if is_caption(s.text):
                caption_paragraph = s.paragraph
            continue
        dateline = _DATELINE.match(s.text)
        places = find_places(s.text)
        dated_text = s.text
        if dateline:
            # "KYIV, Oct 10 (Wire) -- ...": where and when the reporter filed, not the event
            places = [p for p in places if p.start >= dateline.end()]
            dated_text = " " * dateline.end() + s.text[dateline.end():]
        places = sorted(places + _anaphora(s, places, recent), key=lambda p: p.start)
        _remember([p for p in places if p.surface.lower() not in ("the city", "the town")],
                  recent)
        annotated.append(Annotated(
            sentence=s,
            weapons=find_weapons(s.text),
            quantities=find_quantities(s.text),
            places=places,
            actors=find_actors(s.text),
            date=sentence_date(dated_text, published),
            background=is_background(s.text) or has_background_period(s.text),
            history=is_background(s.text),
        ))
    return ArticleContext(text, published, annotated, title)


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
