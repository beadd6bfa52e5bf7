"""Weapons: the conventions table, model lists, spelling variants and the catalogue."""

from __future__ import annotations

import pytest

from flows.extract.model import Weapon
from flows.extract.weapons import WEAPONS, find_weapons, weapon_for

CATEGORIES = {"drone", "missile", "artillery", "glide_bomb", "aircraft", "other"}


def kinds(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(m.weapon.category, m.weapon.subcategory, m.weapon.model)
            for m in find_weapons(text)]


@pytest.mark.parametrize("phrase, expected", [
    ("Shahed drones", ("drone", "attack drone", "Shahed-136")),
    ("Shahed-131 drones", ("drone", "attack drone", "Shahed-131")),
    ("Geran-2 drones", ("drone", "attack drone", "Shahed-136")),
    ("Shahed-type attack drones", ("drone", "attack drone", "Shahed-136")),
    ("Iranian-made drones", ("drone", "attack drone", "Shahed-136")),
    ("kamikaze drones", ("drone", "attack drone", None)),
    ("strike drones", ("drone", "attack drone", None)),
    ("loitering munitions", ("drone", "attack drone", None)),
    ("a Lancet", ("drone", "attack drone", "Lancet")),
    ("reconnaissance drones", ("drone", "reconnaissance drone", None)),
    ("an Orlan-10", ("drone", "reconnaissance drone", "Orlan-10")),
    ("a Zala", ("drone", "reconnaissance drone", "Zala")),
    ("FPV drones", ("drone", "FPV drone", None)),
    ("decoy drones", ("drone", "decoy drone", None)),
    ("Gerbera drones", ("drone", "decoy drone", "Gerbera")),
    ("UAVs", ("drone", None, None)),
    ("cruise missiles", ("missile", "cruise missile", None)),
    ("Kh-101 missiles", ("missile", "cruise missile", "Kh-101")),
    ("a Kh-555", ("missile", "cruise missile", "Kh-555")),
    ("a Kh-55", ("missile", "cruise missile", "Kh-55")),
    ("Kalibr missiles", ("missile", "cruise missile", "Kalibr")),
    ("Kh-59 missiles", ("missile", "cruise missile", "Kh-59")),
    ("Kh-69 missiles", ("missile", "cruise missile", "Kh-69")),
    ("Iskander-K missiles", ("missile", "cruise missile", "Iskander-K")),
    ("ballistic missiles", ("missile", "ballistic missile", None)),
    ("Iskander-M missiles", ("missile", "ballistic missile", "Iskander-M")),
    ("KN-23 missiles", ("missile", "ballistic missile", "KN-23")),
    ("a Tochka-U", ("missile", "ballistic missile", "Tochka-U")),
    ("Kinzhal missiles", ("missile", "hypersonic missile", "Kinzhal")),
    ("Zircon missiles", ("missile", "hypersonic missile", "Zircon")),
    ("Tsirkon missiles", ("missile", "hypersonic missile", "Zircon")),
    ("S-300 missiles", ("missile", "air defence missile", "S-300")),
    ("S-400 missiles", ("missile", "air defence missile", "S-400")),
    ("Kh-31P missiles", ("missile", "guided missile", "Kh-31P")),
    ("Kh-22 missiles", ("missile", "anti-ship missile", "Kh-22")),
    ("Kh-32 missiles", ("missile", "anti-ship missile", "Kh-32")),
    ("Oniks missiles", ("missile", "anti-ship missile", "Oniks")),
    ("anti-ship missiles", ("missile", "anti-ship missile", None)),
    ("missiles", ("missile", None, None)),
    ("guided aerial bombs", ("glide_bomb", "guided aerial bomb", None)),
    ("glide bombs", ("glide_bomb", "guided aerial bomb", None)),
    ("KABs", ("glide_bomb", "guided aerial bomb", None)),
    ("a FAB-500", ("glide_bomb", "guided aerial bomb", "FAB-500")),
    ("artillery", ("artillery", "shell", None)),
    ("shelling", ("artillery", "shell", None)),
    ("shells", ("artillery", "shell", None)),
    ("MLRS", ("artillery", "rocket", None)),
    ("Grad rockets", ("artillery", "rocket", "Grad")),
    ("a Smerch", ("artillery", "rocket", "Smerch")),
    ("an Uragan", ("artillery", "rocket", "Uragan")),
    ("Tornado-S", ("artillery", "rocket", "Tornado-S")),
])
def test_conventions_table(phrase: str, expected: tuple[str, str | None, str | None]) -> None:
    assert kinds(f"The military said {phrase} were used overnight.") == [expected]


