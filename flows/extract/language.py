"""Language identification with py3langid's shipped model (no download)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_CYRILLIC = re.compile(r"[А-Яа-яІіЇїЄєҐґЁё]")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language; 'en' for text too short to tell."""
    sample = text[:3000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 20:
        return "en"
    if len(_CYRILLIC.findall(sample)) > letters * 0.3:
        lang, _ = _identifier().classify(sample)
        return str(lang) if lang in ("uk", "ru", "bg", "sr", "mk", "be") else "uk"
    lang, prob = _identifier().classify(sample)
    if lang != "en" and prob < 0.6:
        return "en"
    return str(lang)
