"""Money: amounts, currencies and qualifiers in text; conversion to US dollars."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from flows.extract.money import FX_RATES_PATH, find_money, to_usd


@pytest.mark.parametrize("phrase, amount, currency", [
    ("$37 million", 37_000_000.0, "USD"),
    ("US$37m", 37_000_000.0, "USD"),
    ("USD 37 million", 37_000_000.0, "USD"),
    ("37 million dollars", 37_000_000.0, "USD"),
    ("7.66 billion dollars", 7_660_000_000.0, "USD"),
    ("7.66 billion US dollars", 7_660_000_000.0, "USD"),
    ("$1,250,000", 1_250_000.0, "USD"),
    ("EUR 500 million", 500_000_000.0, "EUR"),
    ("€500m", 500_000_000.0, "EUR"),
    ("500 million euros", 500_000_000.0, "EUR"),
    ("1.2bn euros", 1_200_000_000.0, "EUR"),
    ("£2.5bn", 2_500_000_000.0, "GBP"),
    ("GBP 100 million", 100_000_000.0, "GBP"),
    ("2.5 billion pounds", 2_500_000_000.0, "GBP"),
    ("100 million yen", 100_000_000.0, "JPY"),
    ("JPY 5 billion", 5_000_000_000.0, "JPY"),
    ("40 billion hryvnias", 40_000_000_000.0, "UAH"),
    ("1 million hryvnia", 1_000_000.0, "UAH"),
    ("UAH 16 billion", 16_000_000_000.0, "UAH"),
    ("1.5 trillion roubles", 1_500_000_000_000.0, "RUB"),
    ("200 million rubles", 200_000_000.0, "RUB"),
    ("RUB 200 million", 200_000_000.0, "RUB"),
    ("500 million Canadian dollars", 500_000_000.0, "CAD"),
    ("C$500m", 500_000_000.0, "CAD"),
    ("CAD 500 million", 500_000_000.0, "CAD"),
    ("A$100 million", 100_000_000.0, "AUD"),
    ("a billion euros", 1_000_000_000.0, "EUR"),
])
def test_amounts_and_currencies(phrase: str, amount: float, currency: str) -> None:
    text = f"The government said it would provide {phrase} for air defence."
    found = find_money(text)
    assert [(m.amount, m.currency, m.qualifier, m.surface) for m in found] == [
        (amount, currency, "exact", phrase)]
    assert text[found[0].start:found[0].end] == phrase


@pytest.mark.parametrize("lead, qualifier", [
    ("more than", "at_least"), ("over", "at_least"), ("at least", "at_least"),
    ("about", "approx"), ("almost", "approx"), ("nearly", "approx"), ("some", "approx"),
    ("up to", "at_most"), ("as much as", "at_most"),
])
def test_qualifier_immediately_before(lead: str, qualifier: str) -> None:
    found = find_money(f"The plan will cost {lead} $5 billion by 2030.")
    assert [(m.amount, m.qualifier, m.surface) for m in found] == [
        (5_000_000_000.0, qualifier, "$5 billion")]


def test_qualifier_further_away_does_not_count() -> None:
    found = find_money("More than a year later, Norway gave $40m to the fund.")
    assert [(m.amount, m.qualifier) for m in found] == [(40_000_000.0, "exact")]


@pytest.mark.parametrize("text", [
    "Protesters waved $ signs outside the ministry.",
    "Russia launched 500 drones and 40 missiles in 2024.",
    "Each truck carried 500 pounds of explosives.",
    "The EUR and the USD both fell.",
    "About 37 million people live there.",
])
def test_not_money(text: str) -> None:
    assert find_money(text) == []


def test_several_amounts_in_one_sentence_are_sorted_and_separate() -> None:
    text = "Germany gave €1.4bn, Britain £150m and Japan $37 million (JPY 5.5 billion)."
    found = find_money(text)
    assert [(m.currency, m.amount) for m in found] == [
        ("EUR", 1_400_000_000.0), ("GBP", 150_000_000.0), ("USD", 37_000_000.0),
        ("JPY", 5_500_000_000.0)]
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start


def _rates() -> dict[tuple[int, str], float]:
    with FX_RATES_PATH.open(encoding="utf-8", newline="") as fh:
        return {(int(r["year"]), r["currency"]): float(r["usd_per_unit"])
                for r in csv.DictReader(fh)}


def test_rate_table_covers_required_currencies_and_years_with_sources() -> None:
    with FX_RATES_PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) == {"year", "currency", "usd_per_unit", "source"}
    have = {(int(r["year"]), r["currency"]) for r in rows}
    for code in ("EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "PLN", "UAH",
                 "RUB"):
        for year in range(2022, 2026):
            assert (year, code) in have
    assert all(r["source"].strip() for r in rows)
    assert all(float(r["usd_per_unit"]) > 0 for r in rows)


def test_to_usd_uses_the_year_of_the_date() -> None:
    rates = _rates()
    assert to_usd(500_000_000, "EUR", date(2024, 1, 7)) == \
        round(500_000_000 * rates[(2024, "EUR")], 2)
    assert to_usd(500_000_000, "eur", date(2023, 6, 1)) == \
        round(500_000_000 * rates[(2023, "EUR")], 2)
    assert to_usd(500_000_000, "EUR", date(2023, 6, 1)) != to_usd(500_000_000, "EUR",
                                                                 date(2024, 6, 1))


def test_to_usd_outside_the_table_and_without_a_date() -> None:
    rates = _rates()
    latest = max(y for y, c in rates if c == "GBP")
    earliest = min(y for y, c in rates if c == "GBP")
    assert to_usd(1_000, "GBP") == round(1_000 * rates[(latest, "GBP")], 2)
    assert to_usd(1_000, "GBP", date(2019, 3, 1)) == round(1_000 * rates[(earliest, "GBP")], 2)
    assert to_usd(1_000, "GBP", date(2031, 3, 1)) == round(1_000 * rates[(latest, "GBP")], 2)


def test_to_usd_dollars_unknown_currencies_and_cents() -> None:
    assert to_usd(37_000_000, "USD") == 37_000_000.0
    assert to_usd(10.005, "USD", date(2024, 1, 1)) == round(10.005, 2)
    assert to_usd(1_000, "XYZ") is None
    assert to_usd(1_000, "CNY", date(2024, 1, 1)) is None
    converted = to_usd(1_234_567.891, "JPY", date(2024, 1, 1))
    assert converted is not None and round(converted, 2) == converted
