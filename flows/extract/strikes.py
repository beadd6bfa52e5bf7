"""Attack figures: launched and intercepted per weapon type, within and across sentences.

A sentence yields *items*: a count tied to a weapon and a role (launched or intercepted),
read from the verb nearest to it. Items are then merged into one row per weapon type of an
attack, so "launched 31 drones ... destroyed 28 of them" is one row, and "28 attack drones
and three cruise missiles" is two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Literal

from flows.extract.actors import actor
from flows.extract.context import Annotated, ArticleContext, merge_evidence, most_specific
from flows.extract.cues import (
    INTERCEPT,
    INTERCEPT_CUE,
    INTERCEPT_WORDS,
    LAUNCH_CUE,
    NOT_INTERCEPT_CUE,
    NOT_INTERCEPT_WORDS,
)
from flows.extract.model import Actor, EventDate, Evidence, Place, Qualifier, StrikeFact, Weapon
from flows.extract.numbers import parse_count
from flows.extract.places import PlaceMention
from flows.extract.sieve import folded, lead
from flows.extract.weapons import WeaponMention

Role = Literal["launched", "intercepted", "skip"]

# Words allowed between a number and the weapon it counts ("28 Russian attack drones").
_GAP = re.compile(
    r"^(?:\s+|-)(?:(?:more|other|further|additional|enemy|hostile|russian|ukrainian|iranian"
    r"|iranian-made|russian-made|north\s+korean|north\s+korean-made|combat|long-range|medium-"
    r"|medium|short-range|and|-type|type|new|unmanned|aerial|kamikaze|attack|strike|heavy|large"
    r"|guided|incoming|[a-z]+-(?:made|supplied|built|produced|type|guided|range|wing|based))"
    r"[\s-]+){0,4}$",
    re.I,
)
_PARTITIVE = re.compile(r"^\s+(?:of|out\s+of)\s+(?:the|these|those|them|all)?\s*", re.I)
_OF_THEM = re.compile(r"^\s+(?:of|out\s+of)\s+(?:them|these|those|which|whom)\b", re.I)
_OF_N = re.compile(r"^\s+(?:of|out\s+of)\s+(?:the\s+)?$", re.I)
_OF_THE = re.compile(r"(?:^|[,;:]\s*|\b)(?:of|out\s+of)\s+(?:the|these|those)\s+$", re.I)
_ALL = re.compile(r"\b(?:all|each\s+of\s+the|every\s+one\s+of\s+the)\s+$", re.I)
_RIGHT_CUE = re.compile(
    r"^[\s,]*(?:(?:that|which)\s+)?(?:(?:Russia|Russian\s+forces|Moscow|Ukraine|Ukrainian\s+forces"
    r"|Kyiv|it|they|the\s+enemy)\s+(?:had\s+|has\s+|have\s+)?(?=launched|fired|used|sent))?"
    r"(?:were|was|had\s+been|have\s+been|has\s+been|being|got)?\s*"
    r"(?:(?:\w+ly|also|all|later|then|both)\s+)?(?:(?P<intercept>" + INTERCEPT_WORDS
    + r")|(?P<skip>" + NOT_INTERCEPT_WORDS + r")|(?P<launch>launched|fired|used|sent|deployed))\b",
    re.I,
)
_PLACE_PREP = re.compile(
    r"(?:over|above|on|at|in|against|targeting|toward|towards|near)\s+(?:the\s+)?$", re.I)


@dataclass
class Item:
    role: Role
    weapon: Weapon
    value: int | None
    qualifier: Qualifier
    sentence: Annotated
    start: int
    all_of: bool = False  # "all 14": launched equals intercepted
    launched_hint: tuple[int, Qualifier] | None = None  # "18 out of 23": the 23
    refers_back: bool = False  # "21 of them": the weapon of the previous row
    place: Place | None = None
    breakdown: bool = False  # one place's share of a figure: "27 over the Bryansk region"


@dataclass
class Row:
    weapon: Weapon
    when: EventDate
    place: Place | None
    attacker: Actor | None
    evidence: Evidence
    launched: int | None = None
    launched_q: Qualifier | None = None
    intercepted: int | None = None
    intercepted_q: Qualifier | None = None
    order: int = 0
    sentences: set[int] = field(default_factory=set)
    breakdown: bool = False  # one place's share of a reported figure


_PASSIVE_LATER = lead(re.compile(
    r"\b(?:were|was|had\s+been|have\s+been|has\s+been|being)\s+(?:(?:\w+ly|also|all|later)\s+)?"
    r"(?:(?P<intercept>" + INTERCEPT_WORDS + r")|(?P<skip>" + NOT_INTERCEPT_WORDS
    + r")|(?P<launch>launched|fired|used|sent|deployed|detected|recorded))\b", re.I))


def _bare_count_between(s: Annotated | None, start: int, end: int) -> bool:
    """A count between a weapon and a later verb that is not itself a counted weapon
    ("... and that two of them had been shot down") has its own verb."""
    if s is None:
        return False
    if re.search(r"\b(?:neither|none|each|all|both|either|some|most|many)\s+of\b|\bthey\b",
                 s.text[start:end], re.I):
        return True  # "..., and neither of them was shot down"
    return any(start <= q.start < end and _weapon_after(s, q.end) is None for q in s.quantities)


def _cue_role(m: re.Match[str]) -> Role:
    if m.group("intercept"):
        return "intercepted"
    if m.group("skip"):
        return "skip"
    return "launched"


def _role_at(text: str, pos: int, end: int, s: Annotated | None = None) -> Role | None:
    """The role of a count: the verb right after it, a passive verb later in its clause
    ("All six Kinzhal ... and both Zircon missiles aimed at Kyiv were destroyed"), else the
    nearest cue before it. The cues are looked for in the lower-cased text (faster)."""
    right = _RIGHT_CUE.match(text[end:])
    if right:
        return _cue_role(right)
    lower = s.lower if s is not None and s.text is text else folded(text)
    later = _PASSIVE_LATER.search(text, end)
    if later and not re.search(r"[.;:]", text[end:later.start()]):
        between = text[end:later.start()]
        low_between = None if lower is None else lower[end:later.start()]
        if not (INTERCEPT_CUE.search(between, low_between)
                or NOT_INTERCEPT_CUE.search(between, low_between)
                or _bare_count_between(s, end, later.start())
                or re.search(r"\b(?:launched|fired|attacked|sent|used)\b", between, re.I)):
            return _cue_role(later)
    left = text[:pos]
    low_left = None if lower is None else lower[:pos]
    best: tuple[int, Role] | None = None
    for cue, role in ((INTERCEPT_CUE, "intercepted"), (LAUNCH_CUE, "launched"),
                      (NOT_INTERCEPT_CUE, "skip")):
        for m in cue.finditer(left, low_left):
            if best is None or m.end() > best[0]:
                best = (m.end(), role)  # type: ignore[assignment]
    return best[1] if best else None


_ORIGIN = re.compile(r"(?:\bfrom\b|\blaunch(?:ed)?\s+(?:areas?|sites?|points?|from)\b)"
                     r"(?![^,;]*\b(?:at|on|against|targeting|toward|towards)\b)[^,;]*$", re.I)


def _targets(s: Annotated) -> list[PlaceMention]:
    """Places that can be a target: not where the weapons were launched from."""
    return [p for p in s.places if not _ORIGIN.search(s.text[max(0, p.start - 70):p.start])]


def _part_role(text: str, pos: int, end: int, s: Annotated | None = None) -> Role | None:
    """'18 out of 23 drones': the part was intercepted unless its verb says otherwise."""
    role = _role_at(text, pos, end, s)
    if role == "skip":
        return "skip"
    lower = s.lower if s is not None and s.text is text else folded(text)
    low_left = None if lower is None else lower[:pos]
    left = [m.end() for m in NOT_INTERCEPT_CUE.finditer(text[:pos], low_left)]
    if left and not [m for m in INTERCEPT_CUE.finditer(text[:pos], low_left)
                     if m.end() > left[-1]]:
        return "skip"
    if role == "intercepted" or INTERCEPT_CUE.search(text, lower):
        return "intercepted"
    return None


def _place_for(s: Annotated, pos: int) -> Place | None:
    """The target place after a count ("... over Odesa region"), else the sentence's."""
    targets = _targets(s)
    after = [p for p in targets if p.start >= pos and p.place.location_type != "country"
             and _PLACE_PREP.search(s.text[max(0, p.start - 14):p.start])]
    if after:
        nearest = [p for p in after if p.start - pos < 120] or after
        return most_specific(nearest)
    return most_specific(targets)


