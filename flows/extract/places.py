"""Place names in war reporting: cities, districts, regions, areas and countries.

The gazetteer is a compact file generated from GeoNames (`scripts/build_gazetteer.py`), loaded
once on first use. Matching walks capitalised word sequences and looks them up, so a call on a
long article stays in the low milliseconds; lower-case words never match a town ("at the bar",
"green"), and names that are also everyday words or people's names need a locative context.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from flows.extract.actors import capital_metonym
from flows.extract.model import Place
from flows.extract.sieve import Sieve, Sieves, folded, lead

__all__ = ["GAZETTEER_PATH", "PlaceMention", "find_places", "resolve_place"]

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.tsv"


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int
    surface: str


# ---------------------------------------------------------------------------------------
# The gazetteer.

@dataclass(frozen=True)
class _Entry:
    place: Place
    population: int
    strict: bool  # needs a locative context ("in Bar")
    exact: bool  # the alias is the canonical name


@dataclass
class _Gazetteer:
    names: dict[str, list[_Entry]] = field(default_factory=dict)
    caps: dict[str, tuple[bool, ...]] = field(default_factory=dict)  # token must be capitalised
    region_bases: dict[str, Place] = field(default_factory=dict)
    starts: set[str] = field(default_factory=set)  # first words of names longer than one word
    max_tokens: int = 1
    firsts: set[str] = field(default_factory=set)  # first word of every name: a cheap filter


def _key(name: str) -> str:
    """Comparison form: no diacritics, apostrophes or dots; hyphens as spaces; case-folded."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"['’ʼ`.]", "", plain)
    return re.sub(r"[\s\-‐‑]+", " ", plain).strip().casefold()


def _float(value: str) -> float | None:
    return float(value) if value else None


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    g = _Gazetteer()
    with GAZETTEER_PATH.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        for row in rows:
            place = Place(
                name=row["name"], location_type=row["location_type"],  # type: ignore[arg-type]
                admin1=row["admin1"] or None, country_code=row["country_code"] or None,
                latitude=_float(row["latitude"]), longitude=_float(row["longitude"]),
                geonames_id=int(row["geonames_id"]) if row["geonames_id"] else None,
            )
            population = int(row["population"] or 0)
            for alias in filter(None, row["aliases"].split("|")):
                strict = alias.startswith("~")
                alias = alias.lstrip("~")
                _add_name(g, alias, _Entry(place, population, strict, alias == place.name))
            for base in filter(None, row["bases"].split("|")):
                k = _key(base)
                g.region_bases.setdefault(k, place)
                if " " in k:
                    g.starts.add(k.split(" ")[0])
                    g.max_tokens = max(g.max_tokens, k.count(" ") + 1)
    for entries in g.names.values():
        entries.sort(key=_rank)
    return g


def _add_name(g: _Gazetteer, alias: str, entry: _Entry) -> None:
    k = _key(alias)
    g.names.setdefault(k, []).append(entry)
    tokens = k.split(" ")
    g.max_tokens = max(g.max_tokens, len(tokens))
    if len(tokens) > 1:
        g.starts.add(tokens[0])
    alias_tokens = re.split(r"[\s\-‐‑]+", alias.strip())
    caps = tuple(t[:1].isupper() for t in alias_tokens) if len(alias_tokens) == len(tokens) \
        else tuple(True for _ in tokens)
    old = g.caps.get(k)
    g.caps[k] = caps if old is None else tuple(a and b for a, b in zip(old, caps, strict=True))


def _rank(e: _Entry) -> tuple[int, int, int, int]:
    """Best reading first: exact canonical name, then Ukraine, then towns by size."""
    country = {"UA": 0, "RU": 1}.get(e.place.country_code or "", 2)
    kind = 0 if e.place.location_type in ("country", "region") else 1
    return (0 if e.exact else 1, kind, country, -e.population)


# ---------------------------------------------------------------------------------------
# Derived places (districts, areas).

@lru_cache(maxsize=4096)
def _district(name: str, admin1: str | None, country_code: str | None) -> Place:
    return Place(f"{name} district", "district", admin1, country_code)


_AREA_COUNTRY = {"Ukraine": "UA", "Russia": "RU"}


@lru_cache(maxsize=256)
def _area(name: str, country_code: str | None) -> Place:
    return Place(name, "area", None, country_code)


_DIR_BARE = r"(?:north-?east|north-?west|south-?east|south-?west|north|south|east|west)"
_DIR = rf"(?:{_DIR_BARE}|centre|center)"
_DIR_ADJ = (r"(?:[Nn]orth-?eastern|[Nn]orth-?western|[Ss]outh-?eastern|[Ss]outh-?western"
            r"|[Nn]orthern|[Ss]outhern|[Ee]astern|[Ww]estern|[Cc]entral)")
_ADJ_TO_DIR = {"northern": "north", "southern": "south", "eastern": "east", "western": "west",
               "central": "centre", "center": "centre", "northeastern": "north-east",
               "northwestern": "north-west", "southeastern": "south-east",
               "southwestern": "south-west", "northeast": "north-east",
               "northwest": "north-west", "southeast": "south-east", "southwest": "south-west"}
_COUNTRY = r"(?:Ukraine|Russia|the\s+country)"
_AREA_PATTERNS: list[re.Pattern[str]] = [
    # "the south and east (of Ukraine)", "Ukraine's east and south"
    re.compile(rf"(?:(?P<owner>Ukraine|Russia)['’]s\s+)?(?:the\s+)?(?P<d1>{_DIR})\s+and\s+"
               rf"(?:the\s+)?(?P<d2>{_DIR})(?:\s+of\s+(?P<country>{_COUNTRY}))?\b"),
    # "southern and eastern Ukraine / regions"
    re.compile(rf"(?P<a1>{_DIR_ADJ})\s+and\s+(?P<a2>{_DIR_ADJ})\s+"
               rf"(?:(?P<country>Ukraine|Russia)|(?:regions|areas|parts)\b(?:\s+of\s+"
               rf"(?P<country2>{_COUNTRY}))?)"),
    # "southern Ukraine", "eastern regions (of Ukraine)", "Ukraine's eastern regions"
    re.compile(rf"(?:(?P<owner>Ukraine|Russia)['’]s\s+)?(?P<a1>{_DIR_ADJ})\s+"
               rf"(?:(?P<country>Ukraine|Russia)\b|(?:regions|areas|parts|oblasts)\b"
               rf"(?:\s+of\s+(?P<country2>{_COUNTRY}))?)"),
    # "the south of Ukraine", "the east of the country", "Ukraine's south", "in the east"
    re.compile(rf"(?P<owner>Ukraine|Russia)['’]s\s+(?P<d1>{_DIR})\b(?!\s+and\b)"),
    re.compile(rf"\bthe\s+(?P<d1>{_DIR_BARE})(?:\s+of\s+(?P<country>{_COUNTRY})\b|(?=\s*[,.;]|\s+"
               rf"(?:overnight|on|at|in|and|during|where|with|of\s+the\s+country)\b))"),
    # "along the front line", "front-line areas" (not "the front-line town of X": that names X)
    re.compile(r"\bthe\s+(?:front[\s-]?lines?|frontline)(?=\s*[,.;:)]|\s*$|\s+(?:in|on|at|near"
               r"|and|or|of|to|from|for|where|with|that|which|is|was|has|have|had|remains?|runs?"
               r"|stretch\w*|between|across|since|after|before|during|overnight)\b)", re.I),
    re.compile(r"\b(?:front[\s-]?line|frontline)\s+(?:areas?|regions?|zones?|districts|towns"
               r"|cities|villages|communities|settlements|territories|oblasts|parts)\b", re.I),
    re.compile(r"\bDonbass?\b"),
]


_AREA_SIEVES = [Sieve(p) for p in _AREA_PATTERNS]
_AREA_ALL = Sieves(_AREA_SIEVES)  # their word tests made at once
_AREA_TRIGGER = re.compile(r"north|south|east|west|centr|front|donbas", re.I)
_AREA_TRIGGER_LOWER = re.compile(_AREA_TRIGGER.pattern)


def _areas(text: str) -> list[PlaceMention]:
    """Area phrases, looked for only in windows around a direction or "front" word."""
    windows: list[tuple[int, int]] = []
    lower = folded(text)
    # the same words found in the lower-cased text (same length, so the same offsets)
    triggers = _AREA_TRIGGER.finditer(text) if lower is None \
        else _AREA_TRIGGER_LOWER.finditer(lower)
    for t in triggers:
        lo, hi = max(0, t.start() - 24), min(len(text), t.end() + 40)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    if not windows:
        return []
    patterns = [_AREA_SIEVES[i].pattern for i in _AREA_ALL.admitted(lower)]
    seen: set[tuple[int, int]] = set()
    out: list[PlaceMention] = []
    for lo, hi in windows:
        for pattern in patterns:
            for m in pattern.finditer(text, lo, hi):
                place = _area_place(m)
                if place is None or (m.start(), m.end()) in seen:
                    continue
                seen.add((m.start(), m.end()))
                start = m.start()
                if text[start:start + 4].lower() == "the ":
                    start += 4
                out.append(PlaceMention(place, start, m.end(), text[start:m.end()]))
    return out


def _direction(word: str) -> str:
    w = word.lower().replace("-", "")
    return _ADJ_TO_DIR.get(w, w)


def _area_place(m: re.Match[str]) -> Place | None:
    groups = m.groupdict()
    surface = m.group(0)
    if re.search(r"front", surface, re.I):
        return _area("front line", "UA")
    if surface.startswith("Donbas"):
        return _area("Donbas", "UA")
    country_word = groups.get("country") or groups.get("country2") or groups.get("owner")
    country = "Russia" if country_word == "Russia" else "Ukraine"
    dirs = [_direction(groups[k]) for k in ("d1", "d2", "a1", "a2") if groups.get(k)]
    if not dirs:
        return None
    if len(dirs) == 2 and set(dirs) == {"south", "east"}:
        dirs = ["south", "east"]
    return _area(f"{' and '.join(dirs)} of {country}", _AREA_COUNTRY[country])


# ---------------------------------------------------------------------------------------
# Names.

_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*")
_POSSESSIVE = ("'s", "’s")  # a token never holds a line break, so an ending is enough
_REGION_WORDS = {"region", "oblast", "province", "krai", "kray", "territory", "regions",
                 "oblasts", "provinces", "territories"}
_DISTRICT_WORDS = {"district", "raion", "rayon", "districts", "raions", "rayons"}
# "the Kharkiv regional governor": the region, the adjective left outside the mention.
_REGION_ADJECTIVES = {"regional"}
# Water, units and the like named after a town are not the town ("Dnipro River", "Sea of
# Azov", "Azov brigade", "Kerch Strait"; the Zaporizhzhia nuclear plant is in Enerhodar).
_NOT_PLACE_AFTER = {"river", "sea", "strait", "lake", "reservoir", "bay", "lagoon", "canal",
                    "regiment", "brigade", "battalion", "division", "corps", "airlines",
                    "stadium", "university", "nuclear", "npp"}
_MEDIA_AFTER = {"Independent", "Post", "Times"}  # "Kyiv Independent", "Moscow Times"
_NOT_PLACE_BEFORE = re.compile(r"\b(?:Sea|Gulf|Bay|Lake|Strait)\s+of\s+$", re.I)
_PLURAL = {"regions", "oblasts", "provinces", "territories", "districts", "raions", "rayons"}
_LOCATIVE = {"in", "near", "outside", "at", "from", "to", "towards", "toward", "of", "around",
             "over", "into", "across", "on", "hit", "struck", "targeted", "shelled", "attacked",
             "via", "through", "and", "or", "between", "village", "town", "city", "settlement",
             "by"}
_PERSON_BEFORE = {
    "president", "governor", "mayor", "minister", "general", "gen", "colonel", "col", "mr",
    "mrs", "ms", "dr", "sir", "lord", "commander", "spokesman", "spokeswoman", "chief",
    "alexander", "aleksandr", "oleksandr", "alexei", "aleksei", "oleksiy", "oleksii", "andrei",
    "andriy", "andrii", "anton", "boris", "dmitry", "dmitri", "dmytro", "denys", "denis",
    "vladimir", "volodymyr", "vladislav", "vyacheslav", "viacheslav", "sergei", "sergey",
    "serhiy", "serhii", "igor", "ihor", "ivan", "yuri", "yuriy", "yurii", "mikhail",
    "mykhailo", "nikolai", "mykola", "oleg", "oleh", "pavel", "pavlo", "petro", "pyotr",
    "roman", "ruslan", "vadym", "vadim", "valery", "valeriy", "vasyl", "vasily", "viktor",
    "vitali", "vitaliy", "vitalii", "yevgeny", "yevhen", "evgeny", "maria", "olena", "elena",
    "iryna", "irina", "natalia", "tetiana", "tatiana", "yulia", "olga", "olha", "kyrylo",
    "kirill", "maxim", "maksym", "artem", "artyom", "bohdan", "taras", "stepan", "fedir",
    "fyodor", "gennady", "hennadiy", "konstantin", "kostiantyn", "leonid", "ramzan",
    "yaroslav", "anatoly", "anatoliy", "valentyn", "valentin", "arseniy", "rustem", "georgy",
    "grigory", "hryhoriy", "yoko", "fumio",
}
_ADJ_DISTRICT = re.compile(r"^[A-Z][a-z]+(?:skyi|skyy|skiy|sky|tskyi|yi|ii|iy)$")


class _Tok(NamedTuple):
    """A word of a sentence. A named tuple: a sentence has dozens, and they are built in one
    pass of C calls (see `_tokens`)."""

    start: int
    end: int  # possessive "'s" excluded
    text: str
    possessive: bool
    key: str


_new_tok = tuple.__new__
_match_start = re.Match.start
_match_end = re.Match.end
_match_group = re.Match.group


def _tokens(text: str) -> list[_Tok]:
    """The words of a sentence, built by `map` over the matches (no Python code run per
    word); the rare word ending in a possessive is then redone on its own."""
    ms = list(_TOKEN.finditer(text))
    words = list(map(_match_group, ms))
    if text.isascii() and "'" not in text and "`" not in text:
        keys = list(map(str.casefold, words))  # every word plain ASCII letters
    else:
        keys = [w.casefold() if w.isascii() and w.isalpha() else _key(w) for w in words]
    toks = list(map(_new_tok, repeat(_Tok),
                    zip(map(_match_start, ms), map(_match_end, ms), words, repeat(False), keys,
                        strict=False)))  # `repeat` runs on: the matches set the length
    if "'s" in text or "’s" in text:
        for i in [i for i, w in enumerate(words) if w.endswith(_POSSESSIVE)]:
            toks[i] = _token(ms[i])
    return toks


def _token(m: re.Match[str]) -> _Tok:
    word = m.group()
    start = m.start()
    pos = word.endswith(_POSSESSIVE) and len(word) > 2
    if pos:
        word = word[:-2]
    key = word.casefold() if word.isascii() and word.isalpha() else _key(word)
    return _Tok(start, start + len(word), word, pos, key)


def _joined(text: str, a: _Tok, b: _Tok) -> bool:
    """Whether two tokens belong to one name: a space or hyphen apart ("St. Petersburg" too)."""
    if a.possessive:
        return False
    gap = text[a.end:b.start]
    if gap in (" ", "-", "\u00a0", "\u2011", "\u2010"):
        return True
    return gap == ". " and a.text in ("St", "Ste")


@dataclass
class _Hit:
    place: Place
    start: int
    end: int  # exclusive, in text
    first: int  # token index range, inclusive
    last: int
    base_key: str  # key of the name part (for plural regions)
    kind: str  # "name", "region", "district"
    others: tuple[Place, ...] = ()  # same-named places elsewhere, for context to choose


def _capitalised(g: _Gazetteer, key: str, toks: list[_Tok]) -> bool:
    caps = g.caps.get(key)
    if caps is None or len(caps) != len(toks):
        return all(t.text[:1].isupper() for t in toks)
    return all(t.text[:1].isupper() or not need for t, need in zip(toks, caps, strict=True))


def _context_ok(text: str, toks: list[_Tok], i: int, j: int) -> bool:
    """A word-like town name needs "in"/"near"... before it and no surname after it."""
    prev = toks[i - 1].text.lower() if i > 0 else ""
    if prev not in _LOCATIVE or (i > 0 and not re.fullmatch(r"\s+", text[toks[i - 1].end:
                                                                         toks[i].start])):
        return False
    if j + 1 < len(toks) and _joined(text, toks[j], toks[j + 1]) and \
            toks[j + 1].text[:1].isupper():
        return False
    return True


def _after_title(text: str, toks: list[_Tok], i: int) -> bool:
    """"Governor Gusev", "Alexander Gusev": a name after a title or first name is a person."""
    if i == 0:
        return False
    prev = toks[i - 1]
    return prev.text.lower() in _PERSON_BEFORE and prev.text[:1].isupper() and \
        text[prev.end:toks[i].start] == " "


def _usable(entries: list[_Entry], text: str, toks: list[_Tok], i: int, j: int
            ) -> list[_Entry]:
    ok = [e for e in entries if not e.strict or _context_ok(text, toks, i, j)]
    if not ok:
        return []
    # Same-named towns elsewhere compete only with the best reading's kind and country.
    top = ok[0]
    return [e for e in ok if e is top or (e.exact == top.exact and e.place.location_type
                                          == top.place.location_type and e.place.country_code
                                          == top.place.country_code)]


def _suffix(text: str, toks: list[_Tok], j: int) -> str | None:
    if j + 1 >= len(toks) or toks[j].possessive:
        return None
    gap = text[toks[j].end:toks[j + 1].start]
    if gap != " " and gap != "\u00a0":
        return None
    word = toks[j + 1].text.lower()
    return word if word in _SUFFIX_WORDS else None


_SUFFIX_WORDS = _REGION_WORDS | _DISTRICT_WORDS | _REGION_ADJECTIVES | _NOT_PLACE_AFTER


def _district_base(g: _Gazetteer, adjective: str) -> _Entry | None:
    """"Kupianskyi" -> Kupiansk, "Belgorodsky" -> Belgorod, "Shebekinsky" -> Shebekino."""
    stems = []
    for ending in ("skyi", "skyy", "skiy", "sky", "yi", "iy", "ii"):
        if adjective.endswith(ending):
            stem = adjective[: -len(ending)]
            stems += [stem, stem + "o", stem + "a", stem[:-1] + "a" if stem.endswith("n") else ""]
            if ending in ("yi", "ii", "iy"):
                stems.append(adjective[: -len(ending)] + "sk")
    for stem in filter(None, stems):
        for e in g.names.get(_key(stem), []):
            if e.place.location_type == "city" and not e.strict:
                return e
    return None


def _city_at(g: _Gazetteer, toks: list[_Tok], k: int) -> Place | None:
    if not 0 <= k < len(toks) or not toks[k].text[:1].isupper():
        return None
    entries = [e for e in g.names.get(toks[k].key, []) if e.place.location_type == "city"]
    return entries[0].place if entries else None


def _adjective_district(g: _Gazetteer, text: str, toks: list[_Tok], i: int) -> Place:
    """"Kharkiv's Kyivskyi district" (a city district), "Kupianskyi raion" (Kupiansk district),
    "Shevchenkivskyi district" with no town named (admin1 unknown)."""
    adjective = toks[i].text
    owner = _city_at(g, toks, i - 1) if i > 0 and toks[i - 1].possessive else None
    if owner is None and i + 3 < len(toks) and toks[i + 2].key == "of":
        owner = _city_at(g, toks, i + 3) or (
            _city_at(g, toks, i + 4) if toks[i + 3].key == "the" else None)
    if owner is not None:
        return _district(adjective, owner.admin1, owner.country_code)
    base = _district_base(g, adjective)
    if base is not None and _key(base.place.name) not in g.region_bases:
        p = base.place
        return _district(p.name, p.admin1, p.country_code)
    return _district(adjective, None, None)


def _match_at(g: _Gazetteer, text: str, toks: list[_Tok], i: int) -> _Hit | None:
    if not toks[i].text[:1].isupper():
        return None
    longest = min(g.max_tokens, len(toks) - i) if toks[i].key in g.starts else 1
    for n in range(longest, 0, -1):
        j = i + n - 1
        if any(not _joined(text, toks[k], toks[k + 1]) for k in range(i, j)):
            continue
        span = toks[i:j + 1]
        key = " ".join(t.key for t in span)
        suffix = _suffix(text, toks, j)
        if suffix in _REGION_WORDS and key in g.region_bases:
            end = toks[j + 1].end
            return _Hit(g.region_bases[key], toks[i].start, end, i, j + 1, key, "region")
        if suffix in _REGION_ADJECTIVES and key in g.region_bases:
            return _Hit(g.region_bases[key], toks[i].start, toks[j].end, i, j, key, "region")
        entries = g.names.get(key)
        if suffix in _DISTRICT_WORDS:
            city = next((e for e in entries or [] if e.place.location_type == "city"), None)
            if city is None and n == 1 and _ADJ_DISTRICT.match(span[0].text):
                return _Hit(_adjective_district(g, text, toks, i), toks[i].start,
                            toks[j + 1].end, i, j + 1, key, "district")
            if city is not None:
                p = city.place
                return _Hit(_district(p.name, p.admin1, p.country_code), toks[i].start,
                            toks[j + 1].end, i, j + 1, key, "district")
        if not entries or not _capitalised(g, key, span):
            continue
        if suffix in _NOT_PLACE_AFTER or _NOT_PLACE_BEFORE.search(text, max(0, toks[i].start - 16),
                                                                  toks[i].start):
            return None
        if j + 1 < len(toks) and toks[j + 1].text in _MEDIA_AFTER and \
                _joined(text, toks[j], toks[j + 1]):
            return None
        usable = _usable(entries, text, toks, i, j)
        if not usable:
            continue
        entry = usable[0]
        if n == 1 and entry.place.location_type == "city" and _after_title(text, toks, i):
            return None
        return _Hit(entry.place, toks[i].start, toks[j].end, i, j, key, "name",
                    tuple(e.place for e in usable[1:]))
    return None


_CHAIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|or\s+)")
_REGION_OF = re.compile(r"\b(?:regions?|oblasts?|provinces?)\s+of\s+(?:the\s+)?$", re.I)


