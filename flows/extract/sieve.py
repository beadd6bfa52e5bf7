"""Cheap word tests that rule a pattern out before the regex engine scans a sentence.

A case-insensitive pattern gets no fast scan from `re`: the engine tries it at every position
of the text. Most patterns need some fixed words ("cruise", "missile", "since") that most
sentences do not hold, and looking for a word in the lower-cased sentence is far cheaper than
the scan. The words are read from the pattern itself, so a test can never reject a sentence
the pattern would match; a pattern whose words cannot be read is always scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

try:  # the parser `re` compiles with; absent, every pattern is simply always scanned
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre = _sre_parse = None

__all__ = ["AnyOf", "Lowered", "Sieve", "Sieves", "folded", "lead", "lowered", "required_words"]

# Characters outside ASCII that IGNORECASE matches to an ASCII letter (dotted capital I,
# dotless i, long s, Kelvin sign). In a text holding one, the lower-cased text may not show
# the letter a pattern matched, so such a text is always scanned.
LOOKALIKES = "\u0130\u0131\u017f\u212a"
_LOOKALIKE = re.compile(f"[{LOOKALIKES}]")

Clause = frozenset[str]  # at least one of these words is in every text the pattern matches
Option = tuple[Clause, ...]  # all of these clauses hold; a pattern's options are alternatives

_MAX_CLAUSES = 3  # per option: more would cost more than the scan they save


def folded(text: str) -> str | None:
    """The lower-cased text the word tests read, or None when they cannot be trusted. It has
    the text's length, so offsets carry over (İ, the one letter whose lower case is longer,
    is a lookalike)."""
    if text.isascii() or _LOOKALIKE.search(text) is None:
        return text.lower()
    return None


def _char(code: int) -> str | None:
    """A literal character as the lower-cased text shows it; None for one whose lower case
    is not a plain one-to-one mapping (non-ASCII letters)."""
    c = chr(code)
    if c.isascii():
        return c.lower()
    if not c.isalpha() and c.lower() == c == c.upper():
        return c  # punctuation: "’", "–", "©"
    return None


def _score(clause: Clause) -> tuple[int, int]:
    """Longer words reject more sentences; fewer words cost fewer tests."""
    return min(len(w.strip()) for w in clause), -len(clause)


def _best(clauses: list[Clause]) -> Clause | None:
    return max(clauses, key=_score) if clauses else None


def _clauses(items: Iterable[tuple[Any, Any]]) -> list[Clause]:
    """What a sequence of parsed pattern items requires of the text it matches."""
    c = _sre
    out: list[Clause] = []
    run = ""
    for op, av in items:
        if op is c.LITERAL:
            ch = _char(av)
            if ch is not None:
                run += ch
                continue
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero width: the literals on either side are adjacent in the text
        if run:
            out.append(frozenset((run,)))
            run = ""
        if op is c.SUBPATTERN:
            out += _clauses(av[-1])
        elif op is c.ATOMIC_GROUP:
            out += _clauses(av)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if av[0] >= 1:
                out += _clauses(av[2])
        elif op is c.BRANCH:
            best = [_best(_clauses(alternative)) for alternative in av[1]]
            if all(b is not None for b in best):
                out.append(frozenset().union(*best))  # type: ignore[arg-type]
        elif op is c.IN:
            chars = [_char(v) if o is c.LITERAL else None for o, v in av]
            if chars and all(ch is not None for ch in chars):
                out.append(frozenset(chars))  # type: ignore[arg-type]
    if run:
        out.append(frozenset((run,)))
    return [clause for clause in out if _score(clause)[0] > 0]


def _reduced(clause: Clause) -> Clause:
    """A word that holds another word of its clause adds nothing ("january" beside "jan")."""
    return frozenset(w for w in clause if not any(v != w and v in w for v in clause))


def _option(clauses: list[Clause]) -> Option:
    """The best clauses first (in a fixed order: the same tests run in every process)."""
    ranked = sorted({_reduced(c) for c in clauses}, key=lambda c: (_score(c), sorted(c)),
                    reverse=True)
    return tuple(ranked[:_MAX_CLAUSES])


def required_words(pattern: re.Pattern[str]) -> tuple[Option, ...] | None:
    """The words a text must hold for `pattern` to match in it: the pattern's top-level
    alternatives, each a list of clauses of words; None when nothing can be read."""
    if _sre_parse is None:
        return None
    try:
        items = list(_sre_parse.parse(pattern.pattern, pattern.flags))
        c = _sre
        while len(items) == 1 and items[0][0] is c.SUBPATTERN:
            items = list(items[0][1][-1])
        # a top-level alternation (beside anchors, which require no words) keeps one option
        # per alternative, with all its clauses
        core = [(op, av) for op, av in items if op not in (c.AT, c.ASSERT, c.ASSERT_NOT)]
        while len(core) == 1 and core[0][0] is c.SUBPATTERN:  # "\b(?P<name>a|b)\b"
            core = [(op, av) for op, av in core[0][1][-1]
                    if op not in (c.AT, c.ASSERT, c.ASSERT_NOT)]
        if len(core) == 1 and core[0][0] is c.BRANCH:
            alternatives = [list(a) for a in core[0][1][1]]
        else:
            alternatives = [items]
        options = tuple(_option(_clauses(a)) for a in alternatives)
    except Exception:  # an unknown construct: scan always
        return None
    if any(not option for option in options):
        return None
    return tuple(dict.fromkeys(options))


_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
               "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


def _first_of(items: Iterable[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """The characters a match of the sequence can start with (as class members), None when
    any; and whether the sequence can match the empty string."""
    c = _sre
    out: set[str] = set()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        first, empty = _first_of_item(op, av)
        if first is None:
            return None, False
        out |= first
        if not empty:
            return out, False
    return out, True


def _first_of_item(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    c = _sre
    if op is c.LITERAL:
        return {re.escape(chr(av))}, False
    if op is c.IN:
        members: set[str] = set()
        for o, v in av:
            if o is c.LITERAL:
                members.add(re.escape(chr(v)))
            elif o is c.RANGE:
                members.add(f"{re.escape(chr(v[0]))}-{re.escape(chr(v[1]))}")
            elif o is c.CATEGORY and str(v) in _CATEGORIES:
                members.add(_CATEGORIES[str(v)])
            else:
                return None, False  # a negated class and the like: any character
        return members, False
    if op is c.BRANCH:
        out: set[str] = set()
        empty = False
        for alternative in av[1]:
            first, alt_empty = _first_of(alternative)
            if first is None:
                return None, False
            out |= first
            empty = empty or alt_empty
        return out, empty
    if op is c.SUBPATTERN:
        return _first_of(av[-1])
    if op is c.ATOMIC_GROUP:
        return _first_of(av)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        first, empty = _first_of(av[2])
        return first, empty or av[0] == 0
    return None, False


def lead(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern behind a lookahead for the characters its matches can start with.

    The matches are the same; the engine, which tries a pattern at every position, then
    rejects most positions on one character instead of trying each alternative there
    ("killed|dead|died|..." behind "\\b"). A pattern whose first characters cannot be read
    is returned as it is."""
    if _sre_parse is None:
        return pattern
    try:
        items = list(_sre_parse.parse(pattern.pattern, pattern.flags))
        first, empty = _first_of(items)
        if first is None or empty or not first:
            return pattern
        head = items[0][0]
        while head is _sre.SUBPATTERN and items[0][1][-1]:
            items = list(items[0][1][-1])
            head = items[0][0]
        uncased = all(len(m) == 1 and m.lower() == m.upper() for m in
                      (re.sub(r"\\(.)", r"\1", m) for m in first))
        if head in (_sre.LITERAL, _sre.IN, _sre.BRANCH) and (
                uncased or not pattern.flags & re.IGNORECASE):
            return pattern  # the engine scans for such a start itself
        members = "".join(sorted(first))
        return re.compile(f"(?=[{members}])(?:{pattern.pattern})", pattern.flags)
    except Exception:  # an unknown construct, or flags that must stay at the start
        return pattern