def _weapon_after(s: Annotated, pos: int) -> WeaponMention | None:
    for w in s.weapons:
        if w.start >= pos:
            return w if _GAP.match(s.text[pos:w.start]) or s.text[pos:w.start].strip() == "" \
                else None
    return None


def sentence_items(s: Annotated, default_role: Role | None = None,
                   default_weapon: Weapon | None = None) -> list[Item]:
    """Counts tied to weapons in one sentence, with their roles.

    `default_role` applies to counts with no verb of their own: the items of a list whose
    header ("Air defence detected: ...") carries the verb.
    """
    if s.background or s.date is not None and s.date.kind == "background":
        return []
    items, spans = _table_rows(s)
    text = s.text
    quantities = s.quantities
    used: set[int] = {i for i, q in enumerate(quantities)
                      if any(a <= q.start < b for a, b in spans)}
    for i, q in enumerate(quantities):
        if i in used:
            continue
        after = text[q.end:]
        # "18 out of 23 drones", "21 of the 28 drones"
        if i + 1 < len(quantities) and _OF_N.match(text[q.end:quantities[i + 1].start]):
            total = quantities[i + 1]
            w = _weapon_after(s, total.end)
            if w is not None and _part_role(text, q.start, w.end, s) == "intercepted":
                used.add(i + 1)
                items.append(Item("intercepted", w.weapon, q.value, q.qualifier, s, q.start,
                                  launched_hint=(total.value, total.qualifier)
                                  if total.value is not None else None,
                                  place=_place_for(s, w.end)))
                continue
        # "21 of them"
        if _OF_THEM.match(after):
            role = _role_at(text, q.start, q.end + _OF_THEM.match(after).end())  # type: ignore[union-attr]
            if role == "intercepted":
                items.append(Item("intercepted", _GENERIC, q.value, q.qualifier, s, q.start,
                                  refers_back=True, place=_place_for(s, q.end)))
            continue
        w = _weapon_after(s, q.end)
        if w is not None and _OF_THE.search(text[:q.start]):
            # "Of the 47 drones, 46 were shot down": the 47 is the launched figure
            items.append(Item("launched", w.weapon, q.value, q.qualifier, s, q.start,
                              place=_place_for(s, w.end)))
            continue
        partitive = _PARTITIVE.match(after)
        if w is None and partitive:
            # "21 of the drones"
            cand = _weapon_after(s, q.end + partitive.end())
            if cand is not None:
                role = _role_at(text, q.start, cand.end, s)
                if role == "intercepted" and q.value is not None:
                    items.append(Item("intercepted", cand.weapon, q.value, q.qualifier, s,
                                      q.start, refers_back=True, place=_place_for(s, cand.end)))
                elif role == "launched" and q.value is None:
                    # "dozens of drones": an attack with no count
                    items.append(Item("launched", cand.weapon, None, q.qualifier, s, q.start,
                                      place=_place_for(s, cand.end)))
                continue
        if w is None:
            continue
        role = _role_at(text, q.start, w.end, s) or default_role
        if role is None or role == "skip":
            continue
        all_of = bool(_ALL.search(text[:q.start]))
        items.append(Item(role, w.weapon, q.value, q.qualifier, s, q.start, all_of=all_of,
                          place=_place_for(s, w.end)))
    for m in _NEITHER.finditer(text):
        w = _weapon_after(s, m.end())
        if m.group("n") and w is not None:  # "unable to intercept either of the two missiles"
            value = parse_count(m.group("n"))
            items.append(Item("launched", w.weapon, value, "exact", s, m.start(),
                              place=_place_for(s, w.end)))
            items.append(Item("intercepted", w.weapon, 0, "exact", s, m.start() + 1))
        elif m.group("verb"):  # "neither of them was shot down"
            items.append(Item("intercepted", w.weapon if w else _GENERIC, 0, "exact", s,
                              m.start(), refers_back=True))
    for m in _ALL_OF_WHICH.finditer(text):
        items.append(Item("intercepted", _GENERIC, None, "exact", s, m.start(),
                          refers_back=True, all_of=True))
    for m in _NONE_OF.finditer(text):
        # "None of the missiles was intercepted": zero, not unknown
        w = _weapon_after(s, m.end()) if not m.group("them") else None
        role = _role_at(text, m.start(), w.end if w else m.end(), s)
        if role == "intercepted":
            items.append(Item("intercepted", w.weapon if w else _GENERIC, 0, "exact", s,
                              m.start(), refers_back=True))
    for m in _BOTH.finditer(text):
        w = _weapon_after(s, m.end())
        if w is not None:
            role = _role_at(text, m.start(), w.end, s) or default_role
            if role in ("launched", "intercepted"):
                items.append(Item(role, w.weapon, 2, "exact", s, m.start(), all_of=True,
                                  place=_place_for(s, w.end)))
    # A bare count after a counted weapon, elliptical: "20 drones over Belgorod, five over
    # Kursk" or "... destroyed 21 and two were lost".
    items.extend(_elliptical(s, items, used))
    if not items and default_role and default_weapon is not None:
        # "Bryansk region - 22": a line of a list whose header named the weapon and the verb
        line = _PLACE_LINE.match(text)
        places = [p for p in s.places if p.start <= 3]
        if line and places:
            value = parse_count(line.group("n"))
            items.append(Item(default_role, default_weapon, value, "exact", s, line.start("n"),
                              place=places[0].place, breakdown=True))
    return _drop_sentence_totals(sorted(items, key=lambda it: it.start))


