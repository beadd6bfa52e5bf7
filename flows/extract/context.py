"""Per-sentence annotations computed once per article and shared by every fact reader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flows.extract.actors import ActorMention, find_actors
from flows.extract.dates import DateMention, has_background_period, sentence_date
from flows.extract.model import EventDate, Evidence, Place
from flows.extract.numbers import Quantity, find_quantities
from flows.extract.places import PlaceMention, find_places
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

    def default_date(self) -> EventDate:
        """The date an undated attack report refers to: the publication day."""
        if self.published is None:
            return EventDate.unknown()
        return EventDate(self.published, "day")


_DATELINE = re.compile(
    r"^[A-Z][A-Z'.-]+(?:\s+[A-Z][A-Z'.-]+)*(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?\s*(?:--|[-–—:])\s+")


def annotate(text: str, published: date | None) -> ArticleContext:
    annotated: list[Annotated] = []
    caption_paragraph = -1
    for s in split_sentences(text):
        if s.paragraph == caption_paragraph:
            continue  # the rest of a photo caption
        if is_noise(s.text):
            if is_caption(s.text):
                caption_paragraph = s.paragraph
            continue
        dateline = _DATELINE.match(s.text)
        places = find_places(s.text)
        if dateline:
            # "KYIV (Wire) -- ...": where the reporter filed from, not where it happened
            places = [p for p in places if p.start >= dateline.end()]
        annotated.append(Annotated(
            sentence=s,
            weapons=find_weapons(s.text),
            quantities=find_quantities(s.text),
            places=places,
            actors=find_actors(s.text),
            date=sentence_date(s.text, published),
            background=is_background(s.text) or has_background_period(s.text),
            history=is_background(s.text),
        ))
    return ArticleContext(text, published, annotated)


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
