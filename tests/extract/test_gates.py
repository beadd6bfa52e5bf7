"""The cheap per-sentence gates and the look back over earlier sentences.

The gates are computed from each sentence's words; they must equal what one pass over the
article's tokens gives (the definition kept here as the reference), for plain English text and
for text with other scripts, digit signs and currency symbols.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from pathlib import Path

import pytest

from flows.extract.context import (
    _GATE_TOKEN,
    _GATE_WORDS,
    _GATES,
    _SYMBOLS,
    ArticleContext,
    annotate,
)
from flows.synth import generate

ROOT = Path(__file__).resolve().parents[2]
PUB = date(2024, 3, 4)


def _reference_gates(ctx: ArticleContext) -> list[set[str]]:
    """One pass over the article's tokens (or, when lower-casing changes the length, each
    gate's pattern), each hit assigned to the sentence it starts in."""
    lower = ctx.text.lower()
    if len(lower) != len(ctx.text):
        hits = [(m.start(), gate) for gate, p in _GATES.items() for m in p.finditer(ctx.text)]
    else:
        hits = []
        for m in _GATE_TOKEN.finditer(lower):
            token = m.group()
            gates = _GATE_WORDS.get(token)
            if gates is not None:
                hits += [(m.start(), g) for g in gates]
            elif token[0].isdigit():
                hits.append((m.start(), "count"))
                if token in ("300", "400"):
                    hits.append((m.start(), "weapon"))
            elif token in _SYMBOLS:
                hits.append((m.start(), "money"))
    starts = [s.sentence.start for s in ctx.sentences]
    out: list[set[str]] = [set() for _ in ctx.sentences]
    for pos, gate in hits:
        i = bisect_right(starts, pos) - 1
        if i >= 0 and pos < ctx.sentences[i].sentence.end:
            out[i].add(gate)
    return out


# Written for these tests.
EDGE_CASES = [
    "Russia fired S-300 and S-400 missiles at Kharkiv; 1300 homes lost power. Two were hurt.",
    "The package is worth €500 million, or ₴20 billion, and $37m more follows next year.",
    "Дрони атакували Київ. Twenty-eight drones were destroyed over the capital overnight.",
    "The shelter covers 40 m² and held x² people. Nobody was injured, officials said.",
    "Ukraine’s air force said it downed 21 of 28 drones, while “debris” fell on houses.",
    "İstanbul talks ended. Russia launched 12 missiles; nine were intercepted overnight.",
    "No figures yet.\n\nA second paragraph: 3 killed, 5 wounded in Sumy on Monday.",
]


def _articles() -> list[str]:
    corpus = sorted((ROOT / "tests" / "corpus" / "landing").iterdir())[:40]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in corpus if p.is_file()]
    return texts + [a.text() for a in generate(15, seed=7)] + EDGE_CASES


@pytest.mark.parametrize("text", _articles())
def test_sentence_gates_equal_one_pass_over_the_tokens(text: str) -> None:
    ctx = annotate(text, PUB)
    assert ctx._sentence_gates == _reference_gates(ctx)


def test_gates_of_an_edge_case_article() -> None:
    first, second = annotate(EDGE_CASES[0], PUB).sentences
    # "S-300": the number makes the weapon; "lost power" is a harm word, "1300" a count
    assert first.has("weapon") and first.has("count") and first.has("harm")
    assert second.has("count") and second.has("harm") and not second.has("weapon")
    package = annotate(EDGE_CASES[1], PUB).sentences[0]
    assert package.has("money") and package.has("pledge") and not package.has("harm")


def test_earlier_walks_back_like_before_and_stops_when_asked() -> None:
    text = ("Photo: smoke over the city.\n\nRussia launched 20 drones overnight. Twelve were "
            "shot down over Odesa. Debris fell on a school.\n\nThe governor said two people "
            "were hurt. Repairs began on Tuesday.")
    ctx = annotate(text, PUB)
    last = ctx.sentences[-1]
    assert list(last.earlier()) == last.before()
    assert list(last.earlier(within=2)) == last.before(within=2)
    assert [s.text for s in last.earlier(within=1)] == ["The governor said two people were hurt."]
    fresh = annotate(text, PUB)
    assert next(fresh.sentences[-1].earlier()).text.startswith("The governor")
    # a reader that stops there leaves the sentences further back unread
    assert "noise" in fresh.sentences[-2].__dict__
    assert "noise" not in fresh.sentences[0].__dict__
