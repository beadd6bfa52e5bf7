"""Production figures and plans: who makes how many of which weapon, by when, at what cost."""

from __future__ import annotations

import re
from itertools import chain

from flows.extract.context import Annotated, ArticleContext
from flows.extract.cues import PRODUCTION, PRODUCTION_CUE
from flows.extract.model import Actor, Evidence, Period, ProductionFact
from flows.extract.money import find_money, to_usd
from flows.extract.weapons import WeaponMention

# Only modifiers may stand between a count and the weapon it counts.
_GAP = re.compile(
    r"^[\s-]*(?:(?:more|new|additional|long-range|medium-range|short-range|long|medium|short"
    r"|range|attack|strike|combat|kamikaze|interceptor|unmanned|aerial|cruise|ballistic|guided"
    r"|domestically|domestic|home-grown|homegrown|ukrainian|russian|[a-z]+-(?:made|type|built"
    r"|produced|range|guided|based|wing)|[A-Z][\w-]*)[\s-]+){0,4}$")
_PER_YEAR = re.compile(r"\b(?:a|per|each|every)\s+year\b|\bannual(?:ly)?\b|\byearly\b", re.I)
_PER_MONTH = re.compile(r"\b(?:a|per|each|every)\s+month\b|\bmonthly\b|\bmonth\s+by\s+month\b",
                        re.I)
_BY_YEAR = re.compile(r"\b(?:by|in|until|through|for|before|during)\s+(?:the\s+end\s+of\s+)?"
                      r"(?P<y>20\d\d)\b", re.I)
_THIS_YEAR = re.compile(r"\b(?P<rel>this|next)\s+year\b|\bend\s+of\s+(?:the|this)\s+year\b", re.I)
_ORIGIN = re.compile(r"\b(?:made|manufactured|produced|built)\s+(?:in|by)\b|-made\b", re.I)
_ACTIVE = re.compile(r"\b(?:produc(?:e|es|ing|tion)|manufactur(?:e|es|ing)|build(?:s|ing)?"
                     r"|mak(?:e|es|ing)|output)\b", re.I)
_DELIVERY = re.compile(r"\b(?:deliver(?:s|ed|ing)?|supplied|supplies|shipped|sent|handed\s+over"
                       r"|transferred|donated)\b", re.I)
_TO_TROOPS = re.compile(r"\bto\s+(?:the\s+)?(?:front|army|troops|brigades|units|soldiers|ukraine"
                        r"|armed\s+forces|military|frontline)\b", re.I)
_NOT_OUTPUT = re.compile(r"\b(?:stock|stockpile|arsenal|inventory|percent|%|times|share"
                         r"|destroyed|shot\s+down|launched|fired|intercepted)\b", re.I)


def _actor_of(s: Annotated) -> Actor | None:
    """The state the sentence names, else the latest one named before it."""
    for other in chain((s,), s.earlier()):
        for a in other.actors:
            if a.actor.actor_type == "state":
                return a.actor
    return None


_COMPARISON = re.compile(r"\b(?:(?:about|roughly|nearly|almost)\s+)?(?:double|triple|twice|three"
                         r"\s+times|up\s+from|compared\s+(?:with|to)|than\s+in)\b",
                         re.I)


def _target_year(s: Annotated, ctx: ArticleContext) -> int | None:
    """The year a plan is for; years in a comparison ("double what it made in 2024") are not."""
    text = _COMPARISON.split(s.text, maxsplit=1)[0]
    m = _BY_YEAR.search(text)
    if m:
        return int(m.group("y"))
    rel = _THIS_YEAR.search(text)
    if rel and ctx.published is not None:
        return ctx.published.year + (1 if (rel.group("rel") or "").lower() == "next" else 0)
    return None


def _period(s: Annotated, target_year: int | None) -> Period:
    if _PER_MONTH.search(s.text):
        return "month"
    if _PER_YEAR.search(s.text) or target_year is not None:
        return "year"
    return "total"


def _counted_weapon(s: Annotated, end: int) -> WeaponMention | None:
    """The weapon a count counts: next to it, with at most a few modifiers between."""
    for w in s.weapons:
        if w.start >= end:
            # a suspended hyphen ("medium- and long-range") is one modifier
            if _MODIFIER.match(s.text[w.end:]):
                return None  # "one Kyiv drone maker": the weapon describes another noun
            gap = re.sub(r"\w+-\s+(?:and|or)\s+", "", s.text[end:w.start])
            if gap.strip() == "":
                return w
            return w if _GAP.match(gap) else None
    return None


