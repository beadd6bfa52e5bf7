from __future__ import annotations

from datetime import date

import pytest

from flows.extract.dates import find_dates, sentence_date

PUB = date(2024, 1, 7)  # a Sunday


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("Russia launched 28 drones overnight", date(2024, 1, 7), "day"),
        ("Drones struck the city last night", date(2024, 1, 7), "day"),
        ("A missile hit the town on Saturday", date(2024, 1, 6), "day"),
        ("The strike on Sunday killed two", date(2024, 1, 7), "day"),
        ("Missiles struck Kharkiv on January 2", date(2024, 1, 2), "day"),
        ("Missiles struck Kharkiv on 2 January", date(2024, 1, 2), "day"),
        ("The attack on December 30 damaged homes", date(2023, 12, 30), "day"),
        ("A drone hit a depot yesterday", date(2024, 1, 6), "day"),
        ("Last week's strike killed nine", date(2023, 12, 25),
         "week"),
        ("Attacks intensified this month", date(2024, 1, 1), "month"),
    ],
)
def test_relative_dates_resolve_against_publication(text: str, expected: date,
                                                    precision: str) -> None:
    mention = sentence_date(text, PUB)
    assert mention is not None
    assert mention.when.value == expected
    assert mention.when.precision == precision


def test_period_totals_are_ranges_not_days() -> None:
    text = ("Zelensky said on Sunday Russia fired almost 300 missiles in the last days of 2023 "
            "and the first days of 2024")
    mention = sentence_date(text, PUB)
    assert mention is not None and mention.when.precision == "range"


def test_no_publication_date_leaves_relative_dates_unknown() -> None:
    mention = sentence_date("A missile hit the town on Saturday", None)
    assert mention is not None
    assert mention.when.value is None and mention.when.precision == "unknown"


def test_absolute_dates_resolve_without_publication() -> None:
    mention = sentence_date("Missiles struck on January 2, 2024", None)
    assert mention is not None and mention.when.value == date(2024, 1, 2)


def test_year_long_periods_are_background() -> None:
    kinds = [d.kind for d in find_dates("In 2023 Russia fired thousands of missiles", PUB)]
    assert kinds == ["background"]