_BOTH = lead(re.compile(r"\bboth\s+", re.I))
_PLACE_LINE = re.compile(r"^\s*(?:[-•*]\s*)?[^\d:–-]{3,40}?\s*[-–:]\s*(?P<n>\d[\d,]*)\b(?![.,]\d)")
# "Shahed attack drones - Launched: 74 / Shot down: 58": a figure table written as text
_LAUNCH_WORD = r"(?:launched|detected|recorded|fired|used|tracked)"
_DOWN_WORD = r"(?:shot\s+down|destroyed|intercepted|neutrali[sz]ed|downed)"
# "Shahed attack drones - Launched: 74 / Shot down: 58" and "Shahed UAVs: 86 launched from
# ...; 57 neutralised": figure tables and numbered lists written as text
_TABLE_ROW = re.compile(
    rf"\s*[-–—:]\s*(?:{_LAUNCH_WORD}\s*[:–-]\s*(?P<l>\d[\d,]*)|(?P<l2>\d[\d,]*)\s+{_LAUNCH_WORD}"
    rf"[^;/|.]*)", re.I)
_TABLE_PART = re.compile(
    rf"\s*[/;,|]\s*(?:(?P<verb>{_DOWN_WORD}|[\w\s]{{0,30}}?lost|[\w\s]{{0,30}}?(?:reached|hit))"
    rf"\s*[:–-]\s*(?P<n>\d[\d,]*)|(?P<n2>\d[\d,]*)\s+(?P<verb2>{_DOWN_WORD}|[\w\s]{{0,30}}?lost)"
    rf"[^;/|.]*|(?P<none>not\s+intercepted|none\s+(?:was|were)\s+{_DOWN_WORD}))", re.I)


