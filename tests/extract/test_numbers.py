from __future__ import annotations

import pytest

from flows.extract.numbers import find_quantities, parse_digits, parse_words


def values(text: str) -> list[tuple[int | None, str]]:
    return [(q.value, q.qualifier) for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the attack involved 28 drones", [(28, "exact")]),
        ("more than 32,000 drones a year", [(32000, "at_least")]),
        ("1 million FPV drones", [(1_000_000, "exact")]),
        ("1.5 million shells", [(1_500_000, "exact")]),
        ("Eleven dead", [(11, "exact")]),
        ("twenty-eight drones", [(28, "exact")]),
        ("one hundred and fifty drones", [(150, "exact")]),
        ("almost 300 missiles", [(300, "approx")]),
        ("nearly 40 drones", [(40, "approx")]),
        ("at least 14 people", [(14, "at_least")]),
        ("up to 40 drones", [(40, "at_most")]),
        ("dozens of drones", [(None, "approx")]),
        ("two dozen drones", [(24, "approx")]),
    ],
)
def test_quantities_and_qualifiers(text: str, expected: list[tuple[int | None, str]]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Kh-101 and S-300 missiles", "on January 2", "on 2 January", "at 10:15 local time",
     "in 2024", "70% of its stock", "the 3rd brigade"],
)
def test_things_that_are_not_counts(text: str) -> None:
    assert values(text) == []


def test_offsets_point_at_the_phrase() -> None:
    text = "Russia fired almost 300 missiles."
    (q,) = find_quantities(text)
    assert text[q.start:q.end] == "almost 300"
    assert text[q.num_start:q.end] == "300"


def test_parsers() -> None:
    assert parse_digits("7.66 billion") == 7_660_000_000
    assert parse_digits("32,000") == 32_000
    assert parse_words("forty two") == 42
    assert parse_words("banana") is None
