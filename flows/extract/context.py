"""Per-sentence annotations computed once per article and shared by every fact reader."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Generic, TypeVar, overload

from flows.extract.actors import ActorMention, find_actors
from flows.extract.cues import INJURED, INTERCEPT, KILLED, PLEDGE, PRODUCTION
from flows.extract.dates import DateMention, find_dates, sentence_date
from flows.extract.model import EventDate, Evidence, Place
from flows.extract.money import ANY_CURRENCY
from flows.extract.numbers import Quantity, find_quantities
from flows.extract.places import PlaceMention, find_places, resolve_place
from flows.extract.sieve import Sieve, folded
from flows.extract.text import (
    Sentence,
    is_background,
    is_caption,
    is_headline,
    is_noise,
    split_sentences,
)
from flows.extract.weapons import ANY_WEAPON, WeaponMention, find_weapons

_T = TypeVar("_T")


class _once(Generic[_T]):  # lower case, like the decorator it stands for
    """`functools.cached_property` without its lock: on Python 3.11 every first read takes
    one, and an article's sentences make hundreds of first reads. An article is annotated
    by one thread only (the lock was one per class anyway, never a guard per sentence)."""

    __slots__ = ("func", "name")

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _once[_T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> _T | _once[_T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class Annotated:
    """One sentence and what it names. Each annotation is computed on first use: most
    sentences of a long article are background that no reader ever looks into."""

    def __init__(self, sentence: Sentence, ctx: ArticleContext, position: int) -> None:
        self.sentence = sentence
        self.text = sentence.text  # an attribute, not a property: read a few dozen times
        self.ctx = ctx
        self.position = position  # index in ctx.sentences

    @_once
    def lower(self) -> str | None:
        """The sentence's `folded()` text, made once for every reader's cue patterns."""
        return folded(self.sentence.text)

    def evidence(self) -> Evidence:
        s = self.sentence
        return Evidence(s.text, s.start, s.end)

    @_once
    def _dateline_end(self) -> int:
        m = _DATELINE.match(self.text)
        return m.end() if m else 0

    @_once
    def explicit_places(self) -> list[PlaceMention]:
        """Places named in the sentence ("KYIV (Wire) --" is where the reporter filed from)."""
        cut = self._dateline_end
        return [p for p in find_places(self.text) if p.start >= cut]

    @_once
    def places(self) -> list[PlaceMention]:
        """Named places plus the places meant by "the city", "the capital" and the like."""
        explicit = self.explicit_places
        return sorted(explicit + _anaphora(self, explicit), key=lambda p: p.start)

    @_once
    def _dated_text(self) -> str:
        cut = self._dateline_end
        return " " * cut + self.text[cut:] if cut else self.text

    @_once
    def dates(self) -> list[DateMention]:
        return find_dates(self._dated_text, self.ctx.published)

    @_once
    def date(self) -> DateMention | None:
        return sentence_date(self._dated_text, self.ctx.published, self.dates)

    @_once
    def history(self) -> bool:
        """"since the start of the invasion": a running total of the war."""
        return is_background(self.text)

    @_once
    def background(self) -> bool:
        """A historical or year-long total: never an event."""
        return self.history or any(d.kind == "background" for d in self.dates)

    @_once
    def weapons(self) -> list[WeaponMention]:
        return find_weapons(self.text) if self.has("weapon") else []

    @_once
    def quantities(self) -> list[Quantity]:
        return find_quantities(self.text)

    @_once
    def actors(self) -> list[ActorMention]:
        return find_actors(self.text)

    def has(self, gate: str) -> bool:
        """Whether the sentence holds a word of a gate ("count", "harm", "money", ...): the
        cheap test a reader makes before looking closer."""
        return gate in self.ctx._sentence_gates[self.position]

    @_once
    def noise(self) -> bool:
        """Site furniture, a byline, or a photo caption and the rest of its paragraph."""
        if is_noise(self.text):
            return True
        sentences = self.ctx.sentences
        paragraph = self.sentence.paragraph
        for i in range(self.position - 1, -1, -1):
            other = sentences[i]
            if other.sentence.paragraph != paragraph:
                break
            if other.caption:
                return True
        return False

    @_once
    def caption(self) -> bool:
        return is_caption(self.text)

    def before(self, within: int | None = None) -> list[Annotated]:
        """Earlier sentences that are not noise, nearest first; `within` limits how far back
        (in sentences of the article, noise included)."""
        return list(self.earlier(within))

    def earlier(self, within: int | None = None) -> Iterator[Annotated]:
        """`before()` one sentence at a time: a reader that stops at the first sentence it
        wants leaves the noise of the rest unread."""
        sentences = self.ctx.sentences
        index = self.sentence.index
        for i in range(self.position - 1, -1, -1):
            other = sentences[i]
            if within is not None and index - other.sentence.index > within:
                break
            if not other.noise:
                yield other


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
_GATE_KEYS = frozenset(_GATE_WORDS)
_SYMBOLS = frozenset("$€£¥₴₽")
_GATE_TOKEN = re.compile(r"[^\W\d_]+|\d+|[$€£¥₴₽]")
_S300 = re.compile(r"(?<!\d)[34]00(?!\d)")
# ASCII letters kept, every other ASCII sign a space: `split()` then gives the words
_LETTERS_ONLY = {i: " " for i in range(128) if not chr(i).isalpha()}
_DIGITS_AS_ZERO = {ord(d): "0" for d in "123456789"}

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
    def _sentence_gates(self) -> list[set[str]]:
        """The gates each sentence (by position) passes: the set of its words met with the
        table of gate words, instead of a pattern per sentence and gate."""
        lower = self.text.lower()
        if len(lower) != len(self.text):  # a rare letter whose lower case is longer
            return self._gates_by_pattern()
        # ASCII sentences (most) split into words on a copy with every other sign a space,
        # and find their digits on a copy with every digit a 0
        letters = lower.translate(_LETTERS_ONLY)
        zeros = lower.translate(_DIGITS_AS_ZERO)
        all_ascii = lower.isascii()
        out: list[set[str]] = []
        for s in self.sentences:
            a, b = s.sentence.start, s.sentence.end
            if all_ascii or lower[a:b].isascii():
                hits: frozenset[str] | set[str] = _GATE_KEYS.intersection(letters[a:b].split())
                count = zeros.find("0", a, b) >= 0
                # S-300, S-400: the letter alone is too common a word to be a weapon's
                s_300 = lower.find("00", a, b) >= 0 and _S300.search(lower[a:b]) is not None
                symbol = lower.find("$", a, b) >= 0
            else:
                span = lower[a:b]
                words = set(_GATE_TOKEN.findall(span))
                # a number, or a word that starts with a digit sign ("²")
                count = any(w[0].isdigit() for w in words)
                s_300 = "300" in words or "400" in words
                symbol = not words.isdisjoint(_SYMBOLS)
                hits = words & _GATE_KEYS
            gates: set[str] = set()
            for word in hits:
                gates.update(_GATE_WORDS[word])
            if count:
                gates.add("count")
            if s_300:
                gates.add("weapon")
            if symbol:
                gates.add("money")
            out.append(gates)
        return out

    def _gates_by_pattern(self) -> list[set[str]]:
        """The gates from each gate's pattern, for text whose lower case has another length
        (word offsets in the lower-cased text would not be the article's)."""
        starts = [s.sentence.start for s in self.sentences]
        out: list[set[str]] = [set() for _ in self.sentences]
        for gate, pattern in _GATES.items():
            for m in pattern.finditer(self.text):
                i = bisect_right(starts, m.start()) - 1
                if i >= 0 and m.start() < self.sentences[i].sentence.end:
                    out[i].add(gate)
        return out

    def has(self, gate: str, position: int) -> bool:
        return gate in self._sentence_gates[position]

    @property
    def sentence_gates(self) -> list[set[str]]:
        """The gates of each sentence, by position: a reader's loop over the sentences tests
        them here, without a call to `Annotated.has` per sentence and gate."""
        return self._sentence_gates

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
    if not _ANAPHOR_HINT.search(s.text, folded(s.text)):
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


_ANAPHOR_HINT = Sieve(re.compile(r"\b(?:the|this)\s+\w*\s*(?:city|town|village|port"
                                 r"|settlement|capital|region|oblast)\b|largest\s+city", re.I))


def _recent(s: Annotated, wanted: Callable[[PlaceMention], bool]) -> Place | None:
    """The latest place of a kind named before this sentence, or else in the headline."""
    for other in s.earlier():
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
