"""Verb and noun cues shared by the fact readers: what a number next to a weapon means."""

from __future__ import annotations

import re

from flows.extract.sieve import Lowered, lead

INTERCEPT_WORDS = (
    r"shot\s+down|shoot(?:ing)?\s+down|shoots\s+down|downed|downing|destroyed|destroy(?:ing|s)?"
    r"|intercepted|intercept(?:ing|s)?|neutrali[sz]ed|neutrali[sz](?:e|ing)|repelled|eliminated"
    r"|taken\s+out|knocked\s+out|brought\s+down|were\s+hit\s+by\s+air\s+defen[cs]es?"
    r"|defeated|foiled|thwarted"
)
INTERCEPT = lead(re.compile(rf"\b(?:{INTERCEPT_WORDS})\b", re.I))
LAUNCH = lead(re.compile(
    r"\b(?:launched|launching|launches|launch|fired|firing|fires|fire|attacked|attacking|attacks"
    r"|used|using|sent|sending|deployed|deploying|dropped|dropping|struck|unleashed|unleashing|hurled|lobbed"
    r"|targeted|targeting|pounded|pounding|hit|hitting|involved|involving|included|including"
    r"|comprised|consisting|barrage|salvo|wave|attack|assault|strike|raid|onslaught|detected"
    r"|tracked|recorded|registered|dropped|counted)\b",
    re.I,
))
NOT_INTERCEPT_WORDS = (
    r"lost\s+(?:locally|(?:from|off)\s+(?:the\s+)?radar)|locally\s+lost|location\s+lost"
    r"|did\s+not\s+reach|didn't\s+reach|failed\s+to\s+reach|never\s+reached|hit\s+(?:their|its)"
    r"\s+targets?|reached\s+(?:their|its)\s+targets?|struck\s+(?:their|its)\s+targets?"
    r"|suppressed|jammed|diverted|redirected|went\s+off\s+course|strayed|disappeared"
    r"|electronic\s+warfare|crashed|fell\s+(?:in|on)|were\s+lost|was\s+lost|got\s+through"
    r"|broke\s+through|evaded|missed"
)
NOT_INTERCEPT = lead(re.compile(rf"\b(?:{NOT_INTERCEPT_WORDS})\b", re.I))
KILLED = lead(re.compile(
    r"\b(?:killed|killing|kills|kill|dead|died|dies|die|deaths?|death\s+toll|toll|fatalities"
    r"|lost\s+(?:their|his|her)\s+lives?|perished|slain|lifeless|bodies|body"
    r"|claimed\s+(?:the\s+)?li(?:fe|ves)\s+of|claiming\s+(?:the\s+)?li(?:fe|ves)\s+of)\b",
    re.I,
))
INJURED = lead(re.compile(
    r"\b(?:wounded|wounding|wounds|injured|injuring|injures|injuries|hurt|hospitali[sz]ed"
    r"|casualties)\b",
    re.I,
))
PRODUCTION = lead(re.compile(
    r"\b(?:produc(?:e|es|ed|ing|tion)|manufactur(?:e|es|ed|ing)|make|makes|making|made|build"
    r"|builds|built|(?:is|are|was|were|be|been|keeps?|started|begun)\s+(?:now\s+|also\s+)?building"
    r"|output|assembl(?:e|es|ed|ing)|roll(?:ed)?\s+out|turn(?:ed)?\s+out"
    r"|fabricat(?:e|ed|ing)|makers?|manufacturers?|producers?|factor(?:y|ies)"
    r"|defen[cs]e\s+industry)\b",
    re.I,
))
PLEDGE = lead(re.compile(
    r"\b(?:pledg(?:e|es|ed|ing)|promis(?:e|es|ed|ing)|provid(?:e|es|ed|ing)|allocat(?:e|es|ed"
    r"|ing)|contribut(?:e|es|ed|ing|ion)|donat(?:e|es|ed|ing|ion)|commit(?:s|ted|ting)?"
    r"|announc(?:e|es|ed|ing)|give|gives|gave|giving|grant(?:s|ed)?|send(?:s|ing)?|sent"
    r"|agree(?:s|d)?|agreement|signed|loans?|grants?|spend|spending|package|aid|assistance"
    r"|made\s+available|make\s+available|channel(?:s|led|ling)?|tranche|instal(?:l)?ment|support|funding|fund|earmark(?:ed)?|approv(?:e|es|ed)|transfer"
    r"(?:s|red)?|disburs(?:e|ed|ing))\b",
    re.I,
))
# The cues as scanned in a sentence's `folded()` text, where that gives the same matches.
INTERCEPT_CUE = Lowered(INTERCEPT)
LAUNCH_CUE = Lowered(LAUNCH)
NOT_INTERCEPT_CUE = Lowered(NOT_INTERCEPT)
KILLED_CUE = Lowered(KILLED)
INJURED_CUE = Lowered(INJURED)
PRODUCTION_CUE = Lowered(PRODUCTION)
PLEDGE_CUE = Lowered(PLEDGE)
# Words only war reporting uses; "drone", "attack" or "killed" alone also fit a drone race.
WAR_CONTEXT = lead(re.compile(
    r"\b(?:russia|russian|russians|ukraine|ukrainian|ukrainians|kremlin|moscow|kyiv|kiev"
    r"|invasion|war|wartime|military|troops|front[\s-]*line|shelling|shelled"
    r"|air\s+defen[cs]es?|air\s+force|defen[cs]e\s+ministry|occupied|occupation|armed\s+forces"
    r"|missile\s+strikes?|drone\s+attacks?|air\s+raid|air\s+attack)\b",
    re.I,
))


def war_score(text: str, enough: int | None = None) -> int:
    """How many war-context words the text holds; a crude guard against off-topic articles.
    Counting stops at `enough`: a caller comparing with a threshold needs no more."""
    n = 0
    for _ in WAR_CONTEXT.finditer(text):
        n += 1
        if n == enough:
            break
    return n
