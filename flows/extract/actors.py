"""States and organisations named in war reporting, by name, demonym or capital.

A capital ("Moscow", "Kyiv", "Washington") stands for its government only in metonym patterns
("Kyiv said", "Moscow's forces"); elsewhere it is a city and `places` reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from flows.extract.model import Actor, ActorType
from flows.extract.sieve import lead

__all__ = ["ACTORS", "ActorMention", "actor", "capital_metonym", "find_actors"]


@dataclass(frozen=True)
class ActorMention:
    actor: Actor
    start: int
    end: int
    surface: str
    role_hint: str | None  # "demonym", "capital", "forces" or None for a plain name


# name, type, country code, names, demonyms, capitals (metonym only), institution words
_Row = tuple[str, ActorType, str | None, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
_TABLE: list[_Row] = [
    ("Russia", "state", "RU", ("Russia", "Russian Federation"), ("Russian", "Russians"),
     ("Moscow",)),
    ("Ukraine", "state", "UA", ("Ukraine",), ("Ukrainian", "Ukrainians"), ("Kyiv", "Kiev")),
    ("Japan", "state", "JP", ("Japan",), ("Japanese",), ("Tokyo",)),
    ("United States", "state", "US",
     ("United States of America", "United States", "U.S.", "US", "USA", "U.S.A.", "America"),
     ("American", "Americans"), ("Washington",)),
    ("United Kingdom", "state", "GB",
     ("United Kingdom", "Great Britain", "Britain", "UK", "U.K."), ("British", "Briton",
                                                                     "Britons"), ("London",)),
    ("Germany", "state", "DE", ("Germany",), ("German", "Germans"), ("Berlin",)),
    ("France", "state", "FR", ("France",), ("French",), ("Paris",)),
    ("Netherlands", "state", "NL", ("Netherlands", "Holland"), ("Dutch",),
     ("The Hague",)),
    ("Denmark", "state", "DK", ("Denmark",), ("Danish", "Danes"), ("Copenhagen",)),
    ("Norway", "state", "NO", ("Norway",), ("Norwegian", "Norwegians"), ("Oslo",)),
    ("Sweden", "state", "SE", ("Sweden",), ("Swedish", "Swedes"), ("Stockholm",)),
    ("Poland", "state", "PL", ("Poland",), ("Polish", "Poles"), ("Warsaw",)),
    ("Canada", "state", "CA", ("Canada",), ("Canadian", "Canadians"), ("Ottawa",)),
    ("Italy", "state", "IT", ("Italy",), ("Italian", "Italians"), ("Rome",)),
    ("Spain", "state", "ES", ("Spain",), ("Spanish",), ("Madrid",)),
    ("Czech Republic", "state", "CZ", ("Czech Republic", "Czechia"), ("Czech",), ("Prague",)),
    ("Slovakia", "state", "SK", ("Slovakia",), ("Slovak",), ("Bratislava",)),
    ("Hungary", "state", "HU", ("Hungary",), ("Hungarian",), ("Budapest",)),
    ("Romania", "state", "RO", ("Romania",), ("Romanian",), ("Bucharest",)),
    ("Bulgaria", "state", "BG", ("Bulgaria",), ("Bulgarian",), ("Sofia",)),
    ("Estonia", "state", "EE", ("Estonia",), ("Estonian",), ("Tallinn",)),
    ("Latvia", "state", "LV", ("Latvia",), ("Latvian",), ("Riga",)),
    ("Lithuania", "state", "LT", ("Lithuania",), ("Lithuanian",), ("Vilnius",)),
    ("Finland", "state", "FI", ("Finland",), ("Finnish", "Finns"), ("Helsinki",)),
    ("Belgium", "state", "BE", ("Belgium",), ("Belgian",), ()),
    ("Portugal", "state", "PT", ("Portugal",), ("Portuguese",), ("Lisbon",)),
    ("Greece", "state", "GR", ("Greece",), ("Greek",), ("Athens",)),
    ("Austria", "state", "AT", ("Austria",), ("Austrian",), ("Vienna",)),
    ("Switzerland", "state", "CH", ("Switzerland",), ("Swiss",), ("Bern",)),
    ("Ireland", "state", "IE", ("Ireland",), ("Irish",), ("Dublin",)),
    ("Luxembourg", "state", "LU", ("Luxembourg",), (), ()),
    ("Iceland", "state", "IS", ("Iceland",), ("Icelandic",), ("Reykjavik",)),
    ("Turkey", "state", "TR", ("Turkey", "Turkiye", "Türkiye"), ("Turkish",), ("Ankara",)),
    ("Moldova", "state", "MD", ("Moldova",), ("Moldovan",), ("Chisinau",)),
    ("Belarus", "state", "BY", ("Belarus",), ("Belarusian", "Belarusians"), ("Minsk",)),
    ("Australia", "state", "AU", ("Australia",), ("Australian", "Australians"), ("Canberra",)),
    ("New Zealand", "state", "NZ", ("New Zealand",), (), ("Wellington",)),
    ("South Korea", "state", "KR", ("South Korea", "Republic of Korea"), ("South Korean",),
     ("Seoul",)),
    ("North Korea", "state", "KP", ("North Korea", "DPRK"), ("North Korean", "North Koreans"),
     ("Pyongyang",)),
    ("Iran", "state", "IR", ("Iran",), ("Iranian", "Iranians"), ("Tehran",)),
    ("China", "state", "CN", ("China",), ("Chinese",), ("Beijing",)),
    ("Israel", "state", "IL", ("Israel",), ("Israeli",), ()),
    ("NATO", "organization", None,
     ("North Atlantic Treaty Organization", "NATO", "Nato"), (), ()),
    ("European Union", "organization", None, ("European Union", "EU", "E.U."), (),
     ("Brussels",)),
    ("European Commission", "organization", None, ("European Commission",), (), ()),
    ("World Bank", "organization", None, ("World Bank",), (), ()),
    ("European Investment Bank", "organization", None, ("European Investment Bank", "EIB"), (),
     ()),
    ("EBRD", "organization", None,
     ("European Bank for Reconstruction and Development", "EBRD"), (), ()),
    ("IMF", "organization", None, ("International Monetary Fund", "IMF"), (), ()),
    ("United Nations", "organization", None, ("United Nations", "UN", "U.N."), (), ()),
    ("G7", "organization", None, ("G7", "Group of Seven"), (), ()),
    ("IAEA", "organization", None, ("International Atomic Energy Agency", "IAEA"), (), ()),
]

# Always the government, whatever follows ("the Kremlin", "the Pentagon").
_SEATS: dict[str, str] = {"Kremlin": "Russia", "Pentagon": "United States",
                          "White House": "United States", "Downing Street": "United Kingdom",
                          "Elysee": "France", "Élysée": "France"}
# "ZSU" and the armed forces by their full name.
_FORCES: dict[str, str] = {"ZSU": "Ukraine", "Armed Forces of Ukraine": "Ukraine",
                           "Ukrainian Armed Forces": "Ukraine", "Russian Armed Forces": "Russia",
                           "Armed Forces of the Russian Federation": "Russia"}

ACTORS: list[Actor] = [Actor(row[0], row[1], row[2]) for row in _TABLE]
_BY_NAME: dict[str, Actor] = {a.name.casefold(): a for a in ACTORS}

# What follows a capital used for its government: a possessive institution or a verb of speech
# or decision ("Kyiv's forces", "Moscow said", "Kyiv has asked"). Passives ("Kyiv was attacked",
# "Kyiv has been hit") keep the city.
_VERBS = (
    "say|says|said|claim|claims|claimed|deny|denies|denied|accuse|accuses|accused|ask|asks|asked"
    "|want|wants|wanted|insist|insists|insisted|announce|announces|announced|respond|responds"
    "|responded|warn|warns|warned|hope|hopes|hoped|urge|urges|urged|send|sends|sent|launch"
    "|launches|launched|fire|fires|fired|strike|strikes|struck|attack|attacks|attacked"
    "|retaliate|retaliates|retaliated|reject|rejects|rejected|blame|blames|blamed|call|calls"
    "|called|pledge|pledges|pledged|promise|promises|promised|report|reports|reported|confirm"
    "|confirms|confirmed|state|states|stated|argue|argues|argued|agree|agrees|agreed|sign|signs"
    "|signed|refuse|refuses|refused|demand|demands|demanded|threaten|threatens|threatened"
    "|acknowledge|acknowledges|acknowledged|admit|admits|admitted|seek|seeks|sought|regard"
    "|regards|regarded|consider|considers|considered|believe|believes|believed|received|receive"
    "|receives|expects|expected|plans|planned|intends|intended|needs|needed|approve|approves"
    "|approved|allocate|allocates|allocated|give|gives|gave|grant|grants|granted"
)
_ING = ("asking|seeking|demanding|pushing|trying|preparing|planning|hoping|calling|urging"
        "|pressing|negotiating|waiting|counting|relying|looking")
_METONYM_AFTER = re.compile(
    r"(?:['’]s\s+(?:forces|troops|army|military|armed\s+forces|air\s+force"
    r"|navy|government|leadership|allies|partners|officials|envoy|ambassador|request|position"
    r"|decision|demands?|offensive|counteroffensive|counter-offensive|drones?|missiles?"
    r"|strikes?|attacks?|war|invasion|backers|supporters|response|claims?)\b"
    rf"|\s+(?:(?:has|have|had|will|would|could|may|might|must|also|has\s+also|had\s+also)\s+"
    rf"(?:not\s+|repeatedly\s+|long\s+|already\s+|previously\s+)?)?(?:{_VERBS})\b"
    rf"|\s+(?:is|was|are|were)\s+(?:{_ING})\b"
    # "In Berlin, the government approved ...": the seat of the government that acted
    r"|,\s+(?:the\s+)?(?:government|cabinet|parliament|ministers|defen[cs]e\s+ministry"
    r"|chancellor|prime\s+minister|president|finance\s+ministry)\b)"
)
_NOT_AFTER_US = re.compile(r"\s?(?:\$|dollars?\b)")
_NOT_BEFORE_AMERICA = re.compile(r"(?:Latin|North|South|Central)\s+$")
_NOT_BEFORE_DEMONYM = re.compile(r"anti-\s*$", re.I)


def capital_metonym(text: str, end: int) -> bool:
    """Whether the capital ending at `end` stands for its government ("Kyiv said")."""
    return bool(_METONYM_AFTER.match(text, end))


@dataclass(frozen=True)
class _Form:
    actor: Actor
    role: str | None  # None, "demonym", "capital", "seat", "forces"


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], dict[str, _Form]]:
    forms: dict[str, _Form] = {}
    for name, _kind, _code, names, demonyms, capitals in _TABLE:
        a = _BY_NAME[name.casefold()]
        for n in names:
            forms[n] = _Form(a, None)
        for d in demonyms:
            forms[d] = _Form(a, "demonym")
        for c in capitals:
            forms[c] = _Form(a, "capital")
    for seat, name in _SEATS.items():
        forms[seat] = _Form(_BY_NAME[name.casefold()], "seat")
    for force, name in _FORCES.items():
        forms[force] = _Form(_BY_NAME[name.casefold()], "forces")
    alternatives = sorted(forms, key=len, reverse=True)
    body = "|".join(re.escape(f) for f in alternatives)
    # behind a lookahead for the names' first letters: most positions are turned away on one
    # character instead of trying every name there (see `lead`)
    return lead(re.compile(rf"(?<![\w.])(?:{body})(?![\w])")), forms


def _keep(text: str, m: re.Match[str], form: _Form) -> bool:
    surface = m.group(0)
    if form.role == "capital":
        return capital_metonym(text, m.end())
    if surface in ("US", "U.S.", "USA") and _NOT_AFTER_US.match(text, m.end()):
        return False  # "US$37m", "US dollars": a currency, not the state
    if surface in ("America", "American", "Americans") and \
            _NOT_BEFORE_AMERICA.search(text, 0, m.start()):
        return False
    if form.role == "demonym" and _NOT_BEFORE_DEMONYM.search(text, max(0, m.start() - 8),
                                                             m.start()):
        return False
    return not (surface in ("U.S.", "U.K.", "E.U.", "U.N.") and m.end() < len(text)
                and text[m.end()].isalnum())


def find_actors(text: str) -> list[ActorMention]:
    """Every state or organisation named in `text`, sorted by position.

    Capitals count only as metonyms; "US" before a dollar sign is a currency; "Latin American"
    and "anti-Russian" are not the states.
    """
    pattern, forms = _compiled()
    out: list[ActorMention] = []
    for m in pattern.finditer(text):
        form = forms[m.group(0)]
        if not _keep(text, m, form):
            continue
        role = "capital" if form.role == "seat" else form.role
        out.append(ActorMention(form.actor, m.start(), m.end(), m.group(0), role))
    return out


def actor(name: str) -> Actor:
    """The canonical actor for any of its names ("U.S.", "Kremlin", "Japanese", "NATO").

    Raises KeyError for an unknown name: a typo in a caller should fail loudly.
    """
    found = _BY_NAME.get(name.strip().casefold())
    if found is not None:
        return found
    _, forms = _compiled()
    for form, f in forms.items():
        if form.casefold() == name.strip().casefold():
            return f.actor
    raise KeyError(f"unknown actor: {name!r}")
