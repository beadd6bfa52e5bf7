"""Typed records that flow out of extraction.

These are the pipeline's internal contract: the extractor produces them, `sitrep extract`
prints them, the loader flattens them into staging tables and the evaluator compares them
with gold facts. Every fact keeps the evidence it was read from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Qualifier = Literal["exact", "at_least", "approx", "at_most"]
DatePrecision = Literal["day", "week", "month", "range", "unknown"]
LocationType = Literal["city", "district", "region", "country", "area"]
WeaponCategory = Literal["drone", "missile", "artillery", "glide_bomb", "aircraft", "other"]
ActorType = Literal["state", "armed_force", "armed_group", "organization", "person"]
Cause = Literal["missile strike", "drone attack", "shelling", "glide bomb", "airstrike", "other"]
Period = Literal["year", "month", "total"]

QUALIFIERS: tuple[str, ...] = ("exact", "at_least", "approx", "at_most")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "range", "unknown")


@dataclass(frozen=True)
class Evidence:
    """The sentence(s) a figure was read from, with character offsets into the article text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Place:
    """A resolved location; `name` is the canonical English name used in dim_location."""

    name: str
    location_type: LocationType
    admin1: str | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None


@dataclass(frozen=True)
class Actor:
    name: str
    actor_type: ActorType
    country_code: str | None = None


@dataclass(frozen=True)
class Weapon:
    """A weapon type; `name` is the model when one is named, else the subcategory."""

    name: str
    category: WeaponCategory
    subcategory: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class EventDate:
    value: date | None
    precision: DatePrecision

    @staticmethod
    def unknown() -> EventDate:
        return EventDate(None, "unknown")


@dataclass
class StrikeFact:
    weapon: Weapon
    launched: int | None
    launched_qualifier: Qualifier | None
    intercepted: int | None
    intercepted_qualifier: Qualifier | None
    when: EventDate
    place: Place | None
    attacker: Actor | None
    evidence: Evidence
    kind: Literal["strike"] = "strike"


@dataclass
class CasualtyFact:
    cause: Cause
    killed: int | None
    injured: int | None
    children_killed: int | None
    children_injured: int | None
    qualifier: Qualifier
    when: EventDate
    place: Place | None
    perpetrator: Actor | None
    evidence: Evidence
    kind: Literal["casualty"] = "casualty"


@dataclass
class ProductionFact:
    actor: Actor | None
    weapon: Weapon
    quantity: int | None
    qualifier: Qualifier
    period: Period
    target_year: int | None
    cost_usd: float | None
    evidence: Evidence
    kind: Literal["production"] = "production"


@dataclass
class AidPledgeFact:
    donor: Actor | None
    recipient: str | None
    recipient_actor: Actor | None
    amount: float | None
    currency: str | None
    amount_usd: float | None
    purpose: str | None
    when: EventDate
    evidence: Evidence
    kind: Literal["aid_pledge"] = "aid_pledge"


Fact = StrikeFact | CasualtyFact | ProductionFact | AidPledgeFact


@dataclass
class ArticleExtraction:
    """Everything read from one article."""

    language: str
    published_at: date | None
    facts: list[Fact] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        return [fact_record(f) for f in self.facts]


def _place_fields(place: Place | None) -> dict[str, Any]:
    if place is None:
        return {"location": None, "location_type": None, "admin1": None, "country_code": None}
    return {
        "location": place.name,
        "location_type": place.location_type,
        "admin1": place.admin1,
        "country_code": place.country_code,
    }


def _weapon_fields(w: Weapon) -> dict[str, Any]:
    return {
        "weapon_name": w.name,
        "weapon_category": w.category,
        "weapon_subcategory": w.subcategory,
        "weapon_model": w.model,
    }


def _when_fields(when: EventDate) -> dict[str, Any]:
    return {
        "event_date": when.value.isoformat() if when.value else None,
        "date_precision": when.precision,
    }


def fact_record(f: Fact) -> dict[str, Any]:
    """Flatten a fact into the JSON shape used by `sitrep extract`, staging and gold files."""
    ev = {"evidence": f.evidence.text, "evidence_start": f.evidence.start,
          "evidence_end": f.evidence.end}
    if isinstance(f, StrikeFact):
        return {
            "kind": f.kind, **_weapon_fields(f.weapon),
            "launched": f.launched, "launched_qualifier": f.launched_qualifier,
            "intercepted": f.intercepted, "intercepted_qualifier": f.intercepted_qualifier,
            **_when_fields(f.when), **_place_fields(f.place),
            "attacker": f.attacker.name if f.attacker else None, **ev,
        }
    if isinstance(f, CasualtyFact):
        return {
            "kind": f.kind, "cause": f.cause, "killed": f.killed, "injured": f.injured,
            "children_killed": f.children_killed, "children_injured": f.children_injured,
            "qualifier": f.qualifier, **_when_fields(f.when), **_place_fields(f.place),
            "perpetrator": f.perpetrator.name if f.perpetrator else None, **ev,
        }
    if isinstance(f, ProductionFact):
        return {
            "kind": f.kind, "actor": f.actor.name if f.actor else None,
            **_weapon_fields(f.weapon), "quantity": f.quantity, "qualifier": f.qualifier,
            "period": f.period, "target_year": f.target_year, "cost_usd": f.cost_usd, **ev,
        }
    return {
        "kind": f.kind, "donor": f.donor.name if f.donor else None, "recipient": f.recipient,
        "recipient_actor": f.recipient_actor.name if f.recipient_actor else None,
        "amount": f.amount, "currency": f.currency, "amount_usd": f.amount_usd,
        "purpose": f.purpose, **_when_fields(f.when), **ev,
    }


def as_dict(obj: Any) -> dict[str, Any]:
    """Dataclass to plain dict (dates stay `date`)."""
    return asdict(obj)