def _table_rows(s: Annotated) -> tuple[list[Item], list[tuple[int, int]]]:
    """Items of table rows, and the spans they cover (their numbers are read)."""
    out: list[Item] = []
    spans: list[tuple[int, int]] = []
    for w in s.weapons:
        m = _TABLE_ROW.match(s.text, w.end)
        if not m:
            continue
        launched = int((m.group("l") or m.group("l2")).replace(",", ""))
        out.append(Item("launched", w.weapon, launched, "exact", s, w.start))
        end = m.end()
        while part := _TABLE_PART.match(s.text, end):
            end = part.end()
            verb = part.group("verb") or part.group("verb2") or ""
            if part.group("none"):
                out.append(Item("intercepted", w.weapon, 0, "exact", s, part.start()))
            elif INTERCEPT.fullmatch(verb.strip()):
                n = part.group("n") or part.group("n2")
                out.append(Item("intercepted", w.weapon, int(n.replace(",", "")), "exact", s,
                                part.start()))
        spans.append((w.start, end))
    return out, spans
_NEITHER = lead(re.compile(
    rf"\b(?:neither\s+of\s+(?:them|the\s+\w+)|none\s+of\s+them)\s+(?:was|were)\s+(?:\w+\s+)?"
    rf"(?P<verb>{_DOWN_WORD})"
    rf"|\b(?:unable|failed)\s+to\s+(?:intercept|shoot\s+down|destroy|down)\s+(?:either|any)\s+of"
    rf"\s+the\s+(?P<n>\w+)\s+", re.I))
