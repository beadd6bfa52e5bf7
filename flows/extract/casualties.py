"""Casualty tolls: killed, injured and the children among them, one row per incident.

People are counted as written ("11 people", "a man", "a woman and her two sons"); children
named within a total ("including five children") are a subset, children named beside adults
("a woman and her two sons") add to the total. An incident is a place and a date: later
sentences about the same incident update its figures (the latest toll wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.extract.actors import actor
from flows.extract.context import Annotated, ArticleContext, merge_evidence, most_specific
from flows.extract.cues import INJURED_CUE, KILLED_CUE
from flows.extract.dates import sentence_date
from flows.extract.model import Actor, CasualtyFact, Cause, EventDate, Evidence, Place, Qualifier
from flows.extract.numbers import WORD_NUMBER, parse_digits, parse_words
from flows.extract.sieve import Lowered, Sieve, folded, lead

_ADULT = (r"people|persons?|civilians?|residents?|inhabitants?|men|man|women|woman|pensioners?"
          r"|elderly(?:\s+(?:men|women|people|man|woman))?|workers?|employees?|cyclists?|pedestrians?|motorcyclists?|rescuers?"
          r"|rescue\s+workers?|medics?|paramedics?|doctors?|nurses?|firefighters?|police(?:\s+officers?)?"
          r"|officers?|journalists?|reporters?|volunteers?|passengers?|drivers?|others?|locals?"
          r"|wife|husband|mother|father|grandmother|grandfather|brothers?|sisters?|guests?"
          r"|patients?|students?|farmers?|couple|individuals?|victims?|family\s+members?"
          r"|relatives?|neighbou?rs?|staff|adults?|miners?|utility\s+workers?|energy\s+workers?")
_CHILD = (r"children|child|kids?|boys?|girls?|teenagers?|teens?|adolescents?|infants?|babies"
          r"|baby|toddlers?|minors?|newborns?|schoolchildren|schoolboys?|schoolgirls?|pupils?"
          r"|youngsters?")
_SINGULAR = (r"man|woman|driver|owner|pensioner|resident|worker|guard|farmer|child|boy|girl"
             r"|teenager|infant|baby|toddler|passenger|cyclist|pedestrian|motorcyclist")
_OFFSPRING = r"sons?|daughters?|grandsons?|granddaughters?|grandchildren|grandchild"
_MILITARY = re.compile(r"^\s*(?:\w+\s+){0,2}(?:soldiers?|troops|servicem(?:e|a)n|personnel"
                       r"|invaders|occupiers|fighters|militants|mercenaries|marines|paratroopers)\b",
                       re.I)
# Claims of the enemy's losses across the front are not tolls of an incident.
_LOSS_CLAIM = re.compile(
    r"\b(?:losses|lost|enemy|invaders|occupiers|eliminated|neutrali[sz]ed|liquidated|destroyed"
    r"|over\s+the\s+(?:past|last)\s+(?:day|24\s+hours|week)|in\s+the\s+past\s+day|per\s+day"
    r"|since\s+the\s+start)\b", re.I)


def _military_claim(sentence: str) -> bool:
    """Soldiers killed count as an incident's toll only when a strike is what killed them
    ("a missile strike on a training ground killed 12 servicemen")."""
    return bool(_LOSS_CLAIM.search(sentence)) or not _ATTACK_WORDS.search(sentence)


_ATTACK_WORDS = re.compile(r"\b(?:missiles?|drones?|strikes?|struck|shelling|shelled|attacks?"
                           r"|bombs?|bombing|artillery|rockets?|explosions?|blast)\b", re.I)


_NUMWORD = (r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s+(?:thousand|million|billion))?"
            rf"|{WORD_NUMBER}"
            r"|a\s+dozen|two\s+dozen|dozens|several|a\s+few"
            r"|scores|hundreds|many|numerous|a\s+number\s+of|more|some")
_QUAL = (r"(?P<qual>at\s+least|more\s+than|over|almost|nearly|about|around|some|up\s+to"
         r"|as\s+many\s+as|approximately|roughly|an\s+estimated)\s+")
# (in lower case: the patterns are case-insensitive, and so run on the lower-cased sentence)
_ADJ = r"(?:(?:other|more|further|additional|young|elderly|old|local|ukrainian|russian|civilian" \
       r"|married|retired|unarmed" \
       r"|[\w-]+-(?:year|month|week|day)-old|teenage|little|adult|injured|wounded|pregnant)\s+){0,3}"
_PEOPLE = lead(re.compile(
    rf"(?<![\w-])(?:{_QUAL})?(?:(?P<poss>her|his|their)\s+)?(?P<num>{_NUMWORD}|an?|the)\s+{_ADJ}"
    rf"(?P<noun>{_CHILD}|{_OFFSPRING}|{_ADULT})\b"
    rf"|(?<![\w-])(?P<poss1>her|his|their)\s+{_ADJ}(?P<kin>wife|husband|mother|father"
    rf"|grandmother|grandfather|son|daughter|brother|sister|grandson|granddaughter|child|baby"
    rf"|partner|neighbou?r|colleague)\b"
    rf"|(?<![\w-])(?P<lone>an?|the)\s+(?P<age>\d+|[a-z]+(?:-[a-z]+)?)-year-old\b(?!\s*-)"
    rf"(?!\s+(?:{_ADULT}|{_CHILD}|{_OFFSPRING}))"
    rf"(?:\s+(?!(?:was|were|is|are|and|who|had|has|died|killed|injured|wounded)\b)[a-z]+)?"
    # "a third was wounded": one more person
    rf"|(?<![\w-])(?P<ordinal>a)\s+(?:second|third|fourth|fifth|sixth)\b"
    rf"(?:\s+(?:person|man|woman|civilian|resident|victim)\b|(?=\s+(?:was|were|died)\b))",
    re.I,
))
# scanned for in the lower-cased sentence: several times faster (see `Lowered`)
_PEOPLE_SCAN = Lowered(_PEOPLE)
_BARE = lead(re.compile(
    rf"(?<![\w-])(?:{_QUAL})?(?P<num>\d{{1,3}}(?:,\d{{3}})*|\d+|{_NUMWORD})\b", re.I))
_BARE_SCAN = Lowered(_BARE)
_SUBSET = lead(re.compile(r"(?:including|among\s+(?:them|the\s+\w+|whom)|of\s+(?:them|whom|which)"
                          r"|among|included)[\s,:]*$", re.I))
_VAGUE = {"several", "a few", "dozens", "scores", "hundreds", "many", "numerous", "a number of",
          "more", "some"}
_UPDATE = Sieve(re.compile(
    r"\b(?:rose|risen|rises|climbed|climbs|increased|jumped|reached|updated"
    r"|now\s+stands|has\s+grown|grown|grew|bringing\s+the\s+toll)\b", re.I))
_PASSIVE_GAP = re.compile(
    r"^[\s,]*(?:\s*,[^,]{0,60},)?"
    r"(?:\s*(?:of|from|in|at|on|inside|near|aboard)\s+(?:the\s+|a\s+)?[a-z-]+(?:\s+[a-z-]+){0,2}?)?"
    r"(?:\s+(?:who|that)\s+(?:[a-z-]+\s+){0,7}?(?:there\s+)?)?"
    r"\s*(?:(?:were|was|have\s+been|had\s+been|has\s+been|are|is|being|got"
    r"|also|reportedly|later|were\s+later|all|both|each)\s+)+$", re.I)
_ADJECTIVAL = {"dead", "injured", "wounded", "hurt", "killed", "died", "dies", "perished",
               "lost their lives", "lost his life", "lost her life", "lost their life"}
_SUSTAINED = re.compile(
    r"^(?:\s+(?:of|from|in|at|on)\s+(?:the\s+)?[\w-]+(?:\s+(?:of\s+)?[\w-]+){0,3}?)?"
    r"\s+(?:\w+ly\s+)?(?:(?:sustained|suffered|received)\s+(?:[\w-]+\s+){0,2}"
    r"|(?:are|were|was|is)\s+(?:being\s+|now\s+)?treated\s+for\s+(?:[\w-]+\s+){0,2}"
    r"|(?:received|sought|needed|required|were\s+given)\s+medical\s+(?:help|assistance|treatment"
    r"|care|attention)\s+(?:for|with|after)\s+(?:[\w-]+\s+(?:and\s+)?){0,3})$", re.I)
_AGED = re.compile(r",?\s+aged\s+\d+(?:\s*(?:and|,)\s*\d+)*,?", re.I)
_AGE_NUM = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen" \
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty" \
    r"|seventy|eighty|ninety"
_AGE = lead(re.compile(
    rf"\b(?:aged|ages?)\s+(?P<ages>(?:{_AGE_NUM})(?:\s*(?:and|,)\s*(?:{_AGE_NUM}))*)"
    rf"|\b(?P<one>{_AGE_NUM})-(?:year-old|years-old)", re.I))

_CAUSES: list[tuple[re.Pattern[str], Cause]] = [
    (re.compile(r"\b(?:glide\s+bombs?|guided\s+(?:aerial\s+)?bombs?|aerial\s+bombs?|KABs?"
                r"|FAB-?\d*)\b", re.I), "glide bomb"),
    (re.compile(r"\b(?:missiles?|Iskander|Kinzhal|Kh-\d+|S-300|rocket\s+attack)\b", re.I),
     "missile strike"),
    (re.compile(r"\b(?:drones?|UAVs?|Shaheds?|Geran|FPV|kamikaze)\b", re.I), "drone attack"),
    (re.compile(r"\b(?:shell(?:ing|ed|s)?|artillery|mortars?|MLRS|Grad|multiple\s+rocket"
                r"|rocket\s+launchers?|cluster\s+munitions?)\b", re.I), "shelling"),
    (re.compile(r"\b(?:air\s*strikes?|bombing|bombed|air\s+raid)\b", re.I), "airstrike"),
]

_WORD_NUMS = {"a": 1, "an": 1, "the": 1, "one": 1, "a dozen": 12, "two dozen": 24}


@dataclass
class Count:
    value: int | None
    qualifier: Qualifier
    start: int
    end: int
    child: bool
    subset: bool
    role: str | None = None  # known from the phrase itself ("the death toll rose to 7")
    definite: bool = False  # "the boy": someone already counted


@dataclass
class Toll:
    killed: int | None = None
    injured: int | None = None
    children_killed: int | None = None
    children_injured: int | None = None
    killed_q: Qualifier | None = None
    injured_q: Qualifier | None = None
    reported: bool = False
    update: bool = False
    earlier: bool = False  # "officials had earlier reported four killed": superseded
    subset_only: bool = False  # "among the injured children was a baby": detail only
    definite: bool = False  # every count refers to people already counted


@dataclass
class Incident:
    place: Place | None
    when: EventDate
    cause: Cause
    perpetrator: Actor | None
    evidence: Evidence
    toll: Toll = field(default_factory=Toll)
    last_sentence: int = -1


def _qual(text: str | None) -> Qualifier:
    if not text:
        return "exact"
    t = " ".join(text.lower().split())
    if t in ("at least", "more than", "over"):
        return "at_least"
    if t in ("up to", "as many as"):
        return "at_most"
    return "approx"


def _value(num: str) -> int | None:
    n = " ".join(num.lower().split())
    if n in _WORD_NUMS:
        return _WORD_NUMS[n]
    if n in _VAGUE:
        return None
    if n[:1].isdigit():
        return parse_digits(n)
    return parse_words(n)


def _ages(text: str) -> list[int]:
    out: list[int] = []
    for m in _AGE.finditer(text):
        for part in re.split(r"\s*(?:and|,)\s*", m.group("ages") or m.group("one") or ""):
            value = int(part) if part.isdigit() else parse_words(part.lower()) if part else None
            if value is not None:
                out.append(value)
    return out


def _is_child(noun: str, sentence: str, span: str) -> bool:
    """Children by noun, or sons and daughters the text calls minors, or an age under 18."""
    n = noun.lower()
    if re.fullmatch(_CHILD, n, re.I):
        return True
    if re.search(r"\b(?:month|week|day)-old\b|\bteenage\b|\badolescent\b", span, re.I):
        return True
    if re.fullmatch(_OFFSPRING, n, re.I):
        return bool(re.search(r"\b(?:minors?|underage|young|little|infant|teenage)\b", sentence,
                              re.I)) or any(a < 18 for a in _ages(sentence))
    return any(a < 18 for a in _ages(span))


_SUBSET_AFTER = re.compile(
    r"^\s+(?:among\s+them|among\s+the\s+(?:dead|injured|wounded|victims))"
    r"|^,?\s+(?:was|were|is|are)\s+(?:also\s+)?among\s+(?:the|those)", re.I)
_RESTATED = re.compile(r"^\s*(?:the|those)\s+(?:dead|victims|killed|injured|wounded)\s+(?:were|are"
                       r"|included|include)\b", re.I)
_SUBSET_LEAD = re.compile(r"\bamong\s+(?:the|those)\s+(?:[\w-]+\s+){0,3}(?:was|were|is|are)\s+$",
                          re.I)


_LIST_AFTER_SUBSET = re.compile(
    r"\b(?:including|among\s+them|among\s+whom|among\s+the\s+(?:dead|injured|wounded|victims)"
    r"(?:\s+(?:were|was|are|is))?)\b(?P<rest>[^.;:()]*)$", re.I)
_CLAUSE_WORDS = re.compile(r"\b(?:when|after|while|as|who|which|that|killed|killing|injured"
                           r"|injuring|wounded|wounding|died|said|says)\b", re.I)


def _after_ages(sentence: str, end: int) -> str:
    return sentence[end + len(_ages_after(sentence, end)):]


def _subset(sentence: str, m: re.Match[str]) -> bool:
    """"including five children", "including three rescue workers and a 16-year-old boy",
    "a teenage girl among them": part of a total."""
    before = sentence[:m.start()]
    if _RESTATED.match(sentence) or _SUBSET.search(before) or _SUBSET_LEAD.search(before) \
            or _SUBSET_AFTER.match(_after_ages(sentence, m.end())):
        return True
    listed = _LIST_AFTER_SUBSET.search(before)
    return bool(listed and len(listed.group("rest")) < 90
                and not _CLAUSE_WORDS.search(listed.group("rest")))


def people_counts(sentence: str) -> list[Count]:
    """Counts of people in a sentence, with whether they are children and a subset."""
    out: list[Count] = []
    for m in _PEOPLE_SCAN.finditer_cased(sentence, folded(sentence)):
        if _NEGATED.search(sentence, max(0, m.start() - 8), m.start()):
            continue  # "no one was hurt", "no people were injured"
        if m.group("ordinal"):
            out.append(Count(1, "exact", m.start(), m.end(), False, _subset(sentence, m)))
            continue
        if m.group("lone"):
            age = m.group("age")
            value_age = int(age) if age.isdigit() else parse_words(age.replace("-", " "))
            child = value_age is not None and value_age < 18
            out.append(Count(1, "exact", m.start(), m.end(), child, _subset(sentence, m),
                             definite=m.group("lone").lower() == "the"))
            continue
        if m.group("kin"):
            kin = m.group("kin")
            out.append(Count(1, "exact", m.start(), m.end(),
                             _is_child(kin if kin not in ("son", "daughter") else kin + "s",
                                       sentence, m.group(0)), _subset(sentence, m),
                             definite=True))
            continue
        num = m.group("num")
        noun = m.group("noun")
        if num.lower() == "the" and not re.fullmatch(r"couple|" + _SINGULAR, noun, re.I):
            continue
        if num.lower() in ("more", "some") and not m.group("qual"):
            if not re.fullmatch(r"others?|people", noun, re.I):
                continue
        value = _value(num)
        if value is not None and value > 1 and num.lower() in ("a", "an"):
            value = 1
        if re.fullmatch(r"couple", noun, re.I):
            value = 2 if num.lower() in ("a", "an", "the") else value
        definite = num.lower() == "the"
        if num.lower() in ("a", "an") and re.search(r"s$", noun) and noun.lower() not in (
                "boss",) and not re.fullmatch(r"couple|police", noun, re.I):
            # "a number of people" is vague; "a ... residents" is not a count
            continue
        qual = _qual(m.group("qual")) if m.group("qual") else ("approx" if value is None
                                                                else "exact")
        child = _is_child(noun, sentence, m.group(0) + _ages_after(sentence, m.end()))
        subset = _subset(sentence, m)
        out.append(Count(value, qual, m.start(), m.end(), child, subset, definite=definite))
    lower = folded(sentence)
    for m in _OF_THEIR.finditer(sentence, lower):
        value = _value(m.group("num"))
        out.append(Count(value, "exact" if value is not None else "approx", m.start(), m.end(),
                         _is_child(m.group("noun"), sentence, m.group(0)), _subset(sentence, m)))
    for m in _KIN_PLURAL.finditer(sentence, lower):
        ages = _ages(_ages_after(sentence, m.end()))
        if ages:  # "their daughters, aged 6 and 11": as many as the ages given
            out.append(Count(len(ages), "exact", m.start(), m.end(), all(a < 18 for a in ages),
                             _subset(sentence, m), definite=True))
    for m in _FAMILY.finditer(sentence, lower):
        value = _value(m.group("num"))
        out.append(Count(value, "exact", m.start(), m.end(), False, _subset(sentence, m)))
        # "a family of four - a couple and their daughters aged 6 and 11 - died": the
        # members named between dashes are the same four people
        aside = re.match(r"\s*[-–—(]\s*(?P<inner>[^-–—()]{3,120}?)\s*[-–—)]", sentence[m.end():])
        if aside:
            lo, hi = m.end() + aside.start("inner"), m.end() + aside.end("inner")
            out[:] = [Count(c.value, c.qualifier, c.start, c.end, c.child, True, c.role,
                            c.definite) if lo <= c.start < hi else c for c in out]
    for m in _OF_THEM_CHILDREN.finditer(sentence, lower):
        value = _value(m.group("num"))
        out.append(Count(value, "exact", m.start(), m.end(), True, True))
    return out


# rarely met, so each is scanned for only when the sentence holds its words
_OF_THEIR = Sieve(re.compile(
    rf"(?<![\w-])(?P<num>{_NUMWORD})\s+of\s+(?:their|his|her|the)\s+{_ADJ}"
    rf"(?P<noun>neighbou?rs|relatives|colleagues|children|sons|daughters|friends|employees"
    rf"|workers|passengers|residents|family\s+members)\b", re.I))
_KIN_PLURAL = Sieve(re.compile(
    r"(?<![\w-])(?:her|his|their)\s+(?:sons|daughters|children|grandchildren"
    r"|grandsons|granddaughters|brothers|sisters)\b(?=,?\s+aged\b)", re.I))
_FAMILY = Sieve(re.compile(rf"\b(?:a|an|the)\s+family\s+of\s+(?P<num>{_NUMWORD})\b", re.I))


def _ages_after(sentence: str, end: int) -> str:
    """", aged 9 and 14" right after the people it describes."""
    m = _AGES_AFTER.match(sentence, end)
    return m.group(0) if m else ""


_AGES_AFTER = re.compile(rf",?\s+aged\s+(?:{_AGE_NUM})(?:\s*(?:and|,)\s*(?:{_AGE_NUM}))*", re.I)


_OF_THEM_CHILDREN = Sieve(re.compile(
    rf"(?<![\w-])(?P<num>{_NUMWORD})\s+of\s+(?:them|whom)\s+(?:were\s+|are\s+)?(?:{_CHILD})\b",
    re.I))


_NEGATED = re.compile(r"\b(?:no|not\s+a\s+single|nobody|none)\s+$", re.I)


def _bare_counts(sentence: str, taken: list[Count]) -> list[Count]:
    """Numbers standing for people next to a toll word: "11 dead", "killing two"."""
    out: list[Count] = []
    for m in _BARE_SCAN.finditer_cased(sentence, folded(sentence)):
        if any(c.start <= m.start() < c.end for c in taken):
            continue
        if _NEGATED.search(sentence, max(0, m.start() - 8), m.start()):
            continue
        after = sentence[m.end():m.end() + 40]
        before = sentence[max(0, m.start() - 160):m.start()]
        adjacent_after = re.match(r"^\s+(?:more\s+|other\s+|others\s+)?(?:(?:were|was|have\s+been"
                                  r"|had\s+been)\s+)?(?:dead|killed|injured|wounded|hurt"
                                  r"|died|deaths|fatalities|casualties)\b", after, re.I)
        adjacent_before = re.search(
            r"(?:killed|killing|kills|wounded|wounding|injuring|injured)\s+"
            r"(?:at\s+least\s+|more\s+than\s+|about\s+|some\s+|nearly\s+|almost\s+)?$"
            r"|(?:toll|deaths?|number\s+of\s+(?:people\s+)?(?:dead|killed|injured|wounded|hurt|casualties"
            r"|victims|deaths))(?:\s+[\w'-]+){0,16}?\s+(?:to|at|of|reached|is|was|stood\s+at"
            r"|stands\s+at|now)\s+(?:at\s+least\s+|more\s+than\s+)?$", before, re.I)
        if re.search(r"\baged\s+(?:\w+\s+and\s+)?$", before, re.I) or re.match(r"^-(?:year|month)",
                                                                                 after):
            continue
        if not (adjacent_after or adjacent_before):
            continue
        if re.match(r"^\s*(?:%|per\s*cent|percent|km|kilomet|miles|metres|meters|hours|days"
                    r"|minutes|years|drones?|missiles?|times)\b", after, re.I):
            continue
        if _MILITARY.match(after) and _military_claim(sentence):
            continue
        value = _value(m.group("num"))
        num = m.group("num").lower()
        if num in ("a", "an", "the", "more", "some", "many") and value is None:
            continue
        if re.fullmatch(r"(?:19|20)\d\d", num):
            continue
        qual = _qual(m.group("qual")) if m.group("qual") else ("approx" if value is None
                                                                else "exact")
        role = None
        if adjacent_before and re.search(r"toll|deaths?|number\s+of", adjacent_before.group(0),
                                         re.I):
            role = "injured" if re.search(r"injur|wound|hurt", adjacent_before.group(0), re.I) \
                else "killed"
        out.append(Count(value, qual, m.start(), m.end(), False,
                         bool(_SUBSET.search(sentence[:m.start()])), role))
    return out


def _appositions(sentence: str, counts: list[Count]) -> list[Count]:
    """"The bodies of four people, a couple and their two daughters, were recovered": the
    people named right after a count, set off by a comma or dash, are the same people."""
    out = list(counts)
    i = 0
    while i < len(out) - 1:
        head, nxt = out[i], out[i + 1]
        if not head.subset and head.value and head.value > 1 \
                and re.fullmatch(r"\s*[,–—-]\s*", sentence[head.end:nxt.start]):
            j = i + 1
            while j < len(out):
                c = out[j]
                out[j] = Count(c.value, c.qualifier, c.start, c.end, c.child, True, c.role,
                               c.definite)
                if j + 1 < len(out) and re.fullmatch(
                        r"\s*(?:,|and|,\s*and)\s*", sentence[c.end:out[j + 1].start]):
                    j += 1
                    continue
                break
            i = j
        i += 1
    return out


def _cues(sentence: str, lower: str | None) -> list[tuple[int, int, str]]:
    """The toll words of a sentence (`lower` its `folded()` text), in order: found once for
    all its counts."""
    cues = [(m.start(), m.end(), "killed") for m in KILLED_CUE.finditer(sentence, lower)]
    cues += [(m.start(), m.end(), "injured") for m in INJURED_CUE.finditer(sentence, lower)]
    cues.sort()
    return cues


def _role(sentence: str, c: Count, counts: list[Count],
          cues: list[tuple[int, int, str]]) -> str | None:
    """killed or injured: a cue right after the count (passive), else the nearest before it.
    `cues` are the sentence's `_cues`."""
    others = [o for o in counts if o is not c]
    if _MEDICAL_AFTER.match(sentence[c.end:]):
        return "injured"  # "five people received medical help for cuts and burns"
    restated = _RESTATED.match(sentence)
    if restated:
        return "killed" if re.search(r"dead|victims|killed", restated.group(0), re.I) \
            else "injured"
    rest = _after_ages(sentence, c.end)
    after = _SUBSET_AFTER.match(rest)
    if after:
        tail = rest[after.end():after.end() + 25]
        if re.match(r"\s*(?:killed|dead|who\s+died|victims\s+killed)", tail, re.I) \
                or re.search(r"dead", after.group(0), re.I):
            return "killed"
        if re.match(r"\s*(?:injured|wounded|hurt)", tail, re.I) \
                or re.search(r"injured|wounded", after.group(0), re.I):
            return "injured"
    for s, e, role in cues:
        if s >= c.end:
            if sentence[s:e].lower() in ("injuries", "wounds") and re.match(
                    r"^\s+(?:was|were)\s+[^,.;]{0,70}\bwith\s+(?:\w+\s+)?$", sentence[c.end:s],
                    re.I):
                return "injured"  # "her husband was pulled from the rubble with injuries"
            # an active verb with its own object ("... and injured an 80-year-old") is not
            # the verb of this count
            if any(o.start >= e and not o.subset and not sentence[e:o.start].strip()
                   for o in others):
                break
            gap = sentence[c.end:s]
            between = [o for o in others if c.end <= o.start < s]
            # coordinated subjects share the verb: "an infant and her grandmother were killed"
            for o in sorted(between, key=lambda o: -o.start):
                gap = gap[:o.start - c.end] + " " + gap[o.end - c.end:]
            gap = re.sub(r"\b(?:among|including|of)\s+(?:them|whom)\b", " ", gap, flags=re.I)
            gap = _AGED.sub(" ", gap)  # "two men aged 45 and 52 were wounded"
            # an aside between dashes or brackets does not separate subject and verb
            gap = re.sub(r"\s[-–—]\s[^-–—]*\s[-–—]\s|\([^()]*\)", " ", gap)
            if between:
                gap = re.sub(r"^\s*(?:(?:,|and|as\s+well\s+as|along\s+with|together\s+with)\s*)+",
                             " ", gap)
            word = " ".join(sentence[s:e].lower().split())
            if _PASSIVE_GAP.match(gap) or (word in _ADJECTIVAL and re.fullmatch(
                    r"[\s,]*(?:(?:also|later|reportedly|subsequently|all|both)\s+)?", gap)):
                return role
            if word in ("injuries", "wounds", "injury", "wound", "burns", "cuts", "shrapnel") \
                    and _SUSTAINED.match(gap):
                return "injured"  # "eleven residents sustained injuries"
            break
    left = [(e, role) for s, e, role in cues if e <= c.start]
    if left:
        e, role = left[-1]
        gap = sentence[e:c.start]
        if not re.search(r"[.;]", gap) and len(gap) < 80:
            return role
    return None


