from __future__ import annotations

import pytest

from flows.extract.text import is_background, is_noise, split_sentences


def test_sentences_keep_offsets_into_the_text() -> None:
    text = ("KYIV (Wire) - Russia launched 28 drones overnight, the U.S. embassy said. "
            "Air defences destroyed 21 of them.\n\nTwo people were killed in Kherson.")
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "KYIV (Wire) - Russia launched 28 drones overnight, the U.S. embassy said.",
        "Air defences destroyed 21 of them.",
        "Two people were killed in Kherson.",
    ]
    for s in sentences:
        assert text[s.start:s.end] == s.text
    assert sentences[2].paragraph == 1


@pytest.mark.parametrize(
    "line",
    ["Photo: Drones on display in Kyiv, July 25, 2023.", "Loading...",
     "Please enable JavaScript to view this page.", "Read also: Hundreds of drones shown",
     "Reporting by Jane Doe; Editing by John Roe",
     "Reuters could not independently verify the claims.",
     "We use cookies to improve your experience. Accept all"],
)
def test_noise(line: str) -> None:
    assert is_noise(line)


def test_news_is_not_noise() -> None:
    assert not is_noise("Russia launched 28 attack drones overnight, the air force said.")


def test_background_totals() -> None:
    assert is_background("Since the start of the full-scale invasion Russia has fired 8,000 "
                         "missiles.")
    assert not is_background("Russia fired 8 missiles overnight.")
