from __future__ import annotations

from datetime import date

from flows.extract.article import extract_article
from flows.extract.model import StrikeFact

PUB = date(2024, 1, 7)


def strikes(text: str, published: date | None = PUB) -> list[tuple]:
    facts = extract_article(text, published).facts
    return [(f.weapon.category, f.weapon.subcategory, f.weapon.model, f.launched,
             f.launched_qualifier, f.intercepted) for f in facts if isinstance(f, StrikeFact)]


def test_launched_and_intercepted_across_two_sentences() -> None:
    text = ("Russia launched 31 attack drones at Ukraine overnight, the air force said. "
            "Air defences destroyed 28 of them.")
    assert strikes(text) == [("drone", "attack drone", None, 31, "exact", 28)]


def test_several_weapon_types_and_unstated_fate() -> None:
    text = ("Russia launched 28 attack drones and three cruise missiles at the south and east of "
            "Ukraine overnight, the air force said. Air defences destroyed 21 of the drones. "
            "The air force did not say what happened to the missiles.")
    assert strikes(text) == [
        ("drone", "attack drone", None, 28, "exact", 21),
        ("missile", "cruise missile", None, 3, "exact", None),
    ]


def test_out_of_and_all() -> None:
    text = ("Overnight Russian forces attacked with 23 Shahed drones and 4 Kh-101 cruise "
            "missiles, Ukraine's air force said. 18 out of 23 Shahed drones were shot down. "
            "Air defences shot down all 4 missiles.")
    rows = strikes(text)
    assert ("drone", "attack drone", "Shahed-136", 23, "exact", 18) in rows
    assert ("missile", "cruise missile", "Kh-101", 4, "exact", 4) in rows
    assert len(rows) == 2


def test_lost_locally_is_not_intercepted() -> None:
    text = ("Russia launched 40 drones overnight, the air force said. Twenty-five were shot "
            "down and 13 were lost locally, likely due to electronic warfare.")
    assert strikes(text) == [("drone", None, None, 40, "exact", 25)]


def test_qualified_period_total_is_a_range() -> None:
    text = ("Over the last days of 2023 and the first days of 2024, Russia fired almost 300 "
            "missiles and more than 200 drones at Ukrainian cities, officials said.")
    facts = [f for f in extract_article(text, PUB).facts if isinstance(f, StrikeFact)]
    assert [(f.launched, f.launched_qualifier, f.when.precision) for f in facts] == [
        (300, "approx", "range"), (200, "at_least", "range")]


def test_strike_on_russia_is_attributed_to_ukraine() -> None:
    text = ("Russia's defence ministry said on Sunday its air defences destroyed 12 Ukrainian "
            "drones over the Belgorod region overnight.")
    facts = [f for f in extract_article(text, PUB).facts if isinstance(f, StrikeFact)]
    assert len(facts) == 1
    f = facts[0]
    assert f.intercepted == 12 and f.launched is None
    assert f.attacker is not None and f.attacker.name == "Ukraine"
    assert f.place is not None and f.place.country_code == "RU"


def test_background_total_is_not_a_strike() -> None:
    text = ("Since the start of the full-scale invasion, Russia has launched more than 8,000 "
            "missiles at Ukraine, the military says.")
    assert strikes(text) == []


def test_off_topic_drones_are_not_attacks() -> None:
    text = ("Organisers launched 500 drones over the harbour on New Year's Eve for a light show "
            "that drew thousands of spectators.")
    assert strikes(text) == []


def test_per_region_breakdown_replaces_the_total() -> None:
    text = ("Russia's defence ministry said its air defences destroyed 40 Ukrainian drones "
            "overnight: 25 over the Bryansk region, 10 over the Kursk region and five over the "
            "Belgorod region.")
    facts = [f for f in extract_article(text, PUB).facts if isinstance(f, StrikeFact)]
    assert sorted((f.intercepted, f.place.name if f.place else None) for f in facts) == [
        (5, "Belgorod Oblast"), (10, "Kursk Oblast"), (25, "Bryansk Oblast")]
    assert all(f.attacker is not None and f.attacker.name == "Ukraine" for f in facts)


def test_list_items_take_the_verb_of_their_header() -> None:
    text = ("Overnight, Russia attacked Ukraine with drones and missiles. Radar tracked:\n"
            "- 40 Shahed attack drones;\n- 6 Kh-101 cruise missiles.\n\n"
            "Air defence destroyed 35 of the Shahed drones and all 6 Kh-101 missiles.")
    rows = strikes(text)
    assert ("drone", "attack drone", "Shahed-136", 40, "exact", 35) in rows
    assert ("missile", "cruise missile", "Kh-101", 6, "exact", 6) in rows


def test_of_the_total_then_the_part() -> None:
    text = ("Russia launched 47 attack drones overnight, the air force said. Of the 47 drones, "
            "46 were shot down, while one did not reach its target.")
    assert strikes(text) == [("drone", "attack drone", None, 47, "exact", 46)]


def test_part_of_total_with_a_relative_clause() -> None:
    text = ("Ukrainian air defences shot down 35 of 40 Iranian-made drones that Russia sent "
            "against the country overnight, the air force said.")
    assert strikes(text) == [("drone", "attack drone", "Shahed-136", 40, "exact", 35)]


def test_total_followed_by_a_breakdown_by_model() -> None:
    text = ("Russia fired 14 cruise missiles at Ukraine overnight, the air force said. The "
            "missiles - nine Kh-101s and five Kh-555s - were launched from bombers over the "
            "Caspian Sea. Air defences destroyed seven Kh-101s and four Kh-555s.")
    rows = strikes(text)
    assert sorted(rows) == [("missile", "cruise missile", "Kh-101", 9, "exact", 7),
                            ("missile", "cruise missile", "Kh-555", 5, "exact", 4)]


def test_launch_area_is_not_the_target() -> None:
    text = ("Overnight, Russia attacked with 4 Kh-101 cruise missiles launched from bombers over "
            "the Saratov region, the air force said.")
    facts = [f for f in extract_article(text, PUB).facts if isinstance(f, StrikeFact)]
    assert len(facts) == 1 and facts[0].place is None


def test_the_city_refers_to_the_city_named_before() -> None:
    text = ("Explosions shook Dnipro before dawn, the mayor said. Russia fired two ballistic "
            "missiles at the city overnight, the air force said.")
    facts = [f for f in extract_article(text, PUB).facts if isinstance(f, StrikeFact)]
    assert [(f.launched, f.place.name if f.place else None) for f in facts] == [(2, "Dnipro")]
