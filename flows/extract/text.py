"""Sentence segmentation with character offsets, and the noise that is never a fact.

Offsets always point into the article text as stored, so evidence can be traced back.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from flows.extract.sieve import Sieve, Sieves, folded, lowered


class Sentence(NamedTuple):
    """A sentence with its offsets. A named tuple, not a dataclass: an article makes dozens
    and a frozen dataclass costs three times as much to build."""

    text: str
    start: int
    end: int
    paragraph: int  # index of the paragraph the sentence belongs to
    # position of the sentence in the article (the field hides tuple.index, never used here)
    index: int  # type: ignore[assignment]


# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "approx", "est", "inc", "co", "corp", "ltd", "gov",
    "sen", "rep", "prof", "mt", "ft", "a.m", "p.m",
}

# "[.!?][.!?]*" rather than "[.!?]+": a pattern that starts with a plain character class is
# scanned for that class in C instead of being tried at every position
_BOUNDARY = re.compile(r"[.!?][.!?]*[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9А-ЯІЇЄҐ])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-*•]\s)")


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentences; single newlines inside a paragraph also end a sentence
    when the line does not end mid-phrase (headlines, list items, datelines).

    Paragraphs and lines are read as offsets into `text`, never copied out of it."""
    out: list[Sentence] = []
    p_index = 0
    p_start = 0
    for m in _PARAGRAPH.finditer(text):
        _split_paragraph(text, p_start, m.start(), p_index, out)
        p_start = m.end()
        p_index += 1
    _split_paragraph(text, p_start, len(text), p_index, out)
    return out


def _split_paragraph(text: str, a: int, b: int, paragraph: int, out: list[Sentence]) -> None:
    """The sentences of the paragraph `text[a:b]`. Its lines are separate units when the
    previous line ends a clause or has no end punctuation at all (a headline or caption)."""
    line_start = a
    newline = text.find("\n", a, b)
    while newline >= 0:
        if not _wrapped(text, line_start, newline, b):
            _split_line(text, line_start, newline, paragraph, out)
            line_start = newline + 1
        newline = text.find("\n", newline + 1, b)
    _split_line(text, line_start, b, paragraph, out)


_DATE_LINE = re.compile(r"\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")
_LIST_ITEM = re.compile(r"\s*(?:[-*•–]|\d+[.)]\s)")
_LOWER_START = re.compile(r"\s*[a-z0-9(]")


def _wrapped(text: str, line_start: int, newline: int, end: int) -> bool:
    """A hard-wrapped line (from `line_start` to the newline at `newline`) continues on the
    next one: it does not end a clause and the next line (up to the paragraph's `end`) is
    not a list item or a new heading."""
    line = text[line_start:newline].rstrip()
    if not line or line[-1] in _CLAUSE_END:
        return False
    rest = newline + 1
    if _DATE_LINE.match(text, rest, end):
        return False  # a date line under a headline
    if _LIST_ITEM.match(text, rest, end):
        return False
    return bool(_LOWER_START.match(text, rest, end)) or len(line) >= 50


_CLAUSE_END = frozenset(".!?:;\"”’)")


def _split_line(text: str, a: int, b: int, paragraph: int, out: list[Sentence]) -> None:
    """The sentences of the line `text[a:b]` (the text is not copied line by line): the
    boundaries first, then a sentence per stretch between them that is not blank."""
    cuts: list[int] = []
    start = a
    for m in _BOUNDARY.finditer(text, a, b):
        stop = m.start()
        if text[stop] == ".":
            words = text[start:stop].rsplit(None, 1)
            prev = words[-1].lower() if words else ""
            if prev in _ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()):
                continue
        start = m.end()
        cuts.append(start)
    cuts.append(b)
    start = a
    for end in cuts:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            first = start + len(chunk) - len(chunk.lstrip())  # the first character kept
            # built as the tuple it is: `Sentence(...)` would run a Python `__new__`
            out.append(_new_sentence(Sentence, (stripped, first, first + len(stripped),
                                                paragraph, len(out))))
        start = end


_new_sentence = tuple.__new__