_CORRECTION = Sieve(re.compile(
    r"\b(?:correction|an\s+earlier\s+version\s+of\s+this\s+(?:story|article|report))\b", re.I))


_MEDICAL = re.compile(r"\bmedical\s+(?:help|assistance|treatment|care|attention)\s+"
                      r"(?:for|with|after)\s+(?:[\w-]+\s+(?:and\s+)?){0,3}?(?:cuts|burns|wounds|injuries|shrapnel"
                      r"|fractures|bruises)\b", re.I)
_MEDICAL_WORDS = Sieve(_MEDICAL)


_MEDICAL_AFTER = re.compile(
    r"^(?:\s+(?:of|from|in|at|on)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,3}?)?\s+(?:\w+ly\s+)?"
    r"(?:received|sought|needed|required|were\s+given)\s+" + _MEDICAL.pattern[2:], re.I)


def sentence_toll(sentence: str) -> Toll | None:
    """The toll a single sentence states, or None when it states none."""
    lower = folded(sentence)
    if not (KILLED_CUE.search(sentence, lower) or INJURED_CUE.search(sentence, lower)
            or _MEDICAL_WORDS.search(sentence, lower)):
        return None
    if _CORRECTION.search(sentence, lower):
        return None  # the figure a correction withdraws
    if _UPDATE.search(sentence, lower):
        # "... rose to two dead, after a man died in hospital": the clause explains the update
        sentence = re.split(r",?\s+after\s+", sentence, maxsplit=1)[0]
    # "..., up from an earlier count of 35": the old figure is not the toll
    sentence = re.split(r",?\s+(?:up|down)\s+from\s+", sentence, maxsplit=1)[0]
    counts = people_counts(sentence)
    counts += _bare_counts(sentence, counts)
    counts.sort(key=lambda c: c.start)
    counts = _appositions(sentence, counts)
    toll = Toll()
    roles: dict[int, str | None] = {}
    cues: list[tuple[int, int, str]] | None = None  # found when a count first needs them
    for c in counts:
        tail = sentence[c.end:c.end + 40]
        if re.match(r"^\s+(?:of|out\s+of)\s+(?:them|those|these|whom|the\s+(?:injured|wounded"
                    r"|dead|victims|casualties|people|killed|hospitali[sz]ed))\b", tail, re.I):
            continue  # "two of the injured": a subset we do not model
        if _MILITARY.match(sentence[c.end:]) and not c.child and _military_claim(sentence):
            continue
        role = c.role
        if role is None and c.subset:
            # "22, including two children": the part shares the role of its total
            total = [o for o in counts if o.end <= c.start and not o.subset
                     and roles.get(o.start) and not re.search(r"[.;]", sentence[o.end:c.start])]
            role = roles[total[-1].start] if total else None
        if role is None:
            if cues is None:
                cues = _cues(sentence, folded(sentence))
            role = _role(sentence, c, counts, cues)
        roles[c.start] = role
        if role is None:
            continue
        toll.reported = True
        if role == "killed":
            _add(toll, "killed", c)
        else:
            _add(toll, "injured", c)
    if not toll.reported:
        return None
    for c in counts:
        # "two more bodies were recovered, bringing the toll to 16": the toll is the total
        if c.role and c.value is not None and roles.get(c.start) == c.role:
            setattr(toll, c.role, c.value)
            setattr(toll, "killed_q" if c.role == "killed" else "injured_q", c.qualifier)
    lower = folded(sentence)  # the sentence may have been cut above
    toll.update = _UPDATE.search(sentence, lower) is not None
    toll.earlier = _EARLIER.search(sentence, lower) is not None
    toll.subset_only = all(c.subset for c in counts)
    toll.definite = all(c.definite for c in counts if c.value is not None) and any(
        c.definite for c in counts)
    return toll


