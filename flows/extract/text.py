"""Sentence segmentation with character offsets, and the noise that is never a fact.

Offsets always point into the article text as stored, so evidence can be traced back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    paragraph: int  # index of the paragraph the sentence belongs to
    index: int  # position of the sentence in the article


# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "approx", "est", "inc", "co", "corp", "ltd", "gov",
    "sen", "rep", "prof", "mt", "ft", "a.m", "p.m",
}

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9А-ЯІЇЄҐ])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-*•]\s)")


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for m in _PARAGRAPH.finditer(text):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(text)


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentences; single newlines inside a paragraph also end a sentence
    when the line does not end mid-phrase (headlines, list items, datelines)."""
    out: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(_paragraphs(text)):
        block = text[p_start:p_end]
        # Lines of a paragraph are separate units when the previous line ends a clause
        # or has no end punctuation at all (a headline or caption line).
        cuts = [0]
        for m in re.finditer(r"\n", block):
            if _wrapped(block[cuts[-1]:m.start()], block[m.end():]):
                continue
            cuts.append(m.end())
        cuts.append(len(block) + 1)
        for line_start, line_next in zip(cuts, cuts[1:], strict=False):
            line = block[line_start:line_next - 1]
            _split_line(line, p_start + line_start, p_index, out)
    return out


def _wrapped(line: str, rest: str) -> bool:
    """A hard-wrapped line continues on the next one: it does not end a clause and the next
    line is not a list item or a new heading."""
    line = line.rstrip()
    if not line or re.search(r"[.!?:;\"”’)]$", line):
        return False
    if re.match(r"\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}\b", rest):
        return False  # a date line under a headline
    if re.match(r"\s*(?:[-*•–]|\d+[.)]\s)", rest):
        return False
    return bool(re.match(r"\s*[a-z0-9(]", rest)) or len(line) >= 50


def _split_line(line: str, offset: int, paragraph: int, out: list[Sentence]) -> None:
    start = 0
    for m in _BOUNDARY.finditer(line):
        words = line[start:m.start()].split()
        prev = words[-1].lower() if words else ""
        if line[m.start()] == "." and (prev in _ABBREVIATIONS
                                       or (len(prev) == 1 and prev.isalpha())):
            continue
        _emit(line, start, m.end(), offset, paragraph, out)
        start = m.end()
    _emit(line, start, len(line), offset, paragraph, out)


def _emit(line: str, s: int, e: int, offset: int, paragraph: int, out: list[Sentence]) -> None:
    chunk = line[s:e]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    a = offset + s + lead
    out.append(Sentence(stripped, a, a + len(stripped), paragraph, len(out)))


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
_NOISE = re.compile("|".join(f"(?:{p})" for p in _NOISE_PATTERNS), re.IGNORECASE)


def is_noise(sentence: str) -> bool:
    """Captions, bylines, site furniture and verification boilerplate carry no facts."""
    return bool(_NOISE.search(sentence))


_BACKGROUND = re.compile(
    r"\bsince the (start|beginning|outset) of (the |russia'?s? )?(full[- ]scale |large[- ]scale )?"
    r"(invasion|war)\b|\bsince (the )?(february|feb\.?) 2022\b|\bsince 2022\b"
    r"|\bsince the war (began|started)\b|\bin the course of the war\b"
    r"|\bthroughout the war\b|\bsince (russia|moscow) (launched|began|started)\b"
    r"|\bsince the (full[- ]scale |large[- ]scale )?invasion\b"
    r"|\bsince (?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b"
    r"|\b(so far|to date) (this|in) (the )?(year|war)\b|\bsince the beginning of (the )?year\b"
    r"|\b(over|during|in) the (whole |entire )?(past|last) (year|two years|three years)\b",
    re.IGNORECASE,
)


def is_background(sentence: str) -> bool:
    """Historical running totals are context, not events of the article."""
    return bool(_BACKGROUND.search(sentence))


_CAPTION = re.compile(r"^\s*(photo|picture|image|caption|file photo|pictured|photo caption)\b"
                      r"|\((photo|picture|image)\b|\b(REUTERS|AFP|AP Photo|Getty Images|EPA)/",
                      re.IGNORECASE)


def is_caption(sentence: str) -> bool:
    """A photo caption: the rest of its paragraph describes the picture, not the news."""
    return bool(_CAPTION.search(sentence))


def is_headline(sentence: str, text: str) -> bool:
    """The first line of an article, short and without closing punctuation, followed by
    more text: a headline."""
    first_line = text.lstrip().split("\n", 1)[0].strip()
    return (sentence.strip() == first_line and len(first_line) < 160
            and not re.search(r"[.!?:;\"”]$", first_line)
            and not re.match(r"[A-Z][A-Z .,'-]+\s(?:--|[-–—])\s", first_line)  # a dateline
            and len(text) > len(first_line) + 40)
