from __future__ import annotations

from datetime import date

import pytest

from flows.extract.article import extract_article
from flows.extract.casualties import sentence_toll
from flows.extract.model import CasualtyFact

PUB = date(2024, 1, 7)


def tolls(text: str) -> list[CasualtyFact]:
    facts = extract_article(text, PUB).facts
    return [f for f in facts if isinstance(f, CasualtyFact)]


@pytest.mark.parametrize(
    ("sentence", "killed", "injured", "children_killed", "children_injured"),
    [
        ("Russian shelling killed two people and wounded several others.", 2, None, None, None),
        ("A man was killed and two other civilians were wounded.", 1, 2, None, None),
        ("Eleven people were killed, including five children.", 11, None, 5, None),
        ("Eleven dead, including five children, officials said.", 11, None, 5, None),
        ("The strike killed a woman and her two sons, aged 7 and 12.", 3, None, 2, None),
        ("A 14-year-old boy was killed and 9 people were injured, including two children.",
         1, 9, 1, 2),
        ("An infant and her grandmother were killed.", 2, None, 1, None),
        ("The death toll rose to 14, the governor said.", 14, None, None, None),
        ("At least 14 people were wounded.", None, 14, None, None),
    ],
)
def test_sentence_tolls(sentence: str, killed: int | None, injured: int | None,
                        children_killed: int | None, children_injured: int | None) -> None:
    toll = sentence_toll(sentence)
    assert toll is not None
    assert (toll.killed, toll.injured, toll.children_killed, toll.children_injured) == (
        killed, injured, children_killed, children_injured)


def test_qualifier_follows_the_killed_figure() -> None:
    toll = sentence_toll("At least 14 people were killed.")
    assert toll is not None and toll.killed == 14 and toll.killed_q == "at_least"


@pytest.mark.parametrize(
    "sentence",
    ["The army said it had killed 40 Russian soldiers.", "Officials met 28 people on Monday.",
     "The drones flew 80 km before crashing."],
)
def test_not_tolls(sentence: str) -> None:
    toll = sentence_toll(sentence)
    assert toll is None or (toll.killed is None and toll.injured is None)


def test_latest_toll_in_an_article_wins() -> None:
    text = ("A Russian missile struck an apartment block in Dnipro on Saturday, killing at least "
            "five people, the regional governor said.\n\n"
            "By Sunday morning the death toll in Dnipro had risen to 12, including two children.")
    (fact,) = tolls(text)
    assert fact.killed == 12 and fact.children_killed == 2
    assert fact.place is not None and fact.place.name == "Dnipro"
    assert fact.cause == "missile strike"


def test_two_incidents_keep_their_own_places() -> None:
    text = ("Russian shelling killed two people in Kherson on Sunday. "
            "In the Kupiansk district of the Kharkiv region, a man was killed and two other "
            "civilians were wounded.")
    facts = tolls(text)
    assert [(f.place.name if f.place else None, f.killed, f.injured) for f in facts] == [
        ("Kherson", 2, None), ("Kupiansk district", 1, 2)]
    assert all(f.perpetrator is not None and f.perpetrator.name == "Russia" for f in facts)


def test_earlier_event_in_passing_gets_its_own_date() -> None:
    text = ("A drone hit a bus in Kherson on Sunday, killing three people. Last week's strike on "
            "Kherson killed nine, officials said, amid intensified Russian attacks.")
    facts = tolls(text)
    assert sorted((f.killed, f.when.precision) for f in facts) == [(3, "day"), (9, "week")]


def test_background_totals_are_not_incidents() -> None:
    text = ("Since the start of the full-scale invasion, more than 10,000 civilians have been "
            "killed in Ukraine, the UN says. Russian shelling killed one man in Nikopol on "
            "Sunday.")
    facts = tolls(text)
    assert [(f.killed, f.place.name if f.place else None) for f in facts] == [(1, "Nikopol")]


def test_figures_the_text_calls_earlier_do_not_replace_the_update() -> None:
    text = ("The death toll from Friday's Russian missile attack on Dnipro has risen to seven, "
            "the governor said on Saturday. Officials had earlier reported four people killed.")
    (fact,) = tolls(text)
    assert fact.killed == 7


def test_of_them_children_and_among_those_killed() -> None:
    toll = sentence_toll("Forty-eight people were injured, five of them children.")
    assert toll is not None and (toll.injured, toll.children_injured) == (48, 5)
    toll = sentence_toll("A four-year-old boy was among those killed.")
    assert toll is not None and toll.killed is None and toll.children_killed == 1


def test_a_person_found_with_injuries_is_injured() -> None:
    toll = sentence_toll("Her husband was pulled from the rubble of their house with injuries.")
    assert toll is not None and toll.injured == 1


def test_hard_wrapped_lines_are_one_sentence() -> None:
    text = ("Russian shelling of Nikopol on Sunday killed two people and wounded\n"
            "five others, the regional governor said.")
    (fact,) = tolls(text)
    assert (fact.killed, fact.injured) == (2, 5)


def test_dateline_date_is_not_the_event_date() -> None:
    text = ("KYIV, Oct 10 (Wire) - The number of people killed by a Russian missile strike on "
            "Chernihiv on Monday has climbed to 13, the governor said on Tuesday.")
    facts = extract_article(text, date(2023, 10, 10)).facts
    (fact,) = [f for f in facts if isinstance(f, CasualtyFact)]
    assert fact.killed == 13 and fact.when.value == date(2023, 10, 9)
