from __future__ import annotations

from datetime import date

from flows.extract.article import extract_article
from flows.extract.model import AidPledgeFact, ProductionFact

PUB = date(2024, 1, 7)


def production(text: str) -> list[tuple]:
    facts = extract_article(text, PUB).facts
    return [(f.actor.name if f.actor else None, f.weapon.name, f.quantity, f.qualifier, f.period,
             f.target_year, f.cost_usd) for f in facts if isinstance(f, ProductionFact)]


def pledges(text: str) -> list[AidPledgeFact]:
    return [f for f in extract_article(text, PUB).facts if isinstance(f, AidPledgeFact)]


def test_annual_plan_with_a_cost() -> None:
    text = ("Russia's war economy keeps growing. Moscow aims to produce more than 32,000 drones a "
            "year by 2030 at a cost of 7.66 billion dollars, according to the programme.")
    assert production(text) == [("Russia", "drone", 32000, "at_least", "year", 2030,
                                 7_660_000_000.0)]


def test_two_weapons_in_one_plan() -> None:
    text = ("Ukraine plans to build more than 11,000 medium- and long-range attack drones in "
            "2024, as well as 1 million FPV drones, the minister said of the war effort.")
    assert production(text) == [
        ("Ukraine", "attack drone", 11000, "at_least", "year", 2024, None),
        ("Ukraine", "FPV drone", 1_000_000, "exact", "year", 2024, None)]


def test_output_raised_to_a_monthly_figure() -> None:
    text = ("Russia's military wants to raise output of Shahed-type attack drones to 6,000 a "
            "month by the end of 2025, officials said as the war went on.")
    assert production(text) == [("Russia", "Shahed-136", 6000, "exact", "month", 2025, None)]


def test_origin_is_not_production() -> None:
    text = ("Prosecutors said one of several missiles Russia fired at Kharkiv may have been made "
            "in North Korea, the war crimes unit said.")
    assert production(text) == []


def test_pledge_with_donor_recipient_and_purpose() -> None:
    text = ("Japan will put $37 million into a NATO trust fund to buy drone-detection systems "
            "for Ukraine, the foreign minister said during a visit to Kyiv amid the war.")
    (p,) = pledges(text)
    assert p.donor is not None and p.donor.name == "Japan"
    assert (p.amount, p.currency, p.amount_usd) == (37_000_000.0, "USD", 37_000_000.0)
    assert p.recipient == "NATO trust fund"
    assert p.purpose is not None and p.purpose.startswith("drone-detection systems")


def test_euro_pledge_is_converted_with_the_rate_table() -> None:
    text = ("Germany will give Ukraine a further 1.2bn euros for air defence, the defence "
            "minister said, as Russian missile strikes continued.")
    (p,) = pledges(text)
    assert (p.amount, p.currency) == (1_200_000_000.0, "EUR")
    assert p.amount_usd is not None and 1.1e9 < p.amount_usd < 1.5e9


def test_damage_estimates_are_not_pledges() -> None:
    text = ("Ukraine's government estimated damage from Russian strikes at $150 billion, and "
            "said it would need support from allies.")
    assert pledges(text) == []


def test_articles_not_in_english_yield_no_facts() -> None:
    text = ("Russland hat in der Nacht 28 Drohnen und drei Marschflugkörper auf die Ukraine "
            "abgefeuert, 21 Drohnen wurden abgeschossen, teilte die Luftwaffe mit.")
    result = extract_article(text, PUB)
    assert result.language == "de" and result.facts == []


def test_off_topic_money_and_drones_yield_nothing() -> None:
    text = ("The city council approved a budget of $37 million for parks, and organisers "
            "launched 500 drones in a light show over the harbour.")
    assert extract_article(text, PUB).facts == []
