"""The words the gazetteer matcher reads are built in bulk (`places._tokens`); they must be
those a plain loop over the word pattern gives, possessives and apostrophes included."""

from __future__ import annotations

import pytest

from flows.extract import places


def _reference(text: str) -> list[tuple[int, int, str, bool, str]]:
    out = []
    for m in places._TOKEN.finditer(text):
        word, start = m.group(), m.start()
        possessive = word.endswith(("'s", "’s")) and len(word) > 2
        if possessive:
            word = word[:-2]
        key = word.casefold() if word.isascii() and word.isalpha() else places._key(word)
        out.append((start, start + len(word), word, possessive, key))
    return out


@pytest.mark.parametrize("text", [
    "Russian drones struck the Odesa region overnight, the governor said.",
    "Kyiv's mayor and Kharkiv’s governor spoke; O'Brien's report followed.",
    "The strike on Kryvyi Rih's centre killed 3; 's and ’s alone are no words.",
    "Dnipró, Київ and Zaporizhzhia ʼs — a`b ZAPORIZHZHIA'S, x's",
    "",
    "12 345 ... !!!",
    "O'Neill and d`Arc met in Kyiv.",  # ASCII, an apostrophe inside a word
])
def test_tokens_are_those_of_a_plain_loop(text: str) -> None:
    assert [tuple(t) for t in places._tokens(text)] == _reference(text)
