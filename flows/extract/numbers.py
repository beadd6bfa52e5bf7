"""Numbers as written in reports: digits, words, scales and the qualifiers before them.

"almost 300", "more than 32,000", "1 million", "Eleven", "twenty-eight", "dozens" (a vague
quantity: no value, qualifier kept) all become a `Quantity` with offsets into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

from flows.extract.model import Qualifier
from flows.extract.sieve import folded, lead, lowered


@dataclass(frozen=True)
class Quantity:
    value: int | None  # None for vague amounts ("dozens", "several")
    qualifier: Qualifier
    start: int  # offsets of the whole phrase, qualifier included
    end: int
    num_start: int  # offsets of the number itself
    surface: str

    @property
    def vague(self) -> bool:
        return self.value is None


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD = "|".join(_UNITS[1:] + _TENS)
WORD_NUMBER = (
    rf"(?:(?:{_WORD})(?:[- ](?:{_WORD}))?"
    rf"(?:\s+(?:hundred|thousand|million|billion)"
    rf"(?:\s+(?:and\s+)?(?:{_WORD})(?:[- ](?:{_WORD}))?)?)*)"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE_SUFFIX = r"(?:\s*(?:million|billion|thousand|mln|bn|m|k)\b)?"

_QUALIFIERS: list[tuple[str, Qualifier]] = [
    (r"more than|over|at least|upwards of|in excess of|no fewer than|no less than"
     r"|not less than|a minimum of|exceeding", "at_least"),
    (r"almost|nearly|about|around|approximately|roughly|some|close to|an estimated"
     r"|estimated|up to about|circa|as many as about", "approx"),
    (r"up to|as many as|no more than|not more than|a maximum of|fewer than|less than",
     "at_most"),
]
_QUAL_RE = "|".join(f"(?:{p})" for p, _ in _QUALIFIERS)

_NUMBER = lead(re.compile(
    rf"(?<![\w.,/:-])(?:(?P<qual>{_QUAL_RE})\s+)?"
    rf"(?P<num>(?P<digits>{_DIGITS}){_SCALE_SUFFIX}"
    rf"|(?P<dozen>a dozen|two dozen|three dozen|half a dozen)|(?P<words>{WORD_NUMBER})"
    rf"|(?P<vague>dozens|scores|hundreds|thousands|several|a few|a number of|numerous))"
    rf"(?![\w-]*\d)(?!\s*(?:%|per ?cent|percent))",
    re.IGNORECASE,
))
# the same pattern for the lower-cased sentence: several times faster (see `lowered`)
_NUMBER_LOWER = lowered(_NUMBER)


def _qualifier_of(text: str | None) -> Qualifier:
    if not text:
        return "exact"
    low = text.lower()
    for pattern, qual in _QUALIFIERS:
        if re.fullmatch(pattern, low):
            return qual
    return "exact"


def _scale(suffix: str) -> int:
    s = suffix.strip().lower()
    return {"million": 1_000_000, "mln": 1_000_000, "m": 1_000_000, "billion": 1_000_000_000,
            "bn": 1_000_000_000, "thousand": 1_000, "k": 1_000}.get(s, 1)


_DIGITS_AND_SCALE = re.compile(rf"({_DIGITS})({_SCALE_SUFFIX})", re.IGNORECASE)


def parse_digits(num: str) -> int | None:
    """'32,000' -> 32000, '1 million' -> 1000000, '7.5 thousand' -> 7500."""
    m = _DIGITS_AND_SCALE.fullmatch(num.strip())
    if not m:
        return None
    value = float(m.group(1).replace(",", "")) * _scale(m.group(2) or "")
    return int(round(value))


def parse_words(words: str) -> int | None:
    """'twenty-eight' -> 28, 'one hundred and fifty' -> 150 (via text2num)."""
    cleaned = re.sub(r"\s+", " ", words.lower().replace(" and ", " ")).strip()
    try:
        return int(text2num(cleaned, "en"))
    except ValueError:
        return None


_DOZENS = {"a dozen": 12, "two dozen": 24, "three dozen": 36, "half a dozen": 6}


def find_quantities(text: str) -> list[Quantity]:
    """Every number-like phrase in `text`, left to right.

    Years ("2024"), percentages, times ("10:15"), ordinals and model numbers ("Kh-101",
    "S-300") are not quantities.
    """
    out: list[Quantity] = []
    # the groups read below are the same in lower case; the surface is cut from `text`
    lower = folded(text)
    matches = _NUMBER.finditer(text) if lower is None or _NUMBER_LOWER is None \
        else _NUMBER_LOWER.finditer(lower)
    for m in matches:
        qual = _qualifier_of(m.group("qual"))
        value: int | None
        if m.group("digits"):
            if _is_not_a_count(text, m):
                continue
            value = parse_digits(m.group("num"))
        elif m.group("words"):
            value = parse_words(m.group("words"))
            if value is None:
                continue
        elif m.group("dozen"):
            value = _DOZENS[m.group("dozen").lower()]
            if qual == "exact" and m.group("dozen").lower() != "half a dozen":
                qual = "approx"
        else:
            value = None
            if qual == "exact":
                qual = "approx"
        out.append(Quantity(value, qual, m.start(), m.end(), m.start("num"),
                            text[m.start():m.end()]))
    return out


_MODEL_NUMBER = re.compile(r"[A-Za-z]-?\Z")
_TIME = re.compile(r"\s*[:/]\d|\s*(?:am|pm|a\.m|p\.m|GMT|UTC|EET|CET)\b", re.IGNORECASE)
_ORDINAL = re.compile(r"(st|nd|rd|th)\b")
_MONEY_BEFORE = re.compile(r"[$€£¥]\s*$|\b(?:USD|EUR|GBP|UAH|JPY|US\$)\s*$")
_MONTH_BEFORE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s*$")
_MONTH_AFTER = re.compile(r"\s*(?:January|February|March|April|May|June|July|August|September"
                          r"|October|November|December)\b")


def _is_not_a_count(text: str, m: re.Match[str]) -> bool:
    digits = m.group("digits")
    start, end = m.start("num"), m.end("num")
    before = text[max(0, start - 12):start]
    after = text[end:end + 6]
    plain = digits.replace(",", "")
    if _MODEL_NUMBER.search(before):
        return True  # model numbers: Kh-101, S-300, KN-23
    if _TIME.match(after):
        return True  # times
    if _ORDINAL.match(after):
        return True
    if _MONEY_BEFORE.search(before):
        return True  # money is read by the money module
    if "." not in digits and len(plain) == 4 and 1900 <= int(plain) <= 2100 and "," not in digits:
        scale = m.group("num")[len(digits):].strip()
        if not scale:
            return True  # a year
    if _MONTH_BEFORE.search(before):
        return True  # "January 2"
    if _MONTH_AFTER.match(after + text[end + 6:end + 12]):
        return True  # "2 January"
    return False


def parse_count(word: str) -> int | None:
    """A count written as digits or words: "2", "two", "twenty-one"."""
    word = word.strip()
    if word.replace(",", "").isdigit():
        return int(word.replace(",", ""))
    return parse_words(word.replace("-", " "))