_EARLIER = Sieve(re.compile(
    r"\b(?:had\s+)?(?:earlier|initially|previously|at\s+first|first)\s+"
    r"(?:reported|said|put|given|counted|announced)\b|\bearlier\s+(?:count|"
    r"figure|toll|report)\b|\bhad\s+(?:put|given|estimated|reported|said)\b", re.I))


def _add(toll: Toll, role: str, c: Count) -> None:
    child_attr = "children_killed" if role == "killed" else "children_injured"
    q_attr = "killed_q" if role == "killed" else "injured_q"
    if c.child:
        setattr(toll, child_attr, (getattr(toll, child_attr) or 0) + (c.value or 0)
                if c.value is not None else getattr(toll, child_attr))
    if c.subset:
        return
    current = getattr(toll, role)
    if c.value is None:
        if getattr(toll, q_attr) is None:
            setattr(toll, q_attr, c.qualifier)
        return
    setattr(toll, role, (current or 0) + c.value)
    if getattr(toll, q_attr) in (None, "exact") or c.qualifier != "exact":
        setattr(toll, q_attr, c.qualifier if getattr(toll, q_attr) in (None, "exact")
                else getattr(toll, q_attr))


def _cause(*texts: str) -> Cause | None:
    for pattern, cause in _CAUSES:
        if any(pattern.search(t) for t in texts):
            return cause
    return None