def _case_free(items: Iterable[tuple[Any, Any]]) -> bool:
    """Whether parsed pattern items match the same in lower-cased text without IGNORECASE:
    no upper-case or non-ASCII letter, no back reference."""
    c = _sre
    for op, av in items:
        if op in (c.LITERAL, c.NOT_LITERAL):
            ch = chr(av)
            if ch.isalpha() and not (ch.isascii() and ch.islower()):
                return False
        elif op is c.IN:
            for o, v in av:
                if o in (c.LITERAL, c.NOT_LITERAL):
                    ch = chr(v)
                    if ch.isalpha() and not (ch.isascii() and ch.islower()):
                        return False
                elif o is c.RANGE:
                    lo, hi = v
                    if hi > 127 or any(chr(i).isupper() for i in range(lo, hi + 1)):
                        return False
                elif o not in (c.NEGATE, c.CATEGORY):
                    return False
        elif op is c.SUBPATTERN:
            if not _case_free(av[-1]):
                return False
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if not _case_free(av[1]):
                return False
        elif op is c.ATOMIC_GROUP:
            if not _case_free(av):
                return False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if not _case_free(av[2]):
                return False
        elif op is c.BRANCH:
            if not all(_case_free(alternative) for alternative in av[1]):
                return False
        elif op not in (c.AT, c.ANY, c.CATEGORY):
            return False  # a back reference, a conditional group: not worth the thought
    return True