def extract_production(ctx: ArticleContext) -> list[ProductionFact]:
    out: list[ProductionFact] = []
    for i, (s, gates) in enumerate(zip(ctx.sentences, ctx.sentence_gates, strict=True)):
        if not ("count" in gates and "produce" in gates) \
                or not PRODUCTION_CUE.search(s.text, s.lower) or s.noise or s.history:
            continue
        actor = _actor_of(s)
        target_year = _target_year(s, ctx)
        facts: list[ProductionFact] = []
        if _ORIGIN.search(s.text) and not _ACTIVE.search(s.text):
            continue
        if _DELIVERY.search(s.text) and _TO_TROOPS.search(s.text) and not _ACTIVE.search(s.text):
            continue  # "manufacturers delivered 120,000 drones to the front": supply
        for q in s.quantities:
            if q.value is None:
                continue
            w = _counted_weapon(s, q.end)
            if w is None:
                continue
            after = s.text[w.end:w.end + 25]
            if re.match(r"^\s*(?:stock|stockpile|arsenal)", after, re.I):
                continue
            clause = s.text[max(0, q.start - 80):q.start]
            if _NOT_OUTPUT.search(clause) and not PRODUCTION.search(clause):
                continue
            facts.append(ProductionFact(
                actor=actor, weapon=w.weapon, quantity=q.value, qualifier=q.qualifier,
                period=_period(s, target_year), target_year=target_year, cost_usd=None,
                evidence=s.evidence(),
            ))
        seen = {(f.weapon, f.quantity) for f in facts}
        facts.extend(f for f in _raise_to(s, actor, target_year, s.evidence())
                     if (f.weapon, f.quantity) not in seen)
        if facts:
            cost = _cost(ctx, i)
            if cost is not None and len(facts) == 1:
                facts[0].cost_usd = cost
            out.extend(facts)
    return out


_MODIFIER = re.compile(
    r"\s*(?:makers?|manufacturers?|producers?|industry|compan(?:y|ies)|factor(?:y|ies)|plants?"
    r"|programmes?|programs?|units?|operators?|crews?|pilots?|teams?|sector|market|firms?"
    r"|start-?ups?|workshops?|developers?|schools?|training)\b", re.I)
_RAISE_TO = re.compile(r"\b(?:output|production|manufacturing)\s+of\s+$", re.I)
# "... has reached about 2,500", "... to 6,000 a month": the verb between weapon and figure
_TO_FIGURE = re.compile(r"\s+(?:(?:has|have|had)\s+)?(?:(?:reached|hit|rose|risen|grown|increased"
                        r"|climbed|stands|stood)\s+)?(?:to|at)?\s*$", re.I)
_UP_TO = re.compile(r"\b(?:production|output|manufacturing)\s+to\s+$", re.I)


def _raise_to(s: Annotated, actor: Actor | None, target_year: int | None,
              evidence: Evidence) -> list[ProductionFact]:
    """"raise output of Shahed-type drones to 6,000 a month": the weapon comes first."""
    out: list[ProductionFact] = []
    for w in s.weapons:
        if not _RAISE_TO.search(s.text[max(0, w.start - 30):w.start]):
            continue
        for q in s.quantities:
            gap = s.text[w.end:q.start]
            if q.value is not None and q.start >= w.end and _TO_FIGURE.fullmatch(gap) \
                    and gap.strip():
                out.append(ProductionFact(
                    actor=actor, weapon=w.weapon, quantity=q.value, qualifier=q.qualifier,
                    period=_period(s, target_year), target_year=target_year, cost_usd=None,
                    evidence=evidence))
    if not out and len(s.weapons) == 1:
        # "The company that builds Lancets plans to ramp up production to 100 a month"
        for q in s.quantities:
            if q.value is not None and _UP_TO.search(s.text[max(0, q.start - 30):q.start]):
                out.append(ProductionFact(
                    actor=actor, weapon=s.weapons[0].weapon, quantity=q.value,
                    qualifier=q.qualifier, period=_period(s, target_year),
                    target_year=target_year, cost_usd=None, evidence=evidence))
    return out


def _cost(ctx: ArticleContext, i: int) -> float | None:
    """A cost stated in the same sentence or the next one ("... at a cost of $7.66 billion")."""
    for s in ctx.sentences[i:i + 2]:
        for m in find_money(s.text):
            if re.search(r"\b(?:cost|worth|price|budget|valued|spend|invest|at\s+a|for)\b",
                         s.text[max(0, m.start - 40):m.start], re.I):
                usd = to_usd(m.amount, m.currency, ctx.published)
                if usd is not None:
                    return usd
    return None