def test_singular_and_plural() -> None:
    assert kinds("one Shahed and two Shaheds") == [("drone", "attack drone", "Shahed-136")] * 2
    assert kinds("a cruise missile and more cruise missiles") == \
        [("missile", "cruise missile", None)] * 2


@pytest.mark.parametrize("spelling, model", [
    ("Kh-101", "Kh-101"), ("X-101", "Kh-101"), ("Kh101", "Kh-101"), ("KH-101", "Kh-101"),
    ("S-300", "S-300"), ("S300", "S-300"), ("Iskander-M", "Iskander-M"),
    ("Iskander M", "Iskander-M"), ("Kinzhal", "Kinzhal"), ("Kinjal", "Kinzhal"),
])
def test_spelling_variants(spelling: str, model: str) -> None:
    found = find_weapons(f"A {spelling} was fired at the city.")
    assert [m.weapon.model for m in found] == [model]
    assert found[0].surface == spelling


def test_models_sharing_a_class_noun_give_one_mention_each() -> None:
    text = ("Russia fired 12 Kh-101/Kh-555 cruise missiles and four Kh-101 and Kalibr cruise "
            "missiles.")
    found = find_weapons(text)
    assert [m.weapon.model for m in found] == ["Kh-101", "Kh-555", "Kh-101", "Kalibr"]
    assert [m.surface for m in found] == [
        "Kh-101", "Kh-555 cruise missiles", "Kh-101", "Kalibr cruise missiles"]
    assert all(m.weapon.subcategory == "cruise missile" for m in found)


def test_model_with_class_noun_is_one_mention() -> None:
    found = find_weapons("It launched 28 Shahed-136 attack drones and 3 Iskander-M ballistic "
                         "missiles.")
    assert [(m.surface, m.weapon.name) for m in found] == [
        ("Shahed-136 attack drones", "Shahed-136"),
        ("Iskander-M ballistic missiles", "Iskander-M")]


def test_missiles_of_various_types() -> None:
    found = find_weapons("Russia used 40 missiles of various types in the attack.")
    assert [(m.surface, m.weapon.category, m.weapon.subcategory) for m in found] == [
        ("missiles of various types", "missile", None)]


def test_a_drone_show_is_still_a_drone_mention() -> None:
    assert kinds("A light show with 500 drones lit up the sky over the bay.") == [
        ("drone", None, None)]


def test_naval_drones_are_not_aerial_drones() -> None:
    assert kinds("Naval drones attacked the ship.") == [("other", "naval drone", None)]


@pytest.mark.parametrize("text", [
    "Gradually the crowd thinned near the petrol station.",
    "The Shell petrol station reopened.",
    "Anti-drone nets were stretched over the road.",
    "The bill passed with 300 votes.",
])
def test_no_weapon(text: str) -> None:
    assert find_weapons(text) == []


def test_mentions_are_sorted_non_overlapping_and_point_into_the_text() -> None:
    text = ("Overnight Russia launched 31 Shahed drones, 4 Kh-101 cruise missiles and an "
            "Iskander-M; air defence destroyed 28 of the drones. Glide bombs and artillery hit "
            "frontline villages, and FPV drones struck a car. ") * 5
    found = find_weapons(text)
    assert len(found) == 7 * 5
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start
    for m in found:
        assert text[m.start:m.end] == m.surface


def test_weapon_for_names_by_model_then_subcategory_then_category() -> None:
    assert weapon_for("missile", "cruise missile", "Kh-101") == \
        Weapon("Kh-101", "missile", "cruise missile", "Kh-101")
    assert weapon_for("drone", "FPV drone") == Weapon("FPV drone", "drone", "FPV drone", None)
    assert weapon_for("missile") == Weapon("missile", "missile", None, None)
    # a known model spelling is normalised and completed from the catalogue
    assert weapon_for("missile", model="X-101") == \
        Weapon("Kh-101", "missile", "cruise missile", "Kh-101")


def test_catalogue() -> None:
    assert len(WEAPONS) == len(set(WEAPONS))
    assert len({w.name for w in WEAPONS}) == len(WEAPONS)
    for w in WEAPONS:
        assert w.category in CATEGORIES
        assert w.name == (w.model or w.subcategory or w.category)
    models = {w.model for w in WEAPONS}
    for model in ("Shahed-136", "Kh-101", "Kalibr", "Iskander-M", "KN-23", "Kinzhal", "S-300",
                  "Kh-31P", "Oniks", "Lancet", "Orlan-10", "Gerbera", "Grad"):
        assert model in models
    # every mention's weapon is in the catalogue (dim_weapon is seeded from it)
    sample = " ".join(f"{w.model or w.subcategory or w.category}s" for w in WEAPONS)
    for m in find_weapons(sample):
        assert m.weapon in WEAPONS
