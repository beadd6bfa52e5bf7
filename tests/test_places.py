"""Places: the gazetteer, name forms, districts, regions, areas and false positives."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.extract.places import GAZETTEER_PATH, PlaceMention, find_places, resolve_place

REPO = Path(__file__).resolve().parent.parent

OBLASTS = [
    "Cherkasy", "Chernihiv", "Chernivtsi", "Dnipropetrovsk", "Donetsk", "Ivano-Frankivsk",
    "Kharkiv", "Kherson", "Khmelnytskyi", "Kirovohrad", "Kyiv", "Luhansk", "Lviv", "Mykolaiv",
    "Odesa", "Poltava", "Rivne", "Sumy", "Ternopil", "Vinnytsia", "Volyn", "Zakarpattia",
    "Zaporizhzhia", "Zhytomyr",
]


def names(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.place.name, m.place.location_type, m.place.admin1) for m in find_places(text)]


def only(text: str) -> PlaceMention:
    found = [m for m in find_places(text) if m.place.location_type != "country"]
    assert len(found) == 1, found
    return found[0]


# --- regions -------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase", [
    "Kharkiv region", "Kharkiv oblast", "Kharkiv Oblast", "Kharkivska oblast", "Kharkov region",
    "Kharkiv province",
])
def test_oblast_forms_resolve_to_the_oblast(phrase: str) -> None:
    text = f"Two villages in the {phrase} came under fire on Tuesday."
    m = only(text)
    assert (m.place.name, m.place.location_type, m.place.admin1) == \
        ("Kharkiv Oblast", "region", "Kharkiv Oblast")
    assert m.surface == phrase  # "the" stays outside the mention
    assert text[m.start:m.end] == phrase


@pytest.mark.parametrize("base", OBLASTS)
def test_every_oblast_by_its_region_form(base: str) -> None:
    place = resolve_place(f"{base} region")
    assert place is not None
    assert place.name == place.admin1 == f"{base} Oblast"
    assert place.location_type == "region"
    assert place.country_code == "UA"


def test_kyiv_city_kyiv_region_crimea_and_sevastopol() -> None:
    found = {m.surface: m.place for m in find_places(
        "Missiles flew over the Kyiv region towards Kyiv, while drones hit Sevastopol in "
        "Crimea.")}
    assert (found["Kyiv region"].name, found["Kyiv region"].admin1) == ("Kyiv Oblast",
                                                                       "Kyiv Oblast")
    assert (found["Kyiv"].name, found["Kyiv"].location_type, found["Kyiv"].admin1) == \
        ("Kyiv", "city", "Kyiv")
    assert (found["Crimea"].name, found["Crimea"].location_type, found["Crimea"].admin1) == \
        ("Crimea", "region", "Crimea")
    assert found["Sevastopol"].location_type == "city"
    assert found["Sevastopol"].admin1 == "Crimea"


def test_regional_office_names_the_region() -> None:
    m = only("The Kharkiv regional governor said three people were hurt.")
    assert (m.place.name, m.surface) == ("Kharkiv Oblast", "Kharkiv")


def test_regions_named_together_are_each_a_region() -> None:
    assert names("Shelling was reported in the Kharkiv and Sumy regions.") == [
        ("Kharkiv Oblast", "region", "Kharkiv Oblast"), ("Sumy Oblast", "region", "Sumy Oblast")]
    assert names("Air raid alerts sounded in the regions of Odesa, Mykolaiv and Kherson.") == [
        ("Odesa Oblast", "region", "Odesa Oblast"),
        ("Mykolaiv Oblast", "region", "Mykolaiv Oblast"),
        ("Kherson Oblast", "region", "Kherson Oblast")]


# --- districts -----------------------------------------------------------------------------

def test_district_of_a_town_takes_the_towns_oblast() -> None:
    found = names("A man was killed by shelling in the Kupiansk district of the Kharkiv region.")
    assert found == [("Kupiansk district", "district", "Kharkiv Oblast"),
                     ("Kharkiv Oblast", "region", "Kharkiv Oblast")]


@pytest.mark.parametrize("phrase, expected", [
    ("Pokrovsk raion", ("Pokrovsk district", "Donetsk Oblast")),
    ("Nikopol District", ("Nikopol district", "Dnipropetrovsk Oblast")),
    ("Kupianskyi raion", ("Kupiansk district", "Kharkiv Oblast")),
    ("Belgorod district", ("Belgorod district", "Belgorod Oblast")),
])
def test_district_forms(phrase: str, expected: tuple[str, str]) -> None:
    m = only(f"Officials in the {phrase} reported damage to homes.")
    assert (m.place.name, m.place.admin1) == expected
    assert m.place.location_type == "district"


def test_a_city_district_belongs_to_the_city_named_before_it() -> None:
    found = find_places("A drone hit a high-rise in Kharkiv's Kyivskyi district overnight.")
    district = [f for f in found if f.place.location_type == "district"]
    assert [(d.place.name, d.place.admin1) for d in district] == [("Kyivskyi district",
                                                                   "Kharkiv Oblast")]
    city = [f for f in found if f.place.location_type == "city"]
    assert [c.surface for c in city] == ["Kharkiv"]  # the possessive stays outside


# --- cities and towns ----------------------------------------------------------------------

@pytest.mark.parametrize("town, oblast", [
    ("Kupiansk", "Kharkiv"), ("Pokrovsk", "Donetsk"), ("Bakhmut", "Donetsk"),
    ("Avdiivka", "Donetsk"), ("Vuhledar", "Donetsk"), ("Chasiv Yar", "Donetsk"),
    ("Toretsk", "Donetsk"), ("Kostiantynivka", "Donetsk"), ("Kramatorsk", "Donetsk"),
    ("Sloviansk", "Donetsk"), ("Selydove", "Donetsk"), ("Myrnohrad", "Donetsk"),
    ("Huliaipole", "Zaporizhzhia"), ("Orikhiv", "Zaporizhzhia"), ("Nikopol", "Dnipropetrovsk"),
    ("Marhanets", "Dnipropetrovsk"), ("Vovchansk", "Kharkiv"), ("Lyman", "Donetsk"),
    ("Siversk", "Donetsk"), ("Kurakhove", "Donetsk"),
])
def test_front_line_towns(town: str, oblast: str) -> None:
    m = only(f"Heavy fighting continued near {town} on Friday, the military said.")
    assert (m.place.name, m.place.location_type, m.place.admin1, m.place.country_code) == \
        (town, "city", f"{oblast} Oblast", "UA")
    assert m.surface == town


def test_oblast_centres_carry_coordinates_and_geonames_ids() -> None:
    for base in OBLASTS:
        region = resolve_place(f"{base} region")
        assert region is not None
        centres = [m.place for m in find_places(f"Sirens sounded in {base} city centre.")
                   if m.place.location_type == "city"]
        if base in ("Dnipropetrovsk", "Kirovohrad", "Volyn", "Zakarpattia"):
            continue  # the centre has another name (Dnipro, Kropyvnytskyi, Lutsk, Uzhhorod)
        assert centres, base
        centre = centres[0]
        assert centre.admin1 in (region.name, "Kyiv")
        assert centre.geonames_id is not None
        assert centre.latitude is not None and 44 < centre.latitude < 53
        assert centre.longitude is not None and 22 < centre.longitude < 41


@pytest.mark.parametrize("variant, canonical", [
    ("Kiev", "Kyiv"), ("Kharkov", "Kharkiv"), ("Odessa", "Odesa"),
    ("Dnipropetrovsk", "Dnipro"), ("Zaporizhia", "Zaporizhzhia"),
    ("Zaporozhye", "Zaporizhzhia"), ("Nikolaev", "Mykolaiv"), ("Nikolayev", "Mykolaiv"),
    ("Lvov", "Lviv"), ("Chernigov", "Chernihiv"), ("Kupyansk", "Kupiansk"),
    ("Artemivsk", "Bakhmut"),
])
def test_transliteration_variants(variant: str, canonical: str) -> None:
    m = only(f"Explosions were heard in {variant} early on Sunday.")
    assert m.place.name == canonical
    assert m.surface == variant
    place = resolve_place(variant)
    assert place is not None and place.name == canonical


def test_capitals_in_upper_case_datelines() -> None:
    m = find_places("ODESSA, Ukraine (Wire) - A drone struck a warehouse.")[0]
    assert (m.place.name, m.surface) == ("Odesa", "ODESSA")


def test_same_named_towns_follow_the_region_the_sentence_names() -> None:
    found = names("Shelling hit Semenivka in the Chernihiv region, near the border.")
    assert found[0] == ("Semenivka", "city", "Chernihiv Oblast")
    found = names("Shelling hit Semenivka in the Poltava region.")
    assert found[0] == ("Semenivka", "city", "Poltava Oblast")


def test_longest_name_wins_over_its_parts() -> None:
    assert names("Water from Nova Kakhovka reached Kryvyi Rih and Rostov-on-Don.") == [
        ("Nova Kakhovka", "city", "Kherson Oblast"),
        ("Kryvyi Rih", "city", "Dnipropetrovsk Oblast"),
        ("Rostov-on-Don", "city", "Rostov Oblast")]


# --- Russia ---------------------------------------------------------------------------------

@pytest.mark.parametrize("base", [
    "Belgorod", "Kursk", "Bryansk", "Voronezh", "Rostov", "Oryol", "Tula", "Kaluga", "Lipetsk",
    "Tambov", "Smolensk", "Pskov", "Leningrad", "Moscow",
])
def test_russian_regions(base: str) -> None:
    m = only(f"Ukrainian drones were shot down over the {base} region overnight.")
    assert (m.place.name, m.place.location_type, m.place.country_code) == \
        (f"{base} Oblast", "region", "RU")


def test_russian_cities_and_krai() -> None:
    found = {m.surface: m.place for m in find_places(
        "Drones targeted Belgorod, Kursk and Bryansk, a depot in Krasnodar Krai, an oil plant "
        "in the Krasnodar region and an airfield near Moscow.")}
    assert (found["Belgorod"].location_type, found["Belgorod"].admin1,
            found["Belgorod"].country_code) == ("city", "Belgorod Oblast", "RU")
    assert found["Kursk"].admin1 == "Kursk Oblast"
    assert found["Bryansk"].admin1 == "Bryansk Oblast"
    assert found["Krasnodar Krai"].name == found["Krasnodar region"].name == "Krasnodar Krai"
    assert (found["Moscow"].name, found["Moscow"].admin1) == ("Moscow", "Moscow")


# --- areas and countries --------------------------------------------------------------------

@pytest.mark.parametrize("text, name, code", [
    ("Russia attacked targets in the south and east overnight.", "south and east of Ukraine",
     "UA"),
    ("Drones were launched at the south and east of Ukraine.", "south and east of Ukraine", "UA"),
    ("Power cuts hit southern Ukraine on Monday.", "south of Ukraine", "UA"),
    ("Strikes hit energy sites in eastern regions.", "east of Ukraine", "UA"),
    ("Troops held positions along the front line.", "front line", "UA"),
    ("Refineries in southern Russia were hit.", "south of Russia", "RU"),
])
def test_areas(text: str, name: str, code: str) -> None:
    m = only(text)
    assert (m.place.name, m.place.location_type, m.place.country_code) == (name, "area", code)
    assert m.place.name.lower() == m.place.name or m.place.name.endswith(("Ukraine", "Russia"))


def test_front_line_as_a_descriptor_names_the_town_not_the_area() -> None:
    assert names("Bombs fell on the front-line town of Kostiantynivka on Wednesday.") == [
        ("Kostiantynivka", "city", "Donetsk Oblast")]
    assert names("Front-line units asked for more drones.") == []
    assert names("Shelling hit front-line areas and frontline villages.") == [
        ("front line", "area", None), ("front line", "area", None)]


def test_bare_country_is_returned_as_a_country() -> None:
    found = find_places("Russia launched missiles at Ukraine.")
    assert [(m.surface, m.place.location_type, m.place.country_code) for m in found] == [
        ("Russia", "country", "RU"), ("Ukraine", "country", "UA")]


# --- what must not match --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "We met at the bar after work.",
    "Russian troops advanced; Ukrainian officials said nothing.",
    "The fields were green and the river ran low.",
    "Residents of kharkiv and kyiv were asleep.",  # lower case is not a name
    "President Volodymyr Zelensky thanked the allies.",
    "Governor Alexander Gusev gave no figures.",
    "Human Rights Watch published a report.",
    "The city centre was quiet.",
    "Boats crossed the Dnipro River at night.",
    "Ships were seen in the Sea of Azov.",
    "Soldiers of the Azov brigade were decorated.",
    "Shelling near the Zaporizhzhia nuclear plant worried inspectors.",
    "The Kyiv Independent and the Moscow Times carried the story.",
])
def test_no_false_places(text: str) -> None:
    assert [m for m in find_places(text) if m.place.location_type != "country"] == []


def test_word_like_town_needs_a_locative_context() -> None:
    assert names("In Bar, a town in the Vinnytsia region, windows were blown out.") == [
        ("Bar", "city", "Vinnytsia Oblast"), ("Vinnytsia Oblast", "region", "Vinnytsia Oblast")]
    assert names("Bar owners closed early.") == []


def test_possessive_and_capital_used_as_government() -> None:
    m = only("Kharkiv's mayor said two people were hurt.")
    assert (m.place.name, m.surface, m.end) == ("Kharkiv", "Kharkiv", len("Kharkiv"))
    assert find_places("Kyiv said the drones were shot down.") == []
    assert find_places("Moscow's forces pressed on.") == []
    assert [m.place.name for m in find_places("Kyiv was attacked overnight.")] == ["Kyiv"]


# --- invariants, lookups, data, speed -------------------------------------------------------

ARTICLE = (
    "KYIV, Jan 7 (Wire) - Russia launched 28 attack drones and three cruise missiles at the "
    "south and east of Ukraine overnight, the air force said. Two people were killed in Kherson "
    "and a man died in the Kupiansk district of the Kharkiv region. In the Pokrovsk district of "
    "the Donetsk region, about 80 km north-west of Donetsk, eleven people were killed. "
    "Officials in Odesa, Mykolaiv and Zaporizhzhia reported damage; the Belgorod region in "
    "Russia said Ukrainian drones were downed near Shebekino. Fighting went on near Chasiv Yar, "
    "Toretsk and Vuhledar along the front line. "
)


def test_mentions_are_sorted_non_overlapping_and_point_into_the_text() -> None:
    text = ARTICLE * 3
    found = find_places(text)
    assert len(found) > 30
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start
    for m in found:
        assert text[m.start:m.end] == m.surface


def test_resolve_place() -> None:
    kupiansk = resolve_place("Kupyansk district")
    assert kupiansk is not None and kupiansk.name == "Kupiansk district"
    assert kupiansk.admin1 == "Kharkiv Oblast"
    area = resolve_place("south and east of Ukraine")
    assert area is not None and area.location_type == "area"
    region = resolve_place("Kharkivska oblast")
    assert region is not None and region.name == "Kharkiv Oblast"
    assert resolve_place("Atlantis") is None
    assert resolve_place("") is None


def test_gazetteer_admin1_names_come_from_the_shipped_mapping() -> None:
    admin1_path = GAZETTEER_PATH.with_name("admin1.tsv")
    with admin1_path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))
    mapping = {(r["country_code"], r["admin1"]) for r in rows}
    assert {r["admin1_code"] for r in rows if r["country_code"] == "UA"} == \
        {f"{i:02d}" for i in range(1, 28)}
    with GAZETTEER_PATH.open(encoding="utf-8") as fh:
        first = fh.readline()
        assert "GeoNames" in first  # the file says where it comes from
        places = list(csv.DictReader((ln for ln in fh if not ln.startswith("#")),
                                     delimiter="\t"))
    cities = [p for p in places if p["location_type"] == "city"]
    assert len(cities) > 1000
    for p in cities:
        assert (p["country_code"], p["admin1"]) in mapping, p["name"]


def test_import_and_first_call_are_fast() -> None:
    code = ("import time; t = time.perf_counter(); "
            "from flows.extract.places import find_places; "
            "find_places('Drones hit Kharkiv and the Sumy region.'); "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True)
    assert float(out.stdout) < 0.5


def test_a_long_article_takes_milliseconds() -> None:
    text = (ARTICLE * 12)[:5000]
    find_places(text)
    runs = 10
    start = time.perf_counter()
    for _ in range(runs):
        find_places(text)
    assert (time.perf_counter() - start) / runs < 0.025