def _as_kind(g: _Gazetteer, hit: _Hit, kind: str) -> _Hit:
    if kind == "region" and hit.base_key in g.region_bases:
        return _Hit(g.region_bases[hit.base_key], hit.start, hit.end, hit.first, hit.last,
                    hit.base_key, "region")
    if kind == "district" and hit.place.location_type == "city":
        p = hit.place
        return _Hit(_district(p.name, p.admin1, p.country_code), hit.start, hit.end, hit.first,
                    hit.last, hit.base_key, "district")
    return hit


def _coordinate(g: _Gazetteer, text: str, hits: list[_Hit]) -> list[_Hit]:
    """"Kharkiv and Sumy regions", "the regions of Odesa and Mykolaiv": each name a region."""
    for idx, hit in enumerate(hits):
        if hit.kind in ("region", "district"):
            surface = text[hit.start:hit.end].lower()
            if surface.split()[-1] in _PLURAL:
                k = idx - 1
                while k >= 0 and hits[k].kind == "name" and \
                        _CHAIN.fullmatch(text, hits[k].end, hits[k + 1].start):
                    hits[k] = _as_kind(g, hits[k], hit.kind)
                    k -= 1
        elif hit.kind == "name":
            before = text[max(0, hit.start - 30):hit.start]
            if not _REGION_OF.search(before):
                continue
            kind = "region"
            hits[idx] = _as_kind(g, hit, kind)
            k = idx + 1
            while k < len(hits) and hits[k].kind == "name" and \
                    _CHAIN.fullmatch(text, hits[k - 1].end, hits[k].start):
                hits[k] = _as_kind(g, hits[k], kind)
                k += 1
    return hits