_NOISE_PATTERNS = [
    r"^\s*(photo|picture|image|caption|file photo|pictured)\b",
    r"\((photo|picture|image)\b[^)]*\)",
    r"\b(REUTERS|AFP|AP Photo|Getty Images|EPA|Anadolu)/",
    r"^\s*(reporting|writing|editing|additional reporting|compiled|produced|edited) by\s+[A-Z]",
    r"^\s*by\s+[A-Z][\w'.-]+(\s+[A-Z][\w'.-]+){0,3}\s*(,|\||and\s+[A-Z]|$)",
    r"^\s*(read also|read more|related|see also|more on this|recommended|most read|"
    r"also read|you may also like|trending)\b",
    r"\bloading\.{2,}|\benable javascript\b|\bjavascript is (disabled|required)\b",
    r"\bcookies?\b.*\b(accept|consent|privacy|settings)\b|\b(accept|manage) (all )?cookies\b",
    r"^\s*(subscribe|sign up|newsletter|advertisement|share this|follow us)\b",
    r"\bcould not (independently )?verify\b|\bwas not able to (independently )?verify\b",
    r"^\s*(our standards|all rights reserved|©)",
    r"^\s*#{1,6}\s",
]
# The patterns anchored at the start are tried there only; the others are scanned for when
# the sentence holds their words.
_NOISE_AT_START = re.compile("|".join(f"(?:{p})" for p in _NOISE_PATTERNS if p.startswith("^")),
                             re.IGNORECASE)
_NOISE_ANYWHERE = [Sieve(re.compile(p, re.IGNORECASE)) for p in _NOISE_PATTERNS
                   if not p.startswith("^")]
# their word tests made at once, and each pattern as it runs on the lower-cased sentence
# (None for one with upper-case letters)
_NOISE_SIEVES = Sieves(_NOISE_ANYWHERE)
_NOISE_LOWERED = [lowered(noise.pattern) for noise in _NOISE_ANYWHERE]


def is_noise(sentence: str) -> bool:
    """Captions, bylines, site furniture and verification boilerplate carry no facts."""
    if _NOISE_AT_START.match(sentence):
        return True
    lower = folded(sentence)
    for i in _NOISE_SIEVES.admitted(lower):
        low = _NOISE_LOWERED[i]
        if (_NOISE_ANYWHERE[i].pattern.search(sentence) if low is None or lower is None
                else low.search(lower)) is not None:
            return True
    return False


_BACKGROUND = Sieve(re.compile(
    r"\bsince the (start|beginning|outset) of (the |russia'?s? )?(full[- ]scale |large[- ]scale )?"
    r"(invasion|war)\b|\bsince (the )?(february|feb\.?) 2022\b|\bsince 2022\b"
    r"|\bsince the war (began|started)\b|\bin the course of the war\b"
    r"|\bthroughout the war\b|\bsince (russia|moscow) (launched|began|started)\b"
    r"|\bsince the (full[- ]scale |large[- ]scale )?invasion\b"
    r"|\bsince (?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b"
    r"|\b(so far|to date) (this|in) (the )?(year|war)\b|\bsince the beginning of (the )?year\b"
    r"|\b(over|during|in) the (whole |entire )?(past|last) (year|two years|three years)\b",
    re.IGNORECASE,
))


def is_background(sentence: str) -> bool:
    """Historical running totals are context, not events of the article."""
    return _BACKGROUND.search(sentence, folded(sentence)) is not None


_CAPTION = Sieve(re.compile(
    r"^\s*(photo|picture|image|caption|file photo|pictured|photo caption)\b"
    r"|\((photo|picture|image)\b|\b(REUTERS|AFP|AP Photo|Getty Images|EPA)/", re.IGNORECASE))


def is_caption(sentence: str) -> bool:
    """A photo caption: the rest of its paragraph describes the picture, not the news."""
    return _CAPTION.search(sentence, folded(sentence)) is not None


def is_headline(sentence: str, text: str) -> bool:
    """The first line of an article, short and without closing punctuation, followed by
    more text: a headline."""
    first_line = text.lstrip().split("\n", 1)[0].strip()
    return (sentence.strip() == first_line and len(first_line) < 160
            and not re.search(r"[.!?:;\"”]$", first_line)
            and not re.match(r"[A-Z][A-Z .,'-]+\s(?:--|[-–—])\s", first_line)  # a dateline
            and len(text) > len(first_line) + 40)
