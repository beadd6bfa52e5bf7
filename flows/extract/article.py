"""Extraction entry point: one article's text in, its facts out. Pure and deterministic."""

from __future__ import annotations

from datetime import date

from flows.extract.aid import extract_aid
from flows.extract.casualties import extract_casualties
from flows.extract.context import annotate
from flows.extract.cues import war_score
from flows.extract.language import detect_language
from flows.extract.model import ArticleExtraction, Fact
from flows.extract.production import extract_production
from flows.extract.strikes import extract_strikes
from flows.extract.version import EXTRACTOR_VERSION

__all__ = ["EXTRACTOR_VERSION", "MIN_WAR_SCORE", "extract_article"]

# An article with no word only war reporting uses is off-topic (a drone light show).
MIN_WAR_SCORE = 1


def extract_article(text: str, published_at: date | None = None, title: str | None = None,
                    language: str | None = None) -> ArticleExtraction:
    """Read every fact in an article.

    Articles not in English keep their language and yield no facts: rules written for
    English would misread them.
    """
    lang = (language or detect_language(text)).lower()
    result = ArticleExtraction(language=lang, published_at=published_at)
    if lang != "en" or not text.strip():
        return result
    if war_score((title or "") + "\n" + text[:3000], enough=MIN_WAR_SCORE) < MIN_WAR_SCORE:
        return result
    ctx = annotate(text, published_at, title)
    facts: list[Fact] = []
    facts.extend(extract_strikes(ctx))
    facts.extend(extract_casualties(ctx))
    facts.extend(extract_production(ctx))
    facts.extend(extract_aid(ctx))
    facts.sort(key=lambda f: (f.evidence.start, f.kind))
    result.facts = facts
    return result
