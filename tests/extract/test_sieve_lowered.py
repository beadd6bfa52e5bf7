"""`lowered` and `Sieves` stand in for slower code and must answer exactly as it would.

- `lowered(p)` runs a case-insensitive pattern case-sensitively on the `folded()` sentence:
  every extractor pattern it accepts must find there the spans and (lower-cased) groups the
  original finds in the sentence, whatever the sentence's casing; patterns for which that
  cannot be promised must be refused.
- `Sieves(sieves).admitted(lower)` must list exactly the sieves that admit `lower`, asked one
  by one: checked as a property on texts made of the sieves' own words and noise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.extract import (
    actors,
    aid,
    casualties,
    context,
    cues,
    dates,
    money,
    numbers,
    places,
    production,
    strikes,
    text,
    weapons,
)
from flows.extract.sieve import LOOKALIKES, AnyOf, Lowered, Sieve, Sieves, folded, lowered

MODULES: tuple[ModuleType, ...] = (actors, aid, casualties, context, cues, dates, money,
                                   numbers, places, production, strikes, text, weapons)

# Written for these tests: the figures, verbs, dates, places and noise the patterns look for,
# with digits, number words, dashes, curly quotes and a few non-ASCII letters.
SENTENCES = [
    "Russia launched 48 Shahed-type drones and 3 Kh-101 cruise missiles overnight; air "
    "defence shot down 45 of them, the Air Force said on Telegram.",
    "Of the 31 drones, 28 were destroyed and two were lost to electronic warfare.",
    "Air defence destroyed 14 of 16 Iskander-M ballistic missiles on Tuesday night.",
    "Ukrainian forces downed all 12 attack drones over the Kharkiv and Sumy regions.",
    "Russian forces fired more than 9,000 missiles since the start of the full-scale invasion.",
    "The toll rose to 12 dead, including two children, after a glide bomb hit Kharkiv.",
    "At least seven people were killed and 23 injured, among them a 14-year-old boy.",
    "A family of four, their daughters aged 6 and 11, died in the strike on the southern city.",
    "Two of them were children, aged 9 and 14, the regional governor said yesterday.",
    "Three civilians were wounded by Russian shelling in Kherson on Saturday, officials said.",
    "A 67-year-old woman died in hospital from her wounds, the prosecutor's office reported.",
    "An earlier version of this story said 43 people were killed; the correction followed.",
    "The death toll has risen to 51, up from 47 reported earlier on Monday.",
    "Medics treated 19 people, five of whom are in a serious condition.",
    "On January 2, 2024, Moscow fired 99 missiles; on 29 December 2023, it used 122.",
    "Last week the city was attacked twice; this month the attacks came every night.",
    "On the night to Sunday, 5 March, drones struck the port of Odesa and Izmail.",
    "Between 10 and 12 May the Belgorod region reported 40 UAVs shot down.",
    "Germany pledged EUR 500 million and US$ 1.2bn for air defence, officials said.",
    "Washington announced a $2.5 billion military aid package, including Patriot missiles.",
    "The Netherlands will deliver 24 F-16 jets and €300m in ammunition next year.",
    "Production of FPV drones reached 4,000 a month by 2025, up from 1,500 in 2024.",
    "Russia plans to produce 2 million artillery shells this year, the ministry said.",
    "Ukraine can now make up to 10,000 long-range drones a year, the minister wrote.",
    "Photo: rescuers at the site. (Photo by a staff photographer) REUTERS/Staff",
    "(Reporting by a correspondent; editing by a desk editor) Related stories: Loading...",
    "Reuters could not independently verify the report. Sign up for our newsletter.",
    "Shot down: 0 / Launched: 12 — Kalibr cruise missiles, the navy’s spokesman wrote.",
    "The enemy attacked the Zaporizhzhia oblast 412 times over the past day.",
    "In the east of Ukraine, near Pokrovsk and Kupiansk, fighting continued.",
    "The mayor of Kyiv, Vitali Klitschko, said the Dnipro district was hit.",
    "Kyiv’s mayor said three high-rise buildings in Dnipró and Київ were damaged.",
    "As many as 150 guided aerial bombs were dropped on the town last week.",
    "Nearly a dozen S-300 missiles hit Kharkiv in the early hours of Friday.",
    "Hundreds of residents were evacuated; dozens of homes were destroyed.",
    "Iranian-made drones and North Korean-made KN-23 missiles were used in the attack.",
    "Ukrainian forces struck an oil refinery in Russia's Ryazan region with 20 drones.",
    "The governor of the Belgorod region said a drone hit a car, killing a man.",
    "Since the war began, 10,582 civilians have been killed, the UN mission said.",
    "Air raid alerts lasted 3 hours 20 minutes; sirens sounded at 10:15 and 23:40.",
    "Anti-aircraft and hypersonic missiles, guided missiles, anti-ship missiles and loitering "
    "munitions were used; anti-Russian protests followed.",
    "The package also includes 155mm shells; $200 million of the drawdown authority remains "
    "unused, and $1bn in damage was recorded.",
    "Among the dead were two soldiers and a serviceman; the victims were all men.",
    "Five people sustained injuries and 3 received medical help for shrapnel wounds and burns.",
    "Officials had earlier reported 10 dead; no civilians were hurt in the second strike.",
    "Medical assistance was given to 6 people; among them two children.",
    "In the last days of December and over the past 24 hours, shelling continued along the "
    "front line, in frontline areas and in the regions of the south.",
    "Over the past two weeks, drone makers raised production to 10,000 and sent them to the "
    "front.",
    "Both missiles were shot down; neither of them was fired from Crimea, and none of them hit.",
    "Launched: 12 — Shot down: 10 / Launched — 8 drones, all of which were shot down over the "
    "Kursk region.",
    "We use cookies: accept all cookies or manage the settings.",
]

CASINGS: list[Callable[[str], str]] = [str, str.lower, str.upper, str.title, str.swapcase]
_WORD_EDGE = re.compile(r"\b")


def _texts() -> list[str]:
    """The sentences in every casing, and the pieces before and after each word boundary in
    two (many patterns read the text just before or after a figure, anchored at its end)."""
    out = [casing(s) for s in SENTENCES for casing in CASINGS]
    for s in SENTENCES:
        for cut in sorted({m.start() for m in _WORD_EDGE.finditer(s)}):
            for piece in (s[:cut], s[cut:]):
                out += [piece, piece.swapcase()]
    return list(dict.fromkeys(out))


def _patterns_in(value: object) -> Iterator[re.Pattern[str]]:
    """The compiled patterns a module-level value holds, however it is wrapped."""
    if isinstance(value, re.Pattern):
        yield value
    elif isinstance(value, Sieve):
        yield value.pattern
    elif isinstance(value, Sieves):
        for sieve in value.sieves:
            yield sieve.pattern
    elif isinstance(value, AnyOf | Lowered):
        yield value.pattern
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _patterns_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _patterns_in(item)


@cache
def _case_insensitive_patterns() -> list[tuple[str, re.Pattern[str]]]:
    found: dict[tuple[str, int], tuple[str, re.Pattern[str]]] = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, ModuleType | type) or callable(value) and not isinstance(
                    value, re.Pattern):
                continue
            for pattern in _patterns_in(value):
                if isinstance(pattern.pattern, str) and pattern.flags & re.IGNORECASE:
                    found.setdefault((pattern.pattern, pattern.flags),
                                     (f"{module.__name__}.{name}", pattern))
    for spec in weapons._specs():
        for pattern in (spec.pattern, spec.sieve.pattern):  # as written, and led
            found.setdefault((pattern.pattern, pattern.flags),
                             (f"weapon {spec.weapon.name}", pattern))
    return list(found.values())


def _found(pattern: re.Pattern[str], s: str, lower_groups: bool) -> list[object]:
    out: list[object] = []
    for m in pattern.finditer(s):
        groups = [g.lower() if lower_groups and g is not None else g for g in m.groups()]
        out.append((m.span(), [m.span(i) for i in range(pattern.groups + 1)], groups))
    return out


def test_a_lowered_pattern_finds_the_same_matches_in_the_folded_sentence() -> None:
    patterns = _case_insensitive_patterns()
    accepted = [(name, p, low) for name, p in patterns if (low := lowered(p)) is not None]
    assert len(accepted) >= 40, len(accepted)
    texts = _texts()
    matching = 0
    for name, original, low in accepted:
        assert not low.flags & re.IGNORECASE and low.pattern == original.pattern
        matched = False
        for t in texts:
            lower = folded(t)
            assert lower is not None and len(lower) == len(t)
            expected = _found(original, t, lower_groups=True)
            assert _found(low, lower, lower_groups=False) == expected, (name, t)
            matched = matched or bool(expected)
        matching += matched
    # the sentences exercise most of the patterns, not just their failure to match
    assert matching >= len(accepted) * 9 // 10, (matching, len(accepted))


@pytest.mark.parametrize("source", [
    r"\bKyiv\b",  # an upper-case literal: the folded text holds "kyiv"
    r"\b[A-Z]\w+",  # an upper-case range
    r"\bdrones\b|\bUAVs\b",  # upper case in one alternative only
    r"(?=Shahed)\w+",  # inside a lookahead
    r"(?P<w>\w+)\s+(?P=w)",  # a back reference
    r"(\w+) and \1",  # a numbered one
    r"[а-я]+\s+drones",  # a range beyond ASCII
    r"[à-ÿ]",
    r"caf\u00e9",  # a non-ASCII letter
])
def test_lowered_refuses_what_the_folded_text_would_not_match_alike(source: str) -> None:
    assert lowered(re.compile(source, re.IGNORECASE)) is None


def test_lowered_refuses_a_pattern_that_is_not_case_insensitive() -> None:
    assert lowered(re.compile(r"\bdrones\b")) is None


def test_lowered_accepts_lower_case_words_classes_and_lookarounds() -> None:
    for source in (r"\b(?:more\s+than|over|at\s+least)\s+(?P<n>\d[\d,]*)\b",
                   r"(?<![\w-])[a-z]+-year-old(?!\w)", r"[^\W\d_]+\s*[-–—:]\s*\d+",
                   r"(?:kh|x)-?\d{2,3}(?:m|s)?", r"(?i:shahed)"):
        low = lowered(re.compile(source, re.IGNORECASE))
        assert low is not None and not low.flags & re.IGNORECASE, source


def test_a_lowered_scan_finds_what_its_pattern_finds() -> None:
    found = {id(v): v for module in MODULES for v in vars(module).values()
             if isinstance(v, Lowered)}
    scans = list(found.values())
    assert len(scans) >= 9 and all(scan.low is not None for scan in scans)
    refused = Lowered(re.compile(r"\bShahed\b|\b(?P<n>\d+) drones?\b", re.IGNORECASE))
    assert refused.low is None  # kept scanning the text as it is
    texts = [casing(s) for s in SENTENCES for casing in CASINGS]
    texts += ["The ſhahed drones were SHOT DOWN, KILLING two", "İskander missiles were FIRED"]
    for scan in [*scans, refused]:
        for t in texts:
            lower = folded(t)
            expected = [(m.span(), m.groupdict()) for m in scan.pattern.finditer(t)]
            assert [m.span() for m in scan.finditer(t, lower)] == [e[0] for e in expected], t
            assert (scan.search(t, lower) is None) == (not expected), t
            # the matches of `finditer_cased` are the pattern's own, groups in their case
            assert [(m.span(), m.groupdict()) for m in scan.finditer_cased(t, lower)] \
                == expected, (scan.pattern.pattern[:60], t)


# -- Sieves ---------------------------------------------------------------------------------

@cache
def _all_sieves() -> list[Sieve]:
    """Every sieve of the extractor, and a few that admit any text (no words to test)."""
    found: dict[int, Sieve] = {}
    for module in MODULES:
        for value in vars(module).values():
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                item = item[1] if isinstance(item, tuple) and len(item) == 2 else item
                if isinstance(item, Sieve):
                    found.setdefault(id(item), item)
                elif isinstance(item, Sieves):
                    for sieve in item.sieves:
                        found.setdefault(id(sieve), sieve)
    for spec in weapons._specs():
        found.setdefault(id(spec.sieve), spec.sieve)
    always = [Sieve(re.compile(p, re.IGNORECASE)) for p in (r"\d+", r"[a-z]+\s+\d+|drones")]
    assert all(s.options is None for s in always)
    return list(found.values()) + always


def _words(sieves: list[Sieve]) -> list[str]:
    return sorted({w for s in sieves for option in s.options or () for clause in option
                   for w in clause})


NOISE = [" ", " ", ", ", ". ", "-", "\n", "the ", "said ", "7 ", "Київ ", "’s ",
         *LOOKALIKES]


@st.composite
def catalogue_and_text(draw: st.DrawFn) -> tuple[list[Sieve], str]:
    """A catalogue of sieves (any of the extractor's, in any order) and a text made of their
    words, noise and arbitrary characters, in some casing."""
    everything = _all_sieves()
    sieves = draw(st.lists(st.sampled_from(everything), min_size=1, max_size=12))
    if draw(st.integers(0, 3)) == 0:
        sieves = everything
    words = _words(sieves) or ["drones"]
    parts = draw(st.lists(st.one_of(st.sampled_from(words), st.sampled_from(words),
                                    st.sampled_from(NOISE), st.text(max_size=6)),
                          max_size=14))
    joined = "".join(p if p.endswith((" ", "-")) or draw(st.booleans()) else p + " "
                     for p in parts)
    casing = draw(st.sampled_from(CASINGS))
    return sieves, casing(joined)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(catalogue_and_text())
def test_sieves_admit_exactly_what_each_sieve_admits(case: tuple[list[Sieve], str]) -> None:
    sieves, t = case
    lower = folded(t)
    assert Sieves(sieves).admitted(lower) == [
        i for i, s in enumerate(sieves) if s.admits(lower)]


def test_the_weapon_catalogue_admits_what_its_sieves_admit() -> None:
    catalogue = weapons._spec_sieves()
    admitted_any = 0
    for s in SENTENCES:
        for casing in CASINGS:
            lower = folded(casing(s))
            got = catalogue.admitted(lower)
            assert got == [i for i, sv in enumerate(catalogue.sieves) if sv.admits(lower)], s
            admitted_any += bool(got)
    assert admitted_any > len(SENTENCES)
