"""Per-sentence annotations computed once per article and shared by every fact reader."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from flows.extract.actors import ActorMention, find_actors
from flows.extract.cues import INJURED, INTERCEPT, KILLED, PLEDGE, PRODUCTION
from flows.extract.dates import DateMention, find_dates, sentence_date
from flows.extract.model import EventDate, Evidence, Place
from flows.extract.money import ANY_CURRENCY
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
from flows.extract.weapons import ANY_WEAPON, WeaponMention, find_weapons


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
        return find_weapons(self.text) if self.has("weapon") else []

    @cached_property
    def quantities(self) -> list[Quantity]:
        return find_quantities(self.text)

    @cached_property
    def actors(self) -> list[ActorMention]:
        return find_actors(self.text)

    def has(self, gate: str) -> bool:
        """Whether the sentence holds a word of a gate ("count", "harm", "money", ...): the
        cheap test a reader makes before looking closer."""
        return self.ctx.has(gate, self.position)

    @cached_property
    def noise(self) -> bool:
        """Site furniture, a byline, or a photo caption and the rest of its paragraph."""
        if is_noise(self.text):
            return True
        for other in reversed(self.ctx.sentences[:self.position]):
            if other.sentence.paragraph != self.sentence.paragraph:
                break
            if is_caption(other.text):
                return True
        return False

    def before(self, within: int | None = None) -> list[Annotated]:
        """Earlier sentences that are not noise, nearest first; `within` limits how far back
        (in sentences of the article, noise included)."""
        out = []
        for other in reversed(self.ctx.sentences[:self.position]):
            if within is not None and self.sentence.index - other.sentence.index > within:
                break
            if not other.noise:
                out.append(other)
        return out


_HARM = re.compile(f"{KILLED.pattern}|{INJURED.pattern}", re.I)
_COUNTABLE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|hundred|hundreds|thousand|thousands|million|dozen|dozens|several|scores"
    r"|none|both|all|few|numerous|number)\b", re.I)


def _forms(*words: str) -> list[str]:
    """Words with the endings they take in reports: "produc|e|es|ed|ing|tion"."""
    out: list[str] = []
    for w in words:
        stem, *endings = w.split("|")
        out += [stem + e for e in endings] if endings else [stem]
    return out


# The words of each gate, every form spelled out. A gate may let through more than its
# reader's patterns accept (that only costs a closer look), never less.
_GATE_LISTS: dict[str, list[str]] = {
    "count": _forms(
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
        "ninety", "hundred|s|", "thousand|s|", "million|s|", "dozen|s|", "several", "scores",
        "none", "both", "all", "few", "numerous", "number"),
    "harm": _forms(
        "kill|ed|ing|s|", "dead", "die|d|s|", "death|s|", "toll", "fatalities", "lost",
        "perished", "slain", "lifeless", "bodies", "body", "claim|ed|ing", "wound|ed|ing|s|",
        "injur|ed|ing|es|ies|y", "hurt", "hospitali|sed|zed", "casualties", "medical"),
    "money": _forms(
        "dollar|s|", "euro|s|", "pound|s|", "sterling", "yen", "hryvnia|s|", "hryvnya|s|",
        "hryvni", "rouble|s|", "ruble|s|", "franc|s|", "krone|r|", "krona", "kronor",
        "crown|s|", "zloty|s|", "zlotych", "yuan", "renminbi", "usd", "eur", "gbp", "jpy", "cad",
        "aud", "nzd", "chf", "sek", "nok", "dkk", "pln", "uah", "rub", "cny"),
    "produce": _forms(
        "produc|e|es|ed|ing|tion|er|ers", "manufactur|e|es|ed|ing|er|ers", "make|s|r|rs",
        "making", "made", "build|s|ing|", "built", "output", "assembl|e|es|ed|ing|y",
        "roll|ed|", "turn|ed|", "fabricat|e|ed|ing", "factory", "factories", "industry"),
    "intercept": _forms(
        "shot", "shoot|s|ing|", "down|ed|ing", "destroy|ed|ing|s|", "intercept|ed|ing|s|",
        "neutrali|sed|zed|se|ze|sing|zing", "repelled", "eliminated", "taken", "knocked",
        "brought", "hit", "defeated", "foiled", "thwarted"),
    "pledge": _forms(
        "pledg|e|es|ed|ing", "promis|e|es|ed|ing", "provid|e|es|ed|ing",
        "allocat|e|es|ed|ing", "contribut|e|es|ed|ing|ion", "donat|e|es|ed|ing|ion",
        "commit|s|ted|ting|", "announc|e|es|ed|ing", "give|s|", "gave", "giving",
        "grant|s|ed|", "send|s|ing|", "sent", "agree|s|d|", "agreement", "signed", "loan|s|",
        "spend|ing|", "package", "aid", "assistance", "support", "funding", "fund",
        "available", "channel|s|led|ling", "tranche", "instalment", "installment",
        "earmark|ed|", "approv|e|es|ed", "transfer|s|red|", "disburs|e|ed|ing"),
    "weapon": _forms(
        "drone|s", "uav|s", "unmanned", "quadcopter|s", "missile|s", "shahed|s", "geran|s",
        "lancet|s", "bayraktar|s", "tb", "lyutyi", "liutyi", "lyuty", "orlan|s", "zala",
        "supercam|s", "gerbera|s", "kh", "x", "х", "kalibr|s", "calibr|s", "iskander|s", "storm",
        "scalp|s", "neptune|s", "taurus", "kn", "hwasong", "tochka", "atacms", "kinzhal|s",
        "kinjal|s", "kindzhal|s", "zircon|s", "zirkon|s", "tsirkon|s", "m", "oniks", "onyx", "p",
        "kab|s", "fab|s", "umpk|s", "bomb|s", "grad|s", "bm", "smerch", "uragan", "tornado",
        "himars", "mlrs", "rocket|s", "artillery", "shell|s|ing", "mortar|s", "fpv|s",
        "munition|s", "cruise", "ballistic", "hypersonic"),
}
_GATE_WORDS: dict[str, tuple[str, ...]] = {}
for _gate, _words in _GATE_LISTS.items():
    for _word in _words:
        _GATE_WORDS[_word] = (*_GATE_WORDS.get(_word, ()), _gate)
_SYMBOLS = frozenset("$€£¥₴₽")
_GATE_TOKEN = re.compile(r"[^\W\d_]+|\d+|[$€£¥₴₽]")

_GATES: dict[str, re.Pattern[str]] = {
    "count": _COUNTABLE, "harm": _HARM, "money": ANY_CURRENCY, "produce": PRODUCTION,
    "intercept": INTERCEPT, "pledge": PLEDGE, "weapon": ANY_WEAPON,
}


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
    def _gates(self) -> dict[str, list[int]]:
        """Where each gate's words occur in the article: one pass over its words, looked up
        in a table, instead of a pattern per sentence."""
        lower = self.text.lower()
        if len(lower) != len(self.text):  # a rare letter whose lower case is longer
            return {name: [m.start() for m in pattern.finditer(self.text)]
                    for name, pattern in _GATES.items()}
        found: dict[str, list[int]] = {name: [] for name in _GATES}
        for m in _GATE_TOKEN.finditer(lower):
            token = m.group()
            gates = _GATE_WORDS.get(token)
            if gates is None:
                if token[0].isdigit():
                    found["count"].append(m.start())
                    if token in ("300", "400"):
                        # S-300, S-400: the letter alone is too common to be a gate word
                        found["weapon"].append(m.start())
                elif token in _SYMBOLS:
                    found["money"].append(m.start())
                continue
            for gate in gates:
                found[gate].append(m.start())
        return found

    @cached_property
    def _sentence_gates(self) -> list[set[str]]:
        """The gates each sentence (by position) passes."""
        starts = [s.sentence.start for s in self.sentences]
        out: list[set[str]] = [set() for _ in self.sentences]
        for gate, positions in self._gates.items():
            for pos in positions:
                i = bisect_right(starts, pos) - 1
                if i >= 0 and pos < self.sentences[i].sentence.end:
                    out[i].add(gate)
        return out

    def has(self, gate: str, position: int) -> bool:
        return gate in self._sentence_gates[position]

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
    for s in split_sentences(text):
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
