"""A deterministic synthetic corpus: articles built from templates, each with its gold facts.

`sitrep synth N OUT_DIR --seed S` writes `OUT_DIR/landing/*.txt` (front matter + body) and
`OUT_DIR/gold.jsonl` in the layout `sitrep eval` reads, so the same corpus serves benchmarks
(speed at scale) and accuracy at scale. Output depends only on N and the seed.

The facts are drawn from a small world (places, weapons, donors) and written in several
outlet voices with background paragraphs, quotes, captions and related-story lists around
them, 300 to 1,500 words per article.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve "
                 "thirteen fourteen fifteen sixteen seventeen eighteen nineteen").split()

# (name as written, canonical name, admin1, location_type)
_CITIES = [
    ("Kharkiv", "Kharkiv", "Kharkiv Oblast"), ("Odesa", "Odesa", "Odesa Oblast"),
    ("Dnipro", "Dnipro", "Dnipropetrovsk Oblast"), ("Zaporizhzhia", "Zaporizhzhia",
                                                    "Zaporizhzhia Oblast"),
    ("Mykolaiv", "Mykolaiv", "Mykolaiv Oblast"), ("Kherson", "Kherson", "Kherson Oblast"),
    ("Sumy", "Sumy", "Sumy Oblast"), ("Chernihiv", "Chernihiv", "Chernihiv Oblast"),
    ("Poltava", "Poltava", "Poltava Oblast"), ("Kryvyi Rih", "Kryvyi Rih",
                                               "Dnipropetrovsk Oblast"),
    ("Nikopol", "Nikopol", "Dnipropetrovsk Oblast"), ("Kramatorsk", "Kramatorsk",
                                                      "Donetsk Oblast"),
    ("Sloviansk", "Sloviansk", "Donetsk Oblast"), ("Vinnytsia", "Vinnytsia", "Vinnytsia Oblast"),
    ("Lviv", "Lviv", "Lviv Oblast"), ("Kremenchuk", "Kremenchuk", "Poltava Oblast"),
]
_REGIONS = ["Kharkiv", "Odesa", "Sumy", "Chernihiv", "Mykolaiv", "Kherson", "Zaporizhzhia",
            "Donetsk", "Poltava", "Kyiv", "Vinnytsia", "Khmelnytskyi"]
_RUSSIAN_REGIONS = ["Belgorod", "Kursk", "Bryansk", "Voronezh", "Rostov", "Oryol"]
_DRONES = [("Shahed", "drone", "attack drone", "Shahed-136"),
           ("attack", "drone", "attack drone", None),
           ("", "drone", None, None)]
_MISSILES = [("Kh-101 cruise", "missile", "cruise missile", "Kh-101"),
             ("Kalibr cruise", "missile", "cruise missile", "Kalibr"),
             ("Iskander-M ballistic", "missile", "ballistic missile", "Iskander-M"),
             ("cruise", "missile", "cruise missile", None),
             ("ballistic", "missile", "ballistic missile", None)]
_DONORS = [("Germany", "EUR", "euros"), ("Japan", "USD", "dollars"),
           ("the United Kingdom", "GBP", "pounds"), ("Canada", "USD", "dollars"),
           ("the Netherlands", "EUR", "euros"), ("Norway", "USD", "dollars")]
_DONOR_CANONICAL = {"the United Kingdom": "United Kingdom", "the Netherlands": "Netherlands"}
_OUTLETS = ["Northline Wire", "Danube Post", "Meridian Wire", "Eastern Ledger",
            "Harbour Times", "Steppe Daily"]
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

_FILLER = [
    "Residents described a night of sirens and explosions, with many sheltering in basements "
    "and metro stations until the all-clear sounded shortly before dawn.",
    "Energy companies said repair crews were working to restore power to homes and hospitals, "
    "and asked people to limit their use of electricity during the evening peak.",
    "The attack came as diplomats met in Brussels to discuss further support for Kyiv, and "
    "as Ukrainian officials renewed their appeal for more air defence systems.",
    "Analysts say Moscow has been stockpiling missiles and drones for weeks, alternating large "
    "combined attacks with smaller raids meant to exhaust air defences.",
    "\"We will rebuild everything they destroy,\" the mayor told reporters at the scene, "
    "standing in front of an apartment block with its windows blown out.",
    "Emergency workers searched the rubble through the morning, supported by volunteers who "
    "brought food and water to the families gathered behind the cordon.",
    "The Kremlin did not comment on the strikes, and Russia's defence ministry said only that "
    "its forces had hit military and energy targets.",
    "Schools in the region switched to online lessons for the rest of the week, local "
    "authorities said, while public transport ran on a reduced timetable.",
    "Air raid alerts were declared across much of the country during the night and lasted "
    "for several hours in the east, according to the civil protection service.",
    "Independent verification of the battlefield claims was not immediately possible, and "
    "both sides have been accused of exaggerating the other's losses.",
    "Farmers in the area said the shelling had made it dangerous to work the fields, and that "
    "many had already moved their families further west.",
    "Officials urged residents not to ignore air raid warnings and to stay in shelters until "
    "the all-clear is given, even when the attacks seem to be over.",
]
_NOISE_ARTICLES = [
    ("City council approves new park plan",
     ["The city council approved a plan to renovate three parks along the river, with work "
      "expected to begin in the spring.", "Councillors said the budget of 12 million euros "
      "would also pay for new lighting and benches.", "Residents will be able to comment on "
      "the designs at public meetings over the next month."]),
    ("Drone show lights up the harbour",
     ["Organisers flew 500 drones over the harbour on Saturday night in a light show that drew "
      "thousands of spectators.", "The display told the story of the city's founding in "
      "shapes of ships and lighthouses.", "The company behind the show said it plans a larger "
      "display for the summer festival."]),
    ("Club completes record transfer",
     ["The club confirmed the signing of the striker for a fee reported at 40 million euros.",
      "The player, 23, signed a five-year contract and will wear the number nine shirt.",
      "The manager said the forward would add pace and goals to the attack."]),
]


@dataclass
class Article:
    name: str
    title: str
    published: date
    outlet: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)

    def text(self) -> str:
        head = (f"---\ntitle: {self.title}\nsource: {self.outlet}\n"
                f"published_at: {self.published.isoformat()}\nlanguage: en\n---\n")
        return head + "\n\n".join(self.paragraphs) + "\n"


def _count(rng: random.Random, n: int) -> str:
    """A number as a reporter would write it: words for small counts sometimes."""
    if n < 10 and rng.random() < 0.6:
        return _NUMBER_WORDS[n]
    if n >= 1000:
        return f"{n:,}"
    return str(n)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _weekday_before(published: date, back: int) -> tuple[date, str]:
    d = published - timedelta(days=back)
    return d, _WEEKDAYS[d.weekday()]


def _strike_fact(weapon: tuple[str, str, str | None, str | None], launched: int,
                 intercepted: int | None, when: date, location: str | None,
                 location_type: str | None, admin1: str | None, attacker: str,
                 evidence: str) -> dict[str, Any]:
    _w, category, sub, model = weapon
    return {"kind": "strike", "weapon_category": category, "weapon_subcategory": sub,
            "weapon_model": model, "launched": launched,
            "launched_qualifier": "exact" if launched is not None else None,
            "intercepted": intercepted,
            "intercepted_qualifier": "exact" if intercepted is not None else None,
            "event_date": when.isoformat(), "date_precision": "day", "location": location,
            "location_type": location_type, "admin1": admin1, "attacker": attacker,
            "evidence": evidence}


def _weapon_words(weapon: tuple[str, str, str | None, str | None]) -> str:
    words, category, _sub, _model = weapon
    noun = "drones" if category == "drone" else "missiles"
    return f"{words} {noun}".strip()


def _overnight_attack(rng: random.Random, a: Article) -> None:
    drone = rng.choice(_DRONES)
    launched = rng.randint(8, 180)
    downed = rng.randint(0, launched)
    missile = rng.choice(_MISSILES) if rng.random() < 0.5 else None
    m_launched = rng.randint(2, 40)
    voice = rng.randrange(3)
    if voice == 0:
        lead = (f"Russia launched {_count(rng, launched)} {_weapon_words(drone)}"
                + (f" and {_count(rng, m_launched)} {_weapon_words(missile)}" if missile else "")
                + " at Ukraine overnight, the air force said.")
        follow = f"Air defences shot down {_count(rng, downed)} of the drones."
    elif voice == 1:
        lead = (f"Ukraine's air force said on {_WEEKDAYS[a.published.weekday()]} that Russia "
                f"had attacked the country overnight with {_count(rng, launched)} "
                f"{_weapon_words(drone)}"
                + (f" and {_count(rng, m_launched)} {_weapon_words(missile)}" if missile else "")
                + ".")
        follow = f"{_cap(_count(rng, downed))} of the drones were destroyed, it said."
    else:
        lead = (f"Overnight, Russian forces attacked with {_count(rng, launched)} "
                f"{_weapon_words(drone)}"
                + (f" and {_count(rng, m_launched)} {_weapon_words(missile)}" if missile else "")
                + ", according to Ukraine's air force.")
        follow = f"Air defence units neutralised {_count(rng, downed)} of the drones."
    if downed == 0:
        follow = "None of the drones were shot down, the air force said."
    a.paragraphs += [lead, follow]
    evidence = lead + " " + follow
    a.facts.append(_strike_fact(drone, launched, downed, a.published, None, None, None,
                                "Russia", evidence))
    if missile:
        a.paragraphs.append("The air force did not say what happened to the missiles.")
        a.facts.append(_strike_fact(missile, m_launched, None, a.published, None, None, None,
                                    "Russia", lead))


def _casualties(rng: random.Random, a: Article) -> None:
    name, canonical, admin1 = rng.choice(_CITIES)
    killed = rng.randint(1, 25)
    injured = rng.randint(0, 60)
    children = rng.randint(0, min(killed, 4))
    when, weekday = _weekday_before(a.published, rng.randint(0, 2))
    cause, cause_words = rng.choice([("missile strike", "a Russian missile strike"),
                                     ("drone attack", "a Russian drone attack"),
                                     ("shelling", "Russian shelling")])
    voice = rng.randrange(3)
    child_words = (f", including {_count(rng, children)} "
                   f"{'child' if children == 1 else 'children'},") if children else ""
    hurt = _count(rng, injured)
    if voice == 0:
        s = (f"{_cap(cause_words)} on {name} on {weekday} killed {_count(rng, killed)} "
             f"{'person' if killed == 1 else 'people'}{child_words}"
             + (f" and injured {hurt} others" if injured else "")
             + ", the regional governor said.")
    elif voice == 1:
        s = (f"At least {_count(rng, killed)} {'person was' if killed == 1 else 'people were'} "
             f"killed{child_words}" + (f" and {hurt} wounded" if injured else "")
             + f" when {cause_words} hit {name} on {weekday}, officials said.")
    else:
        s = (f"The death toll from {cause_words} on {name} on {weekday} has risen to "
             f"{_count(rng, killed)}{child_words.rstrip(',')}, the head of the regional "
             f"administration said" + (f", adding that {hurt} people were injured" if injured
                                       else "") + ".")
    a.paragraphs.append(s)
    a.facts.append({
        "kind": "casualty", "cause": cause, "killed": killed,
        "injured": injured or None,
        "children_killed": children or None, "children_injured": None,
        "qualifier": "at_least" if voice == 1 else "exact", "event_date": when.isoformat(),
        "date_precision": "day", "location": canonical, "location_type": "city",
        "admin1": admin1, "perpetrator": "Russia", "evidence": s})


def _strike_on_russia(rng: random.Random, a: Article) -> None:
    regions = rng.sample(_RUSSIAN_REGIONS, rng.randint(2, 4))
    parts = [(r, rng.randint(2, 40)) for r in regions]
    listing = ", ".join(f"{_count(rng, n)} over the {r} region" for r, n in parts)
    s = (f"Russia's defence ministry said its air defences destroyed Ukrainian drones "
         f"overnight over several regions: {listing}.")
    a.paragraphs.append(s)
    for r, n in parts:
        a.facts.append(_strike_fact(("", "drone", None, None), None, n, a.published,  # type: ignore[arg-type]
                                    f"{r} Oblast", "region", f"{r} Oblast", "Ukraine", s))
        a.facts[-1]["launched_qualifier"] = None


def _production(rng: random.Random, a: Article) -> None:
    quantity = rng.choice([5_000, 11_000, 20_000, 32_000, 100_000, 1_000_000])
    year = a.published.year + rng.randint(0, 3)
    actor = rng.choice(["Ukraine", "Russia"])
    s = (f"{actor} plans to produce more than {quantity:,} attack drones a year by {year}, "
         f"the defence ministry said.")
    a.paragraphs.append(s)
    a.facts.append({"kind": "production", "actor": actor, "weapon_category": "drone",
                    "weapon_subcategory": "attack drone", "weapon_model": None,
                    "quantity": quantity, "qualifier": "at_least", "period": "year",
                    "target_year": year, "cost_usd": None, "evidence": s})


def _aid(rng: random.Random, a: Article) -> None:
    donor, currency, word = rng.choice(_DONORS)
    millions = rng.choice([20, 37, 50, 120, 245, 500, 800])
    s = (f"{_cap(donor)} pledged {millions} million {word} in military aid to Ukraine for air "
         f"defence, its government said.")
    a.paragraphs.append(s)
    a.facts.append({"kind": "aid_pledge", "donor": _DONOR_CANONICAL.get(donor, donor),
                    "recipient": "Ukraine", "amount": float(millions * 1_000_000),
                    "currency": currency, "amount_usd": None, "purpose": "air defence",
                    "event_date": a.published.isoformat(), "date_precision": "day",
                    "evidence": s})


_BUILDERS: list[tuple[str, Callable[[random.Random, Article], None]]] = [
    ("Russia strikes Ukraine overnight", _overnight_attack),
    ("Deadly strike hits Ukrainian city", _casualties),
    ("Russia says it downed Ukrainian drones", _strike_on_russia),
    ("Drone production plans", _production),
    ("New military aid for Ukraine", _aid),
]


def _pad(rng: random.Random, a: Article, words: int) -> None:
    """Background paragraphs around the facts, up to about `words` words."""
    total = sum(len(p.split()) for p in a.paragraphs)
    while total < words:
        p = " ".join(rng.sample(_FILLER, rng.randint(1, 3)))
        a.paragraphs.insert(rng.randint(1, len(a.paragraphs)), p)
        total += len(p.split())
    if rng.random() < 0.3:
        a.paragraphs.append("Read also: Air defence units prepare for winter")
    if rng.random() < 0.3:
        a.paragraphs.insert(1, "Photo: Firefighters work at the site of a strike.")


FIRST_DAY = date(2024, 1, 1)
DAYS = 600


def generate(n: int, seed: int, start: date = FIRST_DAY, days: int = DAYS,
             ) -> Iterator[Article]:
    """`n` articles published over `days` days from `start`, the same for the same seed."""
    rng = random.Random(seed)
    for i in range(n):
        published = start + timedelta(days=rng.randint(0, days))
        outlet = rng.choice(_OUTLETS)
        words = rng.randint(300, 1500)
        if rng.random() < 0.1:
            title, body = rng.choice(_NOISE_ARTICLES)
            a = Article(f"synth_{i:06d}.txt", title, published, outlet, list(body))
        else:
            kinds = rng.sample(_BUILDERS, rng.randint(1, 3))
            a = Article(f"synth_{i:06d}.txt", kinds[0][0], published, outlet)
            for _title, build in kinds:
                build(rng, a)
        _pad(rng, a, words)
        yield a


def write_corpus(n: int, out_dir: Path, seed: int,
                 progress: Callable[[int], None] | None = None,
                 start: date = FIRST_DAY, days: int = DAYS) -> int:
    """Write `n` articles and their gold facts; returns the number of gold facts."""
    landing = out_dir / "landing"
    landing.mkdir(parents=True, exist_ok=True)
    facts = 0
    with (out_dir / "gold.jsonl").open("w", encoding="utf-8") as gold:
        for i, a in enumerate(generate(n, seed, start, days), 1):
            (landing / a.name).write_text(a.text(), encoding="utf-8")
            gold.write(json.dumps({"article": a.name, "facts": a.facts}) + "\n")
            facts += len(a.facts)
            if progress and i % 1000 == 0:
                progress(i)
    return facts