def _perpetrator(s: Annotated, place: Place | None) -> Actor | None:
    for a in s.actors:
        if a.actor.name in ("Russia", "Ukraine") and a.role_hint == "demonym":
            if re.match(r"^\s*(?:shelling|missiles?|drones?|strikes?|attacks?|forces|troops"
                        r"|army|bombs?|artillery|glide|guided|air)", s.text[a.end:], re.I):
                return a.actor
    if place is not None and place.country_code == "RU":
        return actor("Ukraine")
    return actor("Russia")


def _compatible(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return True
    if a == b or a.name == b.name:
        return True
    if a.admin1 and a.admin1 == b.admin1:
        if "region" in (a.location_type, b.location_type):
            return True
        return a.name.split()[0] == b.name.split()[0]
    return False


def _specific(a: Place | None, b: Place | None) -> Place | None:
    if a is None:
        return b
    if b is None:
        return a
    rank = {"city": 0, "district": 1, "region": 2, "area": 3, "country": 4}
    return a if rank[a.location_type] <= rank[b.location_type] else b


_CLAUSE = re.compile(r";\s+|,\s+(?:and|while|whereas|but|as)\s+(?=\S)|\s+(?:while|whereas)\s+")


_ATTRIBUTION = re.compile(r",\s+(?:the\s+|a\s+)?[^,]{0,80}?\b(?:said|says|reported|wrote|added"
                          r"|told|announced|posted)\b.*$", re.I)


@dataclass
class _Unit:
    """A sentence, or one clause of a sentence that reports two incidents."""

    text: str
    place: Place | None
    when: EventDate | None


def _units(s: Annotated, published: date | None) -> list[tuple[_Unit | None, Toll | None]]:
    """The sentence, or its clauses when they report separate incidents, with their tolls.
    None stands for the whole sentence: its place and date are read only when a toll needs
    them (`_whole`)."""
    if s.background:
        return [(None, None)]
    cuts = [0] + [m.end() for m in _CLAUSE.finditer(s.text)] + [len(s.text) + 1]
    if len(cuts) > 2:
        parts: list[tuple[_Unit, Toll]] = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            text = s.text[a:b]
            toll = sentence_toll(text)
            if toll is None:
                continue
            attribution = _ATTRIBUTION.search(text)
            if attribution:
                b = a + attribution.start()
                text = s.text[a:b]
            places = [p for p in s.places if a <= p.start < b]
            d = sentence_date(text, published)
            parts.append((_Unit(text, most_specific(places), d.when if d else None), toll))
        if len(parts) >= 2 and len({(u.place, u.when) for u, _ in parts}) == len(parts) \
                and all(u.place is not None or u.when is not None for u, _ in parts):
            return [(u, t) for u, t in parts]
    return [(None, sentence_toll(s.text))]


def _whole(s: Annotated) -> _Unit:
    when = s.date.when if s.date is not None and s.date.kind != "background" else None
    return _Unit(s.text, most_specific(s.places), when)


@dataclass
class _Trail:
    """A sentence already read: its place and date, resolved now or (for sentences that
    report no toll) only if a later toll needs them."""

    index: int
    sentence: Annotated | None = None
    place: Place | None = None
    when: EventDate | None = None

    def resolved_place(self) -> Place | None:
        if self.sentence is None:
            return self.place
        return None if self.sentence.noise else most_specific(self.sentence.places)

    def resolved_when(self) -> EventDate | None:
        if self.sentence is None:
            return self.when
        if self.sentence.noise:
            return None
        d = self.sentence.date
        return d.when if d is not None and d.kind != "background" else None


def _recent(trail: list[_Trail], idx: int, attr: str) -> Any:
    """The place (or date) of the latest of the two sentences before that names one."""
    for t in reversed(trail):
        if idx - t.index > 2:
            break
        value = t.resolved_place() if attr == "place" else t.resolved_when()
        if value is not None:
            return value
    return None


def extract_casualties(ctx: ArticleContext) -> list[CasualtyFact]:
    incidents: list[Incident] = []
    trail: list[_Trail] = []
    for s, gates in zip(ctx.sentences, ctx.sentence_gates, strict=True):
        idx = s.sentence.index
        if "harm" not in gates or s.noise:
            trail.append(_Trail(idx, s))
            continue
        for part, toll in _units(s, ctx.published):
            if toll is None:
                # no toll: the sentence's place and date are read if a later toll needs them
                trail.append(_Trail(idx, s) if part is None
                             else _Trail(idx, None, part.place, part.when))
                continue
            unit = part if part is not None else _whole(s)
            place, when = unit.place, unit.when
            if place is None:
                place = _recent(trail, idx, "place")
            if when is None and not (toll.update or toll.earlier):
                # a revision or an earlier figure belongs to the incident, whatever day
                # the sentences around it name
                when = _recent(trail, idx, "when")
            cause = _cause(unit.text)
            target: Incident | None
            if incidents and ((toll.definite and idx - incidents[-1].last_sentence <= 4
                               and _same_people(unit.text, incidents[-1]))
                              or toll.subset_only):
                # "the boy and his grandfather" / "the dead were ...": people already counted
                target = incidents[-1]
            else:
                target = _find_incident(incidents, place, when, idx, toll.update, cause)
            if target is None:
                target = Incident(place, when or ctx.default_date(), "other",
                                  None, s.evidence())
                incidents.append(target)
            else:
                target.evidence = merge_evidence(target.evidence, s.evidence(), ctx.text)
                if _compatible(target.place, place):
                    target.place = _specific(target.place, place)
            cause = cause or _cause(*(o.text for o in s.before(within=2)))
            if target.cause == "other" and cause:
                target.cause = cause
            if target.perpetrator is None:
                target.perpetrator = _perpetrator(s, target.place)
            _merge(target.toll, toll)
            target.last_sentence = idx
            trail.append(_Trail(idx, None, place, when))
    out: list[CasualtyFact] = []
    for inc in incidents:
        t = inc.toll
        qualifier = t.killed_q if t.killed is not None or t.killed_q else t.injured_q
        out.append(CasualtyFact(
            cause=inc.cause, killed=t.killed, injured=t.injured,
            children_killed=t.children_killed, children_injured=t.children_injured,
            qualifier=qualifier or "exact", when=inc.when, place=inc.place,
            perpetrator=inc.perpetrator, evidence=inc.evidence,
        ))
    return out


_PERSON_NOUN = re.compile(rf"\b(?:{_CHILD}|{_OFFSPRING}|{_ADULT}|mechanic|guard|apprentices?)\b",
                          re.I)


def _same_people(text: str, incident: Incident) -> bool:
    """Whether a definite mention ("the boy") names someone the incident already counted."""
    earlier = incident.evidence.text.lower()
    return any(re.search(rf"\b{re.escape(n.lower())}\b", earlier)
               for n in _PERSON_NOUN.findall(text) if n.lower() not in ("others", "other"))


def _find_incident(incidents: list[Incident], place: Place | None, when: EventDate | None,
                   idx: int, update: bool, cause: Cause | None) -> Incident | None:
    """The incident a toll belongs to; an update ("rose to") may come on a later day.
    Two different named causes (shelling, a glide bomb) are two incidents."""
    for inc in reversed(incidents):
        if cause is not None and inc.cause != "other" and inc.cause != cause:
            continue
        if when is not None and inc.when != when and not (
                update and place is not None and inc.place is not None
                and _compatible(inc.place, place)):
            continue
        if place is None:
            if idx - inc.last_sentence <= 3 or when is None:
                return inc
            continue
        recent = idx - inc.last_sentence <= 2
        if _compatible(inc.place, place) and (inc.place is not None or recent):
            return inc
    return None


def _merge(into: Toll, new: Toll) -> None:
    """Later figures for the same incident replace earlier ones (tolls are revised upwards),
    except figures the text itself calls earlier ("had initially reported eight dead")."""
    for attr in ("killed", "injured", "children_killed", "children_injured"):
        value = getattr(new, attr)
        current = getattr(into, attr)
        if value is None or (new.earlier and current is not None):
            continue
        if new.subset_only and current is not None:
            value = max(value, current)  # a detail about some of them is not a new total
        setattr(into, attr, value)
    for attr, fig in (("killed_q", "killed"), ("injured_q", "injured")):
        if getattr(new, fig) is not None or getattr(into, fig) is None:
            if getattr(new, attr) is not None:
                setattr(into, attr, getattr(new, attr))
    into.reported = True
