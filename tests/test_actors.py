"""Actors: states by name, demonym and capital-as-government; organisations."""

from __future__ import annotations

import pytest

from flows.extract.actors import ACTORS, actor, find_actors


def found(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.surface, m.actor.name, m.role_hint) for m in find_actors(text)]


@pytest.mark.parametrize("text, expected", [
    ("Russia launched drones overnight.", ("Russia", "Russia", None)),
    ("Russian shelling killed two people.", ("Russian", "Russia", "demonym")),
    ("The Russian Federation denied it.", ("Russian Federation", "Russia", None)),
    ("The Kremlin did not comment.", ("Kremlin", "Russia", "capital")),
    ("Ukraine's air force said 21 drones were shot down.", ("Ukraine", "Ukraine", None)),
    ("Ukrainian drones hit a depot.", ("Ukrainian", "Ukraine", "demonym")),
    ("The ZSU reported the strike.", ("ZSU", "Ukraine", "forces")),
    ("Japan pledged money to the fund.", ("Japan", "Japan", None)),
    ("The Japanese minister arrived.", ("Japanese", "Japan", "demonym")),
    ("The United States announced a package.", ("United States", "United States", None)),
    ("U.S. officials declined to comment.", ("U.S.", "United States", None)),
    ("The US will send shells.", ("US", "United States", None)),
    ("American officials met.", ("American", "United States", "demonym")),
    ("Britain pledged more aid.", ("Britain", "United Kingdom", None)),
    ("The UK said it would help.", ("UK", "United Kingdom", None)),
    ("British officials agreed.", ("British", "United Kingdom", "demonym")),
    ("Germany will deliver air defence.", ("Germany", "Germany", None)),
    ("The Dutch government agreed.", ("Dutch", "Netherlands", "demonym")),
    ("Denmark sent jets.", ("Denmark", "Denmark", None)),
    ("Norwegian funds were used.", ("Norwegian", "Norway", "demonym")),
    ("Sweden joined the coalition.", ("Sweden", "Sweden", None)),
    ("Polish farmers protested.", ("Polish", "Poland", "demonym")),
    ("Canada pledged support.", ("Canada", "Canada", None)),
    ("Italy agreed.", ("Italy", "Italy", None)),
    ("Spain agreed.", ("Spain", "Spain", None)),
    ("The Czech Republic led the shell initiative.", ("Czech Republic", "Czech Republic", None)),
    ("Estonia and Latvia agreed.", ("Estonia", "Estonia", None)),
    ("Lithuania agreed.", ("Lithuania", "Lithuania", None)),
    ("Finland agreed.", ("Finland", "Finland", None)),
    ("Belgium agreed.", ("Belgium", "Belgium", None)),
    ("Australia agreed.", ("Australia", "Australia", None)),
    ("South Korea agreed.", ("South Korea", "South Korea", None)),
    ("Iranian-made drones were used.", ("Iranian", "Iran", "demonym")),
    ("A North Korean missile was found.", ("North Korean", "North Korea", "demonym")),
    ("NATO allies met.", ("NATO", "NATO", None)),
    ("The European Union agreed.", ("European Union", "European Union", None)),
    ("The EU agreed.", ("EU", "European Union", None)),
    ("The European Commission proposed a loan.", ("European Commission",
                                                  "European Commission", None)),
    ("The World Bank estimated the damage.", ("World Bank", "World Bank", None)),
    ("The IMF approved a tranche.", ("IMF", "IMF", None)),
    ("The UN condemned the strike.", ("UN", "United Nations", None)),
])
def test_names_demonyms_and_organisations(text: str,
                                          expected: tuple[str, str, str | None]) -> None:
    assert found(text)[0] == expected


@pytest.mark.parametrize("text, name", [
    ("Kyiv said the attack was repelled.", "Ukraine"),
    ("Kyiv's forces pushed back.", "Ukraine"),
    ("Kyiv has asked for more air defence.", "Ukraine"),
    ("Moscow denied the claim.", "Russia"),
    ("Washington is pressing for talks.", "United States"),
    ("Tokyo pledged $37 million.", "Japan"),
    ("London said it would send more.", "United Kingdom"),
])
def test_capital_as_government(text: str, name: str) -> None:
    first = find_actors(text)[0]
    assert (first.actor.name, first.role_hint) == (name, "capital")
    assert first.start == 0


@pytest.mark.parametrize("text", [
    "Drones hit Kyiv overnight.",
    "Kyiv was attacked overnight.",
    "Kyiv has been hit again.",
    "The Washington Post reported it.",
    "He flew to London on Monday.",
])
def test_capital_as_city_is_no_actor(text: str) -> None:
    assert find_actors(text) == []


@pytest.mark.parametrize("text", [
    "Japan gave US$37m to the fund.",
    "The fund holds 37 million US dollars.",
])
def test_us_before_a_currency_is_no_actor(text: str) -> None:
    assert [m.actor.name for m in find_actors(text)] == ["Japan"] * text.count("Japan")


def test_regional_and_negated_forms_are_not_the_state() -> None:
    assert found("Latin American leaders met.") == []
    assert found("An anti-Russian protest was held.") == []
    assert found("Pro-Russian forces shelled the town.") == [("Russian", "Russia", "demonym")]


def test_mentions_are_sorted_and_point_into_the_text() -> None:
    text = ("Japan's foreign minister, visiting Kyiv, pledged $37 million to a NATO trust fund; "
            "Kyiv said Russia had fired North Korean missiles, and the Kremlin denied it.")
    mentions = find_actors(text)
    assert [m.actor.name for m in mentions] == [
        "Japan", "NATO", "Ukraine", "Russia", "North Korea", "Russia"]
    for a, b in zip(mentions, mentions[1:], strict=False):
        assert a.end <= b.start
    for m in mentions:
        assert text[m.start:m.end] == m.surface


def test_actor_lookup() -> None:
    assert actor("Russia").country_code == "RU"
    assert actor("russia") == actor("Russia")
    assert actor("U.S.").name == "United States"
    assert actor("Kremlin").name == "Russia"
    assert actor("Japanese").name == "Japan"
    assert actor("NATO").actor_type == "organization"
    assert actor("NATO").country_code is None
    with pytest.raises(KeyError):
        actor("Atlantis")


def test_actor_catalogue() -> None:
    assert len({a.name for a in ACTORS}) == len(ACTORS)
    for a in ACTORS:
        assert a.actor_type in ("state", "armed_force", "armed_group", "organization", "person")
        if a.actor_type == "state":
            assert a.country_code is not None and len(a.country_code) == 2
            assert a.country_code.isupper()
    codes = [a.country_code for a in ACTORS if a.country_code]
    assert len(codes) == len(set(codes))