_ALL_OF_WHICH = re.compile(
    rf",\s+all\s+of\s+(?:which|them)\s+(?:were|was)\s+(?:\w+\s+)?{_DOWN_WORD}", re.I)
_NONE_OF = lead(re.compile(r"\bnone\s+of\s+(?:(?P<them>them|these|those)\b|the\s+)", re.I))


def _drop_sentence_totals(items: list[Item]) -> list[Item]:
    """"destroyed 63 drones: 27 over Bryansk, 18 over Kursk ...": keep the parts."""
    out: list[Item] = []
    for it in items:
        parts = [o for o in items if o.start > it.start and o.breakdown and o.role == it.role]
        if not it.breakdown and it.value is not None and len(parts) >= 2 \
                and sum(o.value or 0 for o in parts) <= it.value:
            continue
        out.append(it)
    return out


_OVER_PLACE = re.compile(r"^\s+(?:more\s+)?(?:over|above|in|on)\s+(?:the\s+)?", re.I)


def _elliptical(s: Annotated, items: list[Item], used: set[int]) -> list[Item]:
    out: list[Item] = []
    if not items and INTERCEPT_CUE.search(s.text, s.lower):
        # "destroyed Ukrainian drones over four regions: 23 over the Bryansk region, ..."
        for q in s.quantities:
            weapons = [w for w in s.weapons if w.end <= q.start]
            if q.value is None or not weapons or not _OVER_PLACE.match(s.text[q.end:q.end + 40]):
                continue
            places = [p for p in s.places if p.start >= q.end]
            out.append(Item("intercepted", weapons[-1].weapon, q.value, q.qualifier, s, q.start,
                            place=places[0].place if places else None, breakdown=True))
        if out:
            return out
    if not items:
        # "Twenty-five were shot down": a count that refers to the attack just reported
        for q in s.quantities:
            right = _RIGHT_CUE.match(s.text[q.end:])
            if q.value is not None and right and right.group("intercept") \
                    and not _weapon_after(s, q.end):
                out.append(Item("intercepted", _GENERIC, q.value, q.qualifier, s, q.start,
                                 refers_back=True))
        return out
    taken = {it.start for it in items}
    for i, q in enumerate(s.quantities):
        if q.start in taken or i in used or q.value is None:
            continue
        prev = [it for it in items if it.start < q.start]
        if not prev:
            continue
        last = prev[-1]
        tail = s.text[q.end:q.end + 40]
        if _OVER_PLACE.match(tail):
            places = [p for p in s.places if p.start >= q.end]
            out.append(Item(last.role, last.weapon, q.value, q.qualifier, s, q.start,
                            place=places[0].place if places else None, breakdown=True))
            continue
        right = _RIGHT_CUE.match(s.text[q.end:])
        if right and right.group("intercept") and last.role == "launched":
            out.append(Item("intercepted", last.weapon, q.value, q.qualifier, s, q.start,
                            refers_back=True))
    return out


_GENERIC = Weapon("drone", "drone")


def _same_weapon(a: Weapon, b: Weapon) -> bool:
    return (a.category, a.subcategory, a.model) == (b.category, b.subcategory, b.model)