def _disambiguate(hits: list[_Hit]) -> list[_Hit]:
    """A town name shared by several oblasts takes the one the text names ("Semenivka in the
    Chernihiv region"); without such a hint the largest town stays."""
    context = {h.place.admin1 for h in hits if not h.others and h.place.admin1}
    for idx, hit in enumerate(hits):
        if hit.others and hit.place.admin1 not in context:
            match = next((p for p in hit.others if p.admin1 in context), None)
            if match is not None:
                hits[idx] = _Hit(match, hit.start, hit.end, hit.first, hit.last, hit.base_key,
                                 hit.kind)
    return hits


_CAP_WORD = lead(re.compile(r"(?<![^\W\d_])[A-ZА-ЯІЇЄҐ][^\W\d_]*"))


def _may_name_a_place(g: _Gazetteer, text: str) -> bool:
    """Whether any capitalised word could begin a name: most sentences name no place, and
    this check is far cheaper than the full match."""
    if not g.firsts:
        g.firsts = {k.split(" ")[0] for k in g.names} | {k.split(" ")[0] for k in g.region_bases}
    for word in _CAP_WORD.findall(text):
        key = word.casefold() if word.isascii() else _key(word)
        if key in g.firsts or _ADJ_DISTRICT.match(word):
            return True
    return False