def lowered(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A case-insensitive `pattern` as a case-sensitive one that finds the same matches
    (same spans and groups, in lower case) in the `folded()` form of a text.

    Under IGNORECASE the engine tries every alternative of an alternation at each position;
    without it, it turns an alternative away on its first letter, so the scan of a long
    alternation ("more than|over|at least|...") is several times faster. None when the
    pattern holds something lower-cased text would not match alike (an upper-case letter,
    a back reference)."""
    if _sre_parse is None or not pattern.flags & re.IGNORECASE:
        return None
    try:
        if not _case_free(_sre_parse.parse(pattern.pattern, pattern.flags)):
            return None
        return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
    except Exception:  # an unknown construct: keep the pattern as it is
        return None


class Lowered:
    """A case-insensitive pattern kept with its `lowered` form, which scans the `folded()`
    text several times faster (a long alternation is turned away on its first letter).
    Matches have the pattern's spans; their groups are lower-cased when the folded text was
    scanned, so this serves callers that read positions or whether a match exists."""

    __slots__ = ("pattern", "low")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.low = lowered(pattern)

    def search(self, text: str, lower: str | None) -> re.Match[str] | None:
        """`pattern.search(text)`, `lower` being `folded(text)`."""
        if self.low is None or lower is None:
            return self.pattern.search(text)
        return self.low.search(lower)

    def finditer(self, text: str, lower: str | None) -> Iterator[re.Match[str]]:
        """`pattern.finditer(text)`, `lower` being `folded(text)`."""
        if self.low is None or lower is None:
            return self.pattern.finditer(text)
        return self.low.finditer(lower)

    def finditer_cased(self, text: str, lower: str | None) -> Iterator[re.Match[str]]:
        """The very matches of `pattern.finditer(text)`, groups in their case: the scan is
        made in `lower`, and each match made again in `text` at the place found (the
        pattern matches there alike), which costs far less than the scan."""
        if self.low is None or lower is None:
            yield from self.pattern.finditer(text)
            return
        pattern = self.pattern
        for found in self.low.finditer(lower):
            m = pattern.match(text, found.start())
            if m is not None:  # always, by `lowered`
                yield m


class Sieve:
    """A compiled pattern with the word tests read from it. `pattern` finds the same matches
    as the pattern given (see `lead`)."""

    __slots__ = ("pattern", "options", "_words")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = lead(pattern)  # the same matches, found faster
        self.options = required_words(pattern)
        # the common case, one list of words one of which must be there, tested directly
        single = self.options is not None and len(self.options) == 1 \
            and len(self.options[0]) == 1
        self._words = tuple(sorted(self.options[0][0])) if single else None  # type: ignore[index]

    def admits(self, lower: str | None) -> bool:
        """Whether the pattern may match a text whose `folded()` form is `lower`."""
        if lower is None or self.options is None:
            return True
        if self._words is not None:
            for word in self._words:
                if word in lower:
                    return True
            return False
        for option in self.options:
            for clause in option:
                for word in clause:
                    if word in lower:
                        break
                else:
                    break  # no word of this clause: the option fails
            else:
                return True
        return False

    def search(self, text: str, lower: str | None) -> re.Match[str] | None:
        return self.pattern.search(text) if self.admits(lower) else None

    def finditer(self, text: str, lower: str | None) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text) if self.admits(lower) else iter(())


class Sieves:
    """Many sieves tried on the same text (a catalogue of patterns): the word tests of all
    of them at once.

    Each word of the first clause of an option (every text the option admits holds one) is
    looked for once; only the sieves one of those words belongs to are then asked, so the
    answer is exactly that of asking every sieve, at a fraction of the cost when most turn
    the text away."""

    __slots__ = ("sieves", "_words", "_always", "_sure")

    def __init__(self, sieves: Sequence[Sieve]) -> None:
        self.sieves = list(sieves)
        index: dict[str, list[int]] = {}
        always: list[int] = []
        for i, sieve in enumerate(self.sieves):
            if sieve.options is None:
                always.append(i)
                continue
            for option in sieve.options:
                for word in sorted(option[0]):
                    index.setdefault(word, []).append(i)
        self._words = tuple((word, tuple(ids)) for word, ids in sorted(index.items()))
        self._always = tuple(always)
        # sieves whose one test is a word of the index: found there, they admit the text
        self._sure = frozenset(always) | frozenset(
            i for i, sieve in enumerate(self.sieves) if sieve._words is not None)

    def admitted(self, lower: str | None) -> list[int]:
        """The indices, in order, of the sieves that admit a text whose `folded()` form is
        `lower`."""
        if lower is None:
            return list(range(len(self.sieves)))
        found = [ids for word, ids in self._words if word in lower]
        if not found and not self._always:
            return []
        sieves = self.sieves
        sure = self._sure
        return [i for i in sorted(set(self._always).union(*found))
                if i in sure or sieves[i].admits(lower)]


_PLAIN_WORD = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


class AnyOf:
    """Alternatives of a case-insensitive pattern, some of them plain words ("drone"):
    whether any matches is answered by word tests, the rest by the pattern of the others.
    The answer is exactly that of `pattern.search`, which the pattern is kept for."""

    __slots__ = ("pattern", "_words", "_lowered", "_others")

    def __init__(self, alternatives: Sequence[str]) -> None:
        self.pattern = re.compile("|".join(alternatives), re.IGNORECASE)
        self._words = tuple(a for a in alternatives if _PLAIN_WORD.fullmatch(a))
        rest = [a for a in alternatives if not _PLAIN_WORD.fullmatch(a)]
        # the rest in two patterns: those that scan the lower-cased text alike (faster, see
        # `lowered`), and the others (an upper-case or non-ASCII letter), scanned in the text
        low = [a for a in rest if lowered(re.compile(a, re.IGNORECASE)) is not None]
        others = [a for a in rest if a not in low]
        self._lowered = lowered(re.compile("|".join(low), re.IGNORECASE)) if low else None
        self._others = re.compile("|".join(others), re.IGNORECASE) if others else None

    def found(self, text: str, lower: str | None) -> bool:
        """Whether the pattern matches in `text` (`lower` its `folded()` form)."""
        if lower is None:
            return self.pattern.search(text) is not None
        for word in self._words:
            if word in lower:
                return True
        if self._lowered is not None and self._lowered.search(lower) is not None:
            return True
        return self._others is not None and self._others.search(text) is not None
