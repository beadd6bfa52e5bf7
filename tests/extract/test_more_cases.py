"""Phenomena met in the third and fourth dev batches, one test each."""

from __future__ import annotations

from datetime import date

from flows.extract.article import extract_article
from flows.extract.casualties import sentence_toll
from flows.extract.model import AidPledgeFact, CasualtyFact, StrikeFact

PUB = date(2025, 3, 8)


def strikes(text: str) -> list[tuple]:
    return sorted((f.weapon.name, f.launched, f.intercepted)
                  for f in extract_article(text, PUB).facts if isinstance(f, StrikeFact))


def test_table_rows_with_three_parts() -> None:
    text = ("Ukraine's air force published its figures for the Russian attack overnight.\n\n"
            "Shahed attack drones - Launched: 112 / Shot down: 74 / Locationally lost: 31\n"
            "Kh-101 cruise missiles - Launched: 4 / Shot down: 4\n")
    assert strikes(text) == [("Kh-101", 4, 4), ("Shahed-136", 112, 74)]


def test_numbered_list_with_verbs_after_numbers() -> None:
    text = ("Russia attacked Ukraine overnight, the air force said.\n\n"
            "1. Shahed attack UAVs: 86 launched from the Kursk region; 57 neutralised.\n"
            "2. Iskander-M ballistic missiles: 2 launched; not intercepted.\n")
    assert strikes(text) == [("Iskander-M", 2, 0), ("Shahed-136", 86, 57)]


def test_zero_and_all_in_words() -> None:
    text = ("Russia fired two Iskander-M ballistic missiles at the Kharkiv region, and neither "
            "of them was shot down, the air force said. Russian forces also launched six drones "
            "at Zaporizhzhia, all of which were shot down.")
    assert strikes(text) == [("Iskander-M", 2, 0), ("drone", 6, 6)]


def test_toll_total_is_not_added_to_the_increment() -> None:
    toll = sentence_toll("In the afternoon the bodies of two more people were recovered from "
                         "the rubble, bringing the toll to 16.")
    assert toll is not None and toll.killed == 16


def test_medical_help_for_wounds_is_injury_and_shock_is_not() -> None:
    toll = sentence_toll("Five people received medical help for cuts and burns.")
    assert toll is not None and toll.injured == 5
    toll = sentence_toll("Fourteen people were treated for shock, but no one was injured.")
    assert toll is None or toll.injured is None


def test_apposition_restates_the_people_counted() -> None:
    toll = sentence_toll("The bodies of four people, a couple and their two daughters aged 6 "
                         "and 12, were recovered from the ruins.")
    assert toll is not None and (toll.killed, toll.children_killed) == (4, 2)


def test_correction_figures_are_not_tolls() -> None:
    assert sentence_toll("Correction: An earlier version of this story said 43 people had been "
                         "wounded in Pavlohrad.") is None


def test_package_parts_and_own_spending_are_not_pledges() -> None:
    text = ("Britain announced a new military aid package for Ukraine worth 1.7 billion pounds "
            "on Monday. The package includes 1.2 billion pounds for air defence missiles and 300 "
            "million pounds for drones. Ukraine's own defence spending this year is planned at "
            "about 1.7 trillion hryvnias, the finance ministry said during the war.")
    pledges = [f for f in extract_article(text, PUB).facts if isinstance(f, AidPledgeFact)]
    assert [(p.amount, p.currency) for p in pledges] == [(1_700_000_000.0, "GBP")]


def test_soldiers_killed_in_a_strike_are_a_toll_but_loss_claims_are_not() -> None:
    facts = extract_article(
        "A Russian missile strike on a training ground in the Dnipropetrovsk region killed 12 "
        "servicemen on Sunday, the command said. Ukraine's general staff said its forces had "
        "killed 1,200 Russian soldiers over the past day.", PUB).facts
    assert [f.killed for f in facts if isinstance(f, CasualtyFact)] == [12]


def test_region_lines_under_a_header_are_one_row_each() -> None:
    text = ("MOSCOW -- Russia's defence ministry said its air defences had destroyed 30 "
            "Ukrainian drones overnight, and listed them by region:\n\n"
            "Bryansk region - 17\nKursk region - 9\nOryol region - 4\n\n"
            "The ministry gave no details of any damage.")
    facts = [f for f in extract_article(text, PUB).facts if isinstance(f, StrikeFact)]
    assert sorted((f.place.name if f.place else None, f.intercepted) for f in facts) == [
        ("Bryansk Oblast", 17), ("Kursk Oblast", 9), ("Oryol Oblast", 4)]
    assert all(f.attacker is not None and f.attacker.name == "Ukraine" for f in facts)