def _names(text: str) -> list[PlaceMention]:
    g = _gazetteer()
    if not _may_name_a_place(g, text):
        return []
    toks = _tokens(text)
    hits: list[_Hit] = []
    i = 0
    while i < len(toks):
        # a name starts with a capital (the first test `_match_at` makes)
        hit = _match_at(g, text, toks, i) if toks[i].text[:1].isupper() else None
        if hit is None:
            i += 1
            continue
        hits.append(hit)
        i = hit.last + 1
    hits = _coordinate(g, text, _disambiguate(hits))
    out = []
    for h in hits:
        if h.kind == "name" and h.place.name in ("Kyiv", "Moscow") and capital_metonym(text, h.end):
            continue  # "Kyiv said", "Moscow's forces": the government, not the city
        out.append(PlaceMention(h.place, h.start, h.end, text[h.start:h.end]))
    return out


def find_places(text: str) -> list[PlaceMention]:
    """Every place named in `text`: longest match first, no overlaps, sorted by start.

    Countries ("Ukraine") are returned too; the caller decides whether a bare country counts.
    """
    found = _names(text) + _areas(text)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[PlaceMention] = []
    for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= o.start or m.start >= o.end for o in out):
            out.append(m)
    return sorted(out, key=lambda m: m.start)


def resolve_place(name: str) -> Place | None:
    """The canonical place for any spelling ("Kiev", "Kharkiv oblast", "Kupyansk district")."""
    g = _gazetteer()
    entries = g.names.get(_key(name))
    if entries:
        return entries[0].place
    text = name.strip()
    for candidate in (text, text[:1].upper() + text[1:], text[:1].lower() + text[1:]):
        found = find_places(candidate)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(candidate):
            return found[0].place
    return None