def _compatible(specific: Weapon, general: Weapon) -> bool:
    """`general` may refer back to `specific` ("the drones" after "28 Shahed drones")."""
    if specific.category != general.category:
        return False
    if general.model and general.model != specific.model:
        return False
    return not (general.subcategory and general.subcategory != specific.subcategory)


_FEW_WORDS = re.compile(r"[\s-]*(?:[\w-]+[\s-]+){0,3}")
_SUBJECT_OF_LAUNCH = re.compile(
    r"^\s*(?:'s\s+(?:army|forces|military|troops)\s+)?"
    r"(?:has\s+|have\s+|had\s+)?(?:launched|fired|attacked|struck|sent|used|unleashed|hit|targeted)",
    re.I)


def _attacker(s: Annotated, place: Place | None, w_start: int) -> Actor | None:
    """Who attacked: the demonym on the weapon, the subject of a launch verb, else the side
    opposite the target's country."""
    for a in s.actors:
        if a.actor.name in ("Russia", "Ukraine"):
            tail = s.text[a.end:a.end + 40]
            if a.role_hint == "demonym" and a.start < w_start and \
                    _FEW_WORDS.fullmatch(s.text[a.end:w_start]):
                return a.actor
            if _SUBJECT_OF_LAUNCH.match(tail):
                return a.actor
    if place is not None and place.country_code == "RU":
        return actor("Ukraine")
    if place is not None and place.country_code == "UA":
        return actor("Russia")
    for a in s.actors:
        if a.role_hint == "demonym" and a.actor.name in ("Russia", "Ukraine") \
                and abs(a.start - w_start) < 60:
            return a.actor
    return None


def _when(s: Annotated, ctx: ArticleContext) -> EventDate:
    """The sentence's own date, else the latest date named before it, else publication."""
    for other in chain((s,), s.earlier()):
        if other.date is not None and other.date.kind != "background":
            return other.date.when
    return ctx.default_date()


def extract_strikes(ctx: ArticleContext) -> list[StrikeFact]:
    rows: list[Row] = []
    list_role: tuple[int, Role, Weapon | None] | None = None
    for s, gates in zip(ctx.sentences, ctx.sentence_gates, strict=True):
        idx = s.sentence.index
        header = s.text.rstrip().endswith(":")
        inherited = list_role if list_role and idx - list_role[0] <= 8 else None
        # only a sentence with a count and a weapon or an interception verb can hold figures,
        # or the line of a list whose header has them
        worth = "count" in gates and ("intercept" in gates or "weapon" in gates
                                      or bool(inherited))
        if not (header or worth) or s.noise:
            continue
        items = sentence_items(s, inherited[1] if inherited else None,
                               inherited[2] if inherited else None) if worth else []
        if header:
            role: Role | None = "intercepted" if INTERCEPT_CUE.search(s.text, s.lower) else \
                "launched" if LAUNCH_CUE.search(s.text, s.lower) else None
            weapon = s.weapons[0].weapon if s.weapons else None
            list_role = (idx, role, weapon) if role else None
        if not items:
            continue
        when = _when(s, ctx)
        for it in items:
            _apply(rows, it, when, ctx)
    rows = _drop_totals(rows)
    out: list[StrikeFact] = []
    for r in sorted(rows, key=lambda r: r.order):
        if r.launched is None and r.intercepted is None and r.launched_q is None:
            continue
        out.append(StrikeFact(
            weapon=r.weapon, launched=r.launched, launched_qualifier=r.launched_q,
            intercepted=r.intercepted, intercepted_qualifier=r.intercepted_q,
            when=r.when, place=r.place, attacker=r.attacker or actor("Russia"),
            evidence=r.evidence,
        ))
    return out


