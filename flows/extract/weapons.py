"""Weapon mentions and the canonical weapon catalogue (docs/extraction-conventions.md, Weapons).

A mention names one weapon type: a model ("Kh-101", "Shahed"), a class ("cruise missiles",
"FPV drones") or both ("Iskander-M ballistic missiles"). Lists of models sharing a class noun
("Kh-101/Kh-555 cruise missiles", "Kh-101 and Kalibr cruise missiles") give one mention per
model. Whether a mention belongs to an attack is the caller's decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from flows.extract.model import Weapon, WeaponCategory
from flows.extract.sieve import AnyOf, Sieve, Sieves, folded, lowered

__all__ = ["WEAPONS", "WeaponMention", "find_weapons", "weapon_for"]


@dataclass(frozen=True)
class WeaponMention:
    weapon: Weapon
    start: int
    end: int
    surface: str


def weapon_for(category: str, subcategory: str | None = None,
               model: str | None = None) -> Weapon:
    """The canonical weapon: name is the model, else the subcategory, else the category.

    A known model spelling is normalised ("X-101" -> "Kh-101") and, when no subcategory is
    given, takes the catalogue's.
    """
    if model is not None:
        known = _known_model(model)
        if known is not None:
            model = known.model
            subcategory = subcategory or known.subcategory
    cat: WeaponCategory = category  # type: ignore[assignment]
    return Weapon(model or subcategory or category, cat, subcategory, model)


# --------------------------------------------------------------------------------------
# Catalogue: model, category, subcategory, spelling pattern (regex), case-sensitive.
_KH = r"(?:Kh|KH|kh|X|Х)[-\s]?"
_DRONE = r"(?:drones?|UAVs?|unmanned\s+aerial\s+vehicles?|unmanned\s+aircraft)"
_MISSILE = r"missiles?"
_MODELS: list[tuple[str, WeaponCategory, str, str, bool]] = [
    ("Shahed-136", "drone", "attack drone",
     rf"(?:Iranian[-\s](?:made|designed|built)|Shahed[-\s]type)(?:\s+(?:attack|strike|kamikaze))?"
     rf"\s+{_DRONE}|Shahed[-\s]type|Shahed[-\s]?136|Geran[-\s]?2"
     r"|Shaheds?(?![-\s]?(?:131|238))|Gerans?(?![-\s]?[0-9])", False),
    ("Shahed-131", "drone", "attack drone", r"Shahed[-\s]?131|Geran[-\s]?1", False),
    ("Shahed-238", "drone", "attack drone", r"Shahed[-\s]?238|Geran[-\s]?3", False),
    ("Lancet", "drone", "attack drone", r"Lancets?", False),
    ("Bayraktar TB2", "drone", "attack drone", r"Bayraktar(?:\s+TB2)?s?|TB2s?", False),
    ("Lyutyi", "drone", "attack drone", r"Lyutyi|Liutyi|Lyuty", False),
    ("Orlan-10", "drone", "reconnaissance drone", r"Orlan[-\s]?10s?|Orlans?(?![-\s]?\d)", False),
    ("Orlan-30", "drone", "reconnaissance drone", r"Orlan[-\s]?30s?", False),
    ("Zala", "drone", "reconnaissance drone", r"ZALA|Zala", True),
    ("Supercam", "drone", "reconnaissance drone", r"Supercams?|SuperCams?", False),
    ("Gerbera", "drone", "decoy drone", r"Gerberas?", False),
    ("Kh-101", "missile", "cruise missile", _KH + r"101(?!\d)", False),
    ("Kh-555", "missile", "cruise missile", _KH + r"555(?!\d)", False),
    ("Kh-55", "missile", "cruise missile", _KH + r"55(?:SM|MS)?(?!\d)", False),
    ("Kalibr", "missile", "cruise missile", r"Kalibrs?|Calibrs?", False),
    ("Kh-59", "missile", "cruise missile", _KH + r"59(?:MK2|M2|MK|M)?(?!\d)", False),
    ("Kh-69", "missile", "cruise missile", _KH + r"69(?!\d)", False),
    ("Iskander-K", "missile", "cruise missile", r"Iskander[-\s]?K(?![A-Za-z])", False),
    ("Storm Shadow", "missile", "cruise missile", r"Storm\s+Shadows?", False),
    ("SCALP", "missile", "cruise missile", r"SCALP(?:-EG)?s?", True),
    ("Neptune", "missile", "cruise missile", r"(?:R-360\s+)?Neptunes?", True),
    ("Taurus", "missile", "cruise missile", r"Taurus(?:\s+KEPD[-\s]?350)?", True),
    ("Iskander-M", "missile", "ballistic missile",
     r"Iskander[-\s]?M(?![A-Za-z])|Iskanders?(?![-\s]?[KMkm](?![a-z]))", False),
    ("KN-23", "missile", "ballistic missile", r"KN[-\s]?23|Hwasong[-\s]?11", False),
    ("Tochka-U", "missile", "ballistic missile", r"Tochka(?:[-\s]?U)?(?![a-z])", False),
    ("ATACMS", "missile", "ballistic missile", r"ATACMS", True),
    ("Kinzhal", "missile", "hypersonic missile",
     r"Kinzhals?|Kinjals?|Kindzhals?|" + _KH + r"47(?:M2)?", False),
    ("Zircon", "missile", "hypersonic missile", r"Zircons?|Zirkons?|Tsirkons?|3M22", False),
    ("S-300", "missile", "air defence missile", r"S[-\s]?300s?(?![\d])", False),
    ("S-400", "missile", "air defence missile", r"S[-\s]?400s?(?![\d])", False),
    ("Kh-31P", "missile", "guided missile", _KH + r"31(?:P|PD|PM)?(?![\dA-Z])", False),
    ("Kh-22", "missile", "anti-ship missile", _KH + r"22(?!\d)", False),
    ("Kh-32", "missile", "anti-ship missile", _KH + r"32(?!\d)", False),
    ("Kh-35", "missile", "anti-ship missile", _KH + r"35(?!\d)", False),
    ("Oniks", "missile", "anti-ship missile", r"Oniks|Onyx|P[-\s]?800", False),
    ("KAB-250", "glide_bomb", "guided aerial bomb", r"KAB[-\s]?250", False),
    ("KAB-500", "glide_bomb", "guided aerial bomb", r"KAB[-\s]?500", False),
    ("KAB-1500", "glide_bomb", "guided aerial bomb", r"KAB[-\s]?1500", False),
    ("FAB-250", "glide_bomb", "guided aerial bomb", r"FAB[-\s]?250", False),
    ("FAB-500", "glide_bomb", "guided aerial bomb", r"FAB[-\s]?500", False),
    ("FAB-1500", "glide_bomb", "guided aerial bomb", r"FAB[-\s]?1500", False),
    ("FAB-3000", "glide_bomb", "guided aerial bomb", r"FAB[-\s]?3000", False),
    ("Grad", "artillery", "rocket", r"Grads?|BM[-\s]?21", True),
    ("Smerch", "artillery", "rocket", r"Smerch|BM[-\s]?30", True),
    ("Uragan", "artillery", "rocket", r"Uragan|BM[-\s]?27", True),
    ("Tornado-S", "artillery", "rocket", r"Tornado[-\s]S", True),
    ("HIMARS", "artillery", "rocket", r"HIMARS|Himars", True),
]

# Classes without a model: (category, subcategory, pattern); all case-insensitive.
_CLASSES: list[tuple[WeaponCategory, str | None, str]] = [
    ("drone", "attack drone",
     rf"(?:(?:long|medium)[-\s]range\s+(?:and\s+)?)?(?:one[-\s]way\s+)?(?:attack|strike|kamikaze"
     rf"|combat|suicide|loitering)(?:[-\s]+type)?\s+{_DRONE}"),
    ("drone", "attack drone", r"loitering\s+munitions?"),
    ("drone", "attack drone", rf"long[-\s]range\s+{_DRONE}"),
    ("drone", "reconnaissance drone",
     rf"(?:reconnaissance|recon|surveillance|spy|scout)\s+{_DRONE}"),
    ("drone", "FPV drone",
     rf"(?:FPV|first[-\s]person[-\s]view|first[-\s]person)\s+{_DRONE}|FPVs"),
    ("drone", "decoy drone", rf"(?:decoy|imitation|imitator|simulator|dummy|fake)\s+{_DRONE}"),
    ("other", "naval drone",
     rf"(?:naval|sea|maritime|marine|water|surface)\s+{_DRONE}"
     r"|unmanned\s+surface\s+vessels?|uncrewed\s+surface\s+vessels?"),
    ("drone", None, rf"{_DRONE}|quadcopters?"),
    ("missile", "cruise missile",
     rf"(?:air[-\s]launched\s+|sea[-\s]launched\s+)?cruise\s+{_MISSILE}"),
    ("missile", "ballistic missile", rf"(?:short[-\s]range\s+)?ballistic\s+{_MISSILE}"),
    ("missile", "hypersonic missile", rf"hypersonic\s+{_MISSILE}"),
    ("missile", "air defence missile",
     rf"(?:guided\s+)?(?:anti[-\s]aircraft|air[-\s]defen[cs]e|surface[-\s]to[-\s]air)"
     rf"\s+{_MISSILE}"),
    ("missile", "anti-ship missile", rf"anti[-\s]ship\s+{_MISSILE}"),
    ("missile", "guided missile", rf"guided\s+{_MISSILE}"),
    ("missile", None,
     rf"{_MISSILE}\s+of\s+(?:various|different|several|multiple|all|other)\s+types"
     rf"|{_MISSILE}"),
    ("glide_bomb", "guided aerial bomb",
     r"(?:guided\s+)?(?:aerial|air)\s+bombs?|glide\s+bombs?|guided\s+bombs?|KABs?(?![-\s]?\d)"
     r"|UMPKs?"),
    ("artillery", "rocket",
     r"multiple[-\s](?:launch\s+)?rocket\s+(?:launchers?|systems?)|MLRS|rocket\s+launchers?"
     r"|rocket\s+artillery|rockets?"),
    ("artillery", "shell",
     r"(?:artillery|tank|mortar)\s+(?:shells?|fire|shelling|strikes?)|artillery|shelling"
     r"|shells|mortars?"),
]

def _known_model(spelling: str) -> Weapon | None:
    """The catalogue weapon a model spelling names ("X-101", "Kinjal", "Iskander M")."""
    for spec in _specs():
        if spec.is_model and spec.pattern.fullmatch(spelling.strip()):
            return spec.weapon
    return None


@dataclass(frozen=True)
class _Spec:
    pattern: re.Pattern[str]
    weapon: Weapon
    is_model: bool

    @cached_property
    def sieve(self) -> Sieve:
        return Sieve(self.pattern)


@lru_cache(maxsize=1)
def _specs() -> list[_Spec]:
    specs = []
    for model, cat, sub, pattern, case_sensitive in _MODELS:
        flags = 0 if case_sensitive else re.I
        # a plural of a numbered model: "nine Kh-101s"
        specs.append(_Spec(re.compile(rf"(?<![\w-])(?:{pattern})(?:s|['’]s)?(?![\w])", flags),
                           Weapon(model, cat, sub, model), True))
    for cat, subcategory, pattern in _CLASSES:
        specs.append(_Spec(re.compile(rf"(?<![\w])(?<!anti-)(?<!counter-)(?:{pattern})(?![\w])",
                                      re.I), Weapon(subcategory or cat, cat, subcategory, None),
                           False))
    return specs


@lru_cache(maxsize=1)
def _spec_sieves() -> Sieves:
    """The word tests of every spelling, made at once (most sentences name one weapon)."""
    return Sieves([spec.sieve for spec in _specs()])


@lru_cache(maxsize=1)
def _spec_lowered() -> list[re.Pattern[str] | None]:
    """Each spelling's pattern for the lower-cased sentence, None where there is none: a
    case-insensitive scan tries every alternative at every position (see `lowered`)."""
    return [lowered(spec.sieve.pattern) for spec in _specs()]


def _catalogue() -> list[Weapon]:
    seen: dict[Weapon, None] = {}
    for model, cat, sub, _p, _cs in _MODELS:
        seen[weapon_for(cat, sub, model)] = None
    for cat, subcategory, _p in _CLASSES:
        seen[weapon_for(cat, subcategory)] = None
    for cat in ("drone", "missile", "artillery", "glide_bomb", "aircraft", "other"):
        seen[weapon_for(cat)] = None
    return list(seen)


WEAPONS: list[Weapon] = _catalogue()


# Between a model and its class noun: nothing, or a word or two of description
# ("Kinzhal aeroballistic missiles"), never a conjunction or preposition.
_ADJACENT = re.compile(r"[\s-]*(?:(?!(?:and|or|of|the|with|from|to|at|on|in|by|for)\b)"
                       r"[A-Za-z][\w-]*[\s-]+){0,2}", re.I)


def _merge_class_nouns(text: str, mentions: list[tuple[WeaponMention, bool]]
                       ) -> list[WeaponMention]:
    """"Kh-101 cruise missiles" is one mention of Kh-101: a class noun right after a model of
    the same category joins it instead of standing alone."""
    out: list[WeaponMention] = []
    last_model: int | None = None
    for m, is_model in mentions:
        if not is_model and last_model is not None:
            prev = out[last_model]
            if prev.weapon.category == m.weapon.category and \
                    _ADJACENT.fullmatch(text, prev.end, m.start):
                out[last_model] = WeaponMention(prev.weapon, prev.start, m.end,
                                                text[prev.start:m.end])
                last_model = None
                continue
        out.append(m)
        last_model = len(out) - 1 if is_model else None
    return out


# Every weapon spelling contains one of these: a sentence without any names no weapon.
_ANY_WEAPON = AnyOf((
    "drone", "uav", "unmanned", "quadcopter", "missile", "shahed", "geran", "lancet", "bayraktar",
    "tb2", "lyut", "liut", "orlan", "zala", "supercam", "gerbera", "kh", "х", r"x[-\s]?\d",
    "kalibr", "calibr", "iskander", "storm", "scalp", "neptune", "taurus", "kn", "hwasong",
    "tochka", "atacms", "kinzhal", "kinjal", "kindzhal", "zircon", "zirkon", "tsirkon", "3m22",
    r"s[-\s]?[34]00", "oniks", "onyx", r"p[-\s]?800", "kab", "fab", "umpk", "bomb", "grad",
    r"bm[-\s]?\d", "smerch", "uragan", "tornado", "himars", "mlrs", "rocket", "artillery",
    "shell", "mortar", "fpv", "munition"))
ANY_WEAPON = _ANY_WEAPON.pattern


def find_weapons(text: str) -> list[WeaponMention]:
    """Every weapon named in `text`: longest match first, no overlaps, sorted by start."""
    lower = folded(text)
    if not _ANY_WEAPON.found(text, lower):
        return []
    found: list[tuple[WeaponMention, bool]] = []
    specs = _specs()
    lows = _spec_lowered()
    for i in _spec_sieves().admitted(lower):
        spec = specs[i]
        low = lows[i]
        # the surface is cut from `text`: a match in the lower-cased text has its offsets
        matches = spec.sieve.pattern.finditer(text) if low is None or lower is None \
            else low.finditer(lower)
        for match in matches:
            start, end = match.span()
            found.append((WeaponMention(spec.weapon, start, end, text[start:end]),
                          spec.is_model))
    chosen: list[tuple[WeaponMention, bool]] = []
    for item in sorted(found, key=lambda f: (-(f[0].end - f[0].start), f[0].start)):
        mention = item[0]
        if all(mention.end <= o.start or mention.start >= o.end for o, _ in chosen):
            chosen.append(item)
    chosen.sort(key=lambda f: f[0].start)
    return _merge_class_nouns(text, chosen)
