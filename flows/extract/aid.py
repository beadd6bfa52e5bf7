"""Aid pledges: a donor, an amount of money, a recipient and what it is for."""

from __future__ import annotations

import re

from flows.extract.actors import ActorMention, actor, find_actors
from flows.extract.context import Annotated, ArticleContext
from flows.extract.cues import PLEDGE_CUE
from flows.extract.model import Actor, AidPledgeFact

_NOT_AID = re.compile(
    r"\b(?:damage[sd]?|losses|lost|cost(?:s|ing)?|price[sd]?|budget(?:ed)?|revenue|profits?"
    r"|salary|salaries|fee|transfer\s+fee|deal\s+worth|sales|exports?|imports?|frozen|seized"
    r"|fine[sd]?|ransom|bribe|stolen|unused|remains|remaining|drawdown\s+authority|GDP|deficit|debt|bond|raised"
    r"|market|shares?|stock)\b", re.I)
_FOR_UKRAINE = re.compile(r"\bUkrain|\bKyiv\b|\bfund\b|\bcoalition\b|\bdefen[cs]e\b|\bmilitary\b",
                          re.I)
_PARTS = re.compile(r"\b(?:including|of\s+which|among\s+them|consisting\s+of|comprising"
                    r"|split\s+between|made\s+up\s+of)\b", re.I)
_SUBSET = re.compile(r"\b(?:including|of\s+which|among\s+them|with)\s+$", re.I)
_RECIPIENT = re.compile(
    r"^\s*(?:in\s+\w+\s+)?(?:[Tt]o|[Ff]or|[Ii]nto)\s+(?P<r>(?:the\s+|a\s+|an\s+)?"
    r"(?:[A-Z][\w'-]*)(?:[\s-]+(?:[A-Z][\w'-]*|trust|fund|facility|coalition|programme|program"
    r"|initiative|mechanism|of|'s))*)")
_PURPOSE = re.compile(
    r"\b(?:for|to\s+(?:help\s+(?:\w+\s+)?)?(?:buy|purchase|pay\s+for|fund|finance|support|supply"
    r"|procure|acquire|cover|rebuild|repair|restore|strengthen|bolster)|aimed\s+at|earmarked\s+for"
    r"|intended\s+for)\s+(?P<p>[^.;,]{3,120})", re.I)


def _donor(s: Annotated, before: int, prev: Actor | None) -> Actor | None:
    donors = [a for a in s.actors if a.start < before and a.actor.name not in ("Ukraine", "Russia")
              and a.actor.actor_type in ("state", "organization")]
    if donors:
        return donors[0].actor
    return prev


def _recipient(text: str, end: int) -> tuple[str | None, Actor | None]:
    m = _RECIPIENT.match(text[end:])
    if m:
        name = re.sub(r"^(?:the|a|an)\s+", "", m.group("r").strip(), flags=re.I)
        name = re.sub(r"\s+(?:for|and|of)$", "", name)
        found = find_actors(name)
        return name, found[0].actor if found else None
    if re.search(r"\bUkrain|\bKyiv\b", text):
        return "Ukraine", actor("Ukraine")
    return None, None


def _purpose(text: str, end: int) -> str | None:
    m = _PURPOSE.search(text, end)
    if not m:
        return None
    return m.group("p").strip().rstrip(",")


def extract_aid(ctx: ArticleContext) -> list[AidPledgeFact]:
    from flows.extract.money import find_money, to_usd

    out: list[AidPledgeFact] = []
    for s, gates in zip(ctx.sentences, ctx.sentence_gates, strict=True):
        if not ("money" in gates and "pledge" in gates) or s.noise:
            continue
        money = find_money(s.text)
        if not money or not PLEDGE_CUE.search(s.text, s.lower) or not _for_ukraine(s) or s.history:
            continue
        if any(a.actor.name == "Russia" for a in s.actors[:1]):
            continue  # Russia's own budget or spending, not a pledge to Ukraine
        contents = _CONTENTS.search(s.text)
        if contents and contents.start() < money[0].start:
            continue  # "The package includes 1.2 billion pounds for ...": its parts
        own = s.actors and s.actors[0].actor.name == "Ukraine" \
            and s.actors[0].start < money[0].start
        if own and not _donors_before(s, len(s.text)):
            continue  # Ukraine's own spending and contracts
        # the donor named before this sentence, looked for only when the sentence names none
        prev_donor: Actor | None = None
        looked_back = False
        first_kept: int | None = None
        for m in money:
            lead = s.text[max(0, m.start - 60):m.start]
            if _NOT_AID.search(lead) or _NOT_AID.search(s.text[m.end:m.end + 30]) \
                    or _NOT_AID_AFTER.search(s.text[m.end:m.end + 60]):
                continue
            if first_kept is not None and _PARTS.search(s.text[first_kept:m.start]):
                continue  # a part of a package already counted
            donor = _donor(s, m.start, None)
            if donor is None:
                if not looked_back:
                    prev_donor, looked_back = _earlier_donor(s), True
                donor = prev_donor
            if donor is None:
                continue
            recipient, recipient_actor = _recipient(s.text, m.end)
            when = s.date.when if s.date is not None and s.date.kind != "background" \
                else ctx.default_date()
            out.append(AidPledgeFact(
                donor=donor, recipient=recipient, recipient_actor=recipient_actor,
                amount=m.amount, currency=m.currency,
                amount_usd=to_usd(m.amount, m.currency, ctx.published),
                purpose=_purpose(s.text, m.end), when=when, evidence=s.evidence(),
            ))
            prev_donor, looked_back = donor, True
            if first_kept is None:
                first_kept = m.start
    return out


def _for_ukraine(s: Annotated) -> bool:
    """Money meant for Ukraine's war effort: the sentence or the one before says so, or it
    names a place in Ukraine ("... for water systems in the Mykolaiv region")."""
    if _FOR_UKRAINE.search(s.text):
        return True
    previous = next(s.earlier(within=1), None)
    if previous is not None and _FOR_UKRAINE.search(previous.text):
        return True
    return any(p.place.country_code == "UA" and p.place.location_type != "country"
               for p in s.explicit_places)


_NOT_AID_AFTER = re.compile(r"\b(?:unused|remains|remaining|drawdown\s+authority|(?:in|of)\s+damage"
                            r"|in\s+losses)\b", re.I)
_CONTENTS = re.compile(r"\b(?:package|aid|assistance|it|which)\s+(?:also\s+)?(?:includes|contains"
                       r"|consists\s+of|comprises|covers|will\s+include)\b", re.I)


def _donors_before(s: Annotated, pos: int) -> bool:
    return any(a.start < pos and a.actor.name not in ("Ukraine", "Russia")
               and a.actor.actor_type in ("state", "organization") for a in s.actors)


def _earlier_donor(s: Annotated) -> Actor | None:
    """"The Defence Secretary announced ...": the donor named before, or in the headline."""
    for other in s.earlier():
        donor = _first_donor(other.actors, None)
        if donor is not None:
            return donor
    return _first_donor(s.ctx.title_actors, None)


def _first_donor(actors: list[ActorMention], default: Actor | None) -> Actor | None:
    for a in actors:
        if a.actor.name not in ("Ukraine", "Russia") and a.actor.actor_type in (
                "state", "organization"):
            return a.actor
    return default