def _apply(rows: list[Row], it: Item, when: EventDate, ctx: ArticleContext) -> None:
    ev = it.sentence.evidence()
    idx = it.sentence.sentence.index
    if it.role == "launched":
        attacker = _attacker(it.sentence, it.place, it.start)
        for r in reversed(rows):
            if attacker is not None and r.attacker is not None and r.attacker != attacker:
                continue  # the other side's attack
            if it.value is not None and r.launched == it.value and r.when == when \
                    and _compatible(r.weapon, it.weapon) and not _same_weapon(r.weapon, it.weapon):
                # "Of the 47 drones, ...": the attack already counted, named more loosely
                _fill_launched(r, replace(it, weapon=r.weapon), ev, idx, ctx)
                return
            if _same_weapon(r.weapon, it.weapon) and r.when == when and (
                    it.place is None or r.place is None or r.place == it.place):
                if r.launched is None or r.launched == it.value:
                    _fill_launched(r, it, ev, idx, ctx)
                    return
                break
        row = Row(it.weapon, when, it.place, attacker, ev, order=len(rows))
        _fill_launched(row, it, ev, idx, ctx)
        rows.append(row)
        return
    # intercepted: attach to the latest compatible row of the same attack
    target: Row | None = None
    if it.refers_back and it.weapon is _GENERIC and not rows:
        return  # nothing reported yet that "them" could mean
    # "21 of the drones" / "21 of them" point back at an attack with a launched figure
    candidates = [r for r in rows if r.launched is not None] if it.refers_back else []
    for r in reversed(candidates or rows):
        if it.refers_back and it.weapon is _GENERIC:
            target = r
            break
        if it.breakdown and r.place != it.place:
            continue  # each place of a breakdown is its own row
        if (_same_weapon(r.weapon, it.weapon) or _compatible(r.weapon, it.weapon)) \
                and (r.intercepted is None or r.intercepted == it.value) \
                and (it.place is None or r.place is None or r.place == it.place
                     or idx in r.sentences or it.refers_back):
            target = r
            break
    if target is None or (it.sentence.date is not None and target.when != when
                          and not it.refers_back):
        place = it.place
        target = Row(it.weapon if it.weapon is not _GENERIC else _GENERIC, when, place,
                     _attacker(it.sentence, place, it.start), ev, order=len(rows),
                     breakdown=it.breakdown)
        rows.append(target)
    if it.all_of and it.value is None:
        # "..., all of which were shot down": as many as were launched
        target.intercepted, target.intercepted_q = target.launched, target.launched_q
    else:
        target.intercepted, target.intercepted_q = it.value, it.qualifier
    if it.launched_hint and target.launched is None:
        target.launched, target.launched_q = it.launched_hint
    if it.all_of and target.launched is None and it.value is not None:
        target.launched, target.launched_q = it.value, it.qualifier
    if target.place is None and it.place is not None:
        target.place = it.place
    if idx not in target.sentences:
        target.evidence = merge_evidence(target.evidence, ev, ctx.text)
        target.sentences.add(idx)


def _fill_launched(r: Row, it: Item, ev: Evidence, idx: int, ctx: ArticleContext) -> None:
    r.launched, r.launched_q = it.value, it.qualifier
    if it.all_of:
        r.intercepted, r.intercepted_q = it.value, it.qualifier
    if idx not in r.sentences:
        if r.sentences:
            r.evidence = merge_evidence(r.evidence, ev, ctx.text)
        else:
            r.evidence = ev
        r.sentences.add(idx)


def _drop_totals(rows: list[Row]) -> list[Row]:
    """A generic total followed by a breakdown by type keeps only the breakdown."""
    keep: list[Row] = []
    for r in rows:
        if r.place is None and r.launched is None and r.intercepted is not None:
            # "destroyed 61 drones, listed by region:" followed by a row per region
            shares = [o for o in rows if o.breakdown and o.order > r.order and o.when == r.when
                      and _same_weapon(o.weapon, r.weapon) and o.intercepted is not None]
            if len(shares) >= 2 and sum(o.intercepted or 0 for o in shares) <= r.intercepted:
                continue
        if r.weapon.model is None and r.launched is not None:
            parts = [o for o in rows if o is not r and o.order > r.order and o.when == r.when
                     and _compatible(o.weapon, r.weapon) and not _same_weapon(o.weapon, r.weapon)
                     and o.launched is not None]
            if len(parts) >= 2 and sum(o.launched or 0 for o in parts) <= r.launched:
                continue
        keep.append(r)
    return keep


__all__ = ["extract_strikes", "sentence_items"]
