"""Money amounts in text ("$37 million", "EUR 500 million", "1.2bn euros") and their USD value.

Conversion uses a small dated table of annual average reference rates shipped with the package
(flows/data/fx_rates.csv), so results are reproducible offline; the table says where each rate
comes from.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from flows.extract.sieve import AnyOf, folded

__all__ = ["FX_RATES_PATH", "MoneyMention", "find_money", "to_usd"]

FX_RATES_PATH = Path(__file__).resolve().parent.parent / "data" / "fx_rates.csv"


@dataclass(frozen=True)
class MoneyMention:
    amount: float
    currency: str  # ISO 4217
    qualifier: str  # exact, at_least, approx, at_most
    start: int
    end: int
    surface: str


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUM: dict[str, int | Decimal] = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "half a": Decimal("0.5"),
}
_WORDS = r"half\s+a|a|one|two|three|four|five|six|seven|eight|nine|ten"
_SCALES = {"trillion": 10**12, "tn": 10**12, "trn": 10**12, "billion": 10**9, "bln": 10**9,
           "bn": 10**9, "b": 10**9, "million": 10**6, "mln": 10**6, "mn": 10**6, "m": 10**6,
           "thousand": 10**3, "k": 10**3}
_SCALE = r"(?:\s?(?:trillion|tn|trn|billion|bln|bn|million|mln|mn|thousand)|(?:m|b|k))(?![\w])"
_SPELLED_SCALE = r"\s+(?:trillion|billion|million|thousand)(?![\w])"
_AMOUNT = (rf"(?:(?P<num>{_NUM})(?P<scale>{_SCALE})?"
           rf"|(?P<word>(?i:{_WORDS}))(?P<wscale>{_SPELLED_SCALE}))")

# Symbols and codes written before the amount, longest first.
_PREFIXES: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "U.S. $": "USD", "USD": "USD", "C$": "CAD", "CA$": "CAD",
    "CAD": "CAD", "A$": "AUD", "AU$": "AUD", "AUD": "AUD", "NZ$": "NZD", "NZD": "NZD",
    "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP", "¥": "JPY", "JPY": "JPY", "₴": "UAH",
    "UAH": "UAH", "₽": "RUB", "RUB": "RUB", "CHF": "CHF", "SEK": "SEK", "NOK": "NOK",
    "DKK": "DKK", "PLN": "PLN", "CNY": "CNY", "$": "USD",
}
# Currency words written after the amount (case-insensitive), longest first.
_SUFFIXES: list[tuple[str, str]] = [
    (r"(?:US|U\.S\.|American)\s+dollars?", "USD"), (r"Canadian\s+dollars?", "CAD"),
    (r"Australian\s+dollars?", "AUD"), (r"New\s+Zealand\s+dollars?", "NZD"),
    (r"dollars?", "USD"), (r"euros?", "EUR"), (r"(?:British\s+)?pounds?\s+sterling", "GBP"),
    (r"British\s+pounds?", "GBP"), (r"pounds?", "GBP"), (r"sterling", "GBP"),
    (r"(?:Japanese\s+)?yen", "JPY"), (r"hryvni?as?|hryvnyas?|hryvni", "UAH"),
    (r"(?:Russian\s+)?(?:roubles?|rubles?)", "RUB"), (r"Swiss\s+francs?", "CHF"),
    (r"Swedish\s+(?:kronor|krona|crowns?)", "SEK"), (r"kronor", "SEK"),
    (r"Norwegian\s+(?:kroner|krone|crowns?)", "NOK"),
    (r"Danish\s+(?:kroner|krone|crowns?)", "DKK"), (r"(?:Polish\s+)?(?:zlotys?|zlotych)", "PLN"),
    (r"yuan|renminbi", "CNY"),
    (r"USD|EUR|GBP|JPY|CAD|AUD|NZD|CHF|SEK|NOK|DKK|PLN|UAH|RUB|CNY", ""),
]


def _prefix_pattern() -> str:
    parts = []
    for symbol in sorted(_PREFIXES, key=len, reverse=True):
        escaped = re.escape(symbol)
        if symbol.isalpha():  # a code: not inside a word, optionally a space after
            parts.append(rf"(?<![A-Za-z]){escaped}\s?")
        elif symbol == "$":
            parts.append(r"(?<![A-Za-z$])\$\s?")
        else:
            parts.append(rf"(?<![A-Za-z]){escaped}\s?")
    return "|".join(parts)


# The lookahead for the first characters of the prefixes changes no match; it spares trying
# every prefix (each behind its own lookbehind) at every position.
_PREFIX_STARTS = "".join(sorted({re.escape(p[0]) for p in _PREFIXES}))
_PREFIX_RE = re.compile(
    rf"(?=[{_PREFIX_STARTS}])(?P<pre>{_prefix_pattern()})(?P<num>{_NUM})(?P<scale>{_SCALE})?"
    rf"(?:\s+(?P<tail>(?:US\s+)?dollars?)(?![\w]))?"
)
_SUFFIX_RE = re.compile(
    rf"(?<![\w.,$€£¥]){_AMOUNT}\s*-?\s*(?P<suf>(?i:"
    + "|".join(f"(?:{p})" for p, _ in _SUFFIXES) + r"))(?![\w])"
)
_SUFFIX_CODES = [(re.compile(rf"(?i:{p})$"), code) for p, code in _SUFFIXES]

_QUALIFIERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|above"
                r"|exceeding|no\s+less\s+than)\s*$", re.I), "at_least"),
    (re.compile(r"\b(?:about|around|some|nearly|almost|roughly|approximately|an\s+estimated"
                r"|estimated|close\s+to|approx\.?|circa)\s*$", re.I), "approx"),
    (re.compile(r"\b(?:up\s+to|as\s+much\s+as|as\s+many\s+as|no\s+more\s+than|at\s+most"
                r"|less\s+than|under|below|fewer\s+than)\s*$", re.I), "at_most"),
]


def _qualifier(text: str, start: int) -> str:
    before = text[max(0, start - 24):start]
    for pattern, qualifier in _QUALIFIERS:
        if pattern.search(before):
            return qualifier
    return "exact"


def _amount(m: re.Match[str]) -> float:
    if m.group("num") is not None:
        value = Decimal(m.group("num").replace(",", ""))
        scale = (m.group("scale") or "").strip().lower()
    else:
        value = Decimal(_WORD_NUM[re.sub(r"\s+", " ", m.group("word").lower())])
        scale = m.group("wscale").strip().lower()
    return float(value * _SCALES.get(scale, 1))


def _suffix_currency(word: str) -> str:
    for pattern, code in _SUFFIX_CODES:
        if pattern.match(word):
            return code or word.upper()
    return ""


def _weight_not_money(m: re.Match[str]) -> bool:
    """"500 pounds of explosives": pounds without a scale or "sterling" are a weight."""
    suffix = m.group("suf").lower()
    return suffix.startswith("pound") and "sterling" not in suffix and \
        not (m.group("scale") or m.group("wscale"))


# Every amount names its currency with one of these; most sentences have none.
_ANY_CURRENCY = AnyOf((
    "[$€£¥₴₽]", "dollar", "euro", "pound", "sterling", r"\byen\b", "hryvn", "roubl", "rubl",
    "franc", "kron", "crown", "zlot", "yuan", "renminbi",
    r"\b(?:USD|EUR|GBP|JPY|CAD|AUD|NZD|CHF|SEK|NOK|DKK|PLN|UAH|RUB|CNY)\b"))
ANY_CURRENCY = _ANY_CURRENCY.pattern


def find_money(text: str) -> list[MoneyMention]:
    """Every money amount in `text`, with its ISO currency and the qualifier just before it."""
    if not _ANY_CURRENCY.found(text, folded(text)):
        return []
    found: list[MoneyMention] = []
    for m in _PREFIX_RE.finditer(text):
        pre = re.sub(r"\s+", " ", m.group("pre")).strip()
        currency = _PREFIXES.get(pre) or _PREFIXES.get(pre.replace(" ", ""), "USD")
        found.append(MoneyMention(_amount(m), currency, _qualifier(text, m.start()),
                                  m.start(), m.end(), m.group(0)))
    for m in _SUFFIX_RE.finditer(text):
        if _weight_not_money(m):
            continue
        currency = _suffix_currency(m.group("suf"))
        if not currency:
            continue
        found.append(MoneyMention(_amount(m), currency, _qualifier(text, m.start()),
                                  m.start(), m.end(), m.group(0)))
    chosen: list[MoneyMention] = []
    for mention in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        if all(mention.end <= o.start or mention.start >= o.end for o in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda f: f.start)


@lru_cache(maxsize=1)
def _rates() -> dict[str, dict[int, float]]:
    table: dict[str, dict[int, float]] = {}
    with FX_RATES_PATH.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            table.setdefault(row["currency"].upper(), {})[int(row["year"])] = \
                float(row["usd_per_unit"])
    return table


def to_usd(amount: float, currency: str, on: date | None = None) -> float | None:
    """`amount` in US dollars at the annual average rate of `on`'s year, rounded to cents.

    A year outside the table takes the nearest year in it; no date takes the latest year.
    Returns None for a currency the table does not hold.
    """
    code = currency.strip().upper()
    if code == "USD":
        return round(amount, 2)
    by_year = _rates().get(code)
    if not by_year:
        return None
    if on is None:
        year = max(by_year)
    else:
        year = min(by_year, key=lambda y: (abs(y - on.year), -y))
    return round(amount * by_year[year], 2)
