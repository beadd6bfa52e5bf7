"""Shared test set-up: Prefect kept local and quiet, temporary warehouses, a scripted extractor.

The Prefect settings are put in the environment here, before any test module imports Prefect:
its state goes to a temporary PREFECT_HOME, its API is the ephemeral one (started on first
use, slow on a small machine, hence the long start-up timeout) and telemetry is off.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="sitrep-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.pop("PREFECT_API_URL", None)
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# A developer's own sources.toml must not make tests fetch from the network; tests that
# exercise feeds point SITREP_SOURCES (or Settings.sources_path) at their local server.
os.environ["SITREP_SOURCES"] = str(Path(_PREFECT_HOME) / "no-sources.toml")
os.environ.pop("SITREP_DASK", None)
os.environ.pop("SITREP_FULL_CHECKS", None)

from flows.extract.model import (  # noqa: E402 -- after the environment above
    Actor,
    ArticleExtraction,
    CasualtyFact,
    EventDate,
    Evidence,
    Fact,
    Place,
    StrikeFact,
    Weapon,
)
from flows.settings import Settings, load_settings  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture
def wh_settings(tmp_path: Path) -> Settings:
    """Settings for a throw-away warehouse and landing folder under tmp_path.

    One extraction process: a scripted extractor (below) lives only in this process, and
    extraction on several processes has its own test (test_parallel_extract.py).
    """
    landing = tmp_path / "landing"
    landing.mkdir()
    settings = load_settings().with_overrides(landing, tmp_path / "wh" / "warehouse.duckdb")
    return replace(settings, workers=1)


def write_article(landing: Path, name: str, body: str, published_at: str | None = "2024-03-10",
                  title: str | None = None) -> Path:
    """A landing .txt file with front matter, as a wire service would deliver it."""
    head = ["---", f"title: {title or name}", "source: Test Wire", "language: en"]
    if published_at:
        head.append(f"published_at: {published_at}")
    path = landing / name
    path.write_text("\n".join([*head, "---", body, ""]), encoding="utf-8")
    return path


def require_extractor() -> None:
    """Skip until the real extractor can be imported; any other error fails the test."""
    try:
        import flows.extract.article  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"runs once the extractor (flows.extract.article) lands: {exc}")


# ------------------------------------------------------------------ scripted extractor

FactsFor = Callable[[str, date | None], list[Fact]]


@dataclass
class ScriptedExtractor:
    """Stands in for flows.extract.article so warehouse tests control the facts exactly.

    The quality gate must be exercised with facts a good extractor should never produce
    (more intercepted than launched, a 900-dead toll); scripting them is the only way to
    get them deterministically. An article gets the facts of the first marker it contains.
    """

    version: str = "scripted-1"
    scripts: list[tuple[str, FactsFor]] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    def add(self, marker: str, facts: FactsFor) -> None:
        self.scripts.append((marker, facts))

    def extract_article(self, text: str, published_at: date | None = None,
                        title: str | None = None,
                        language: str | None = None) -> ArticleExtraction:
        self.seen.append(text)
        for marker, facts in self.scripts:
            if marker in text:
                return ArticleExtraction("en", published_at, facts(text, published_at))
        return ArticleExtraction("en", published_at, [])

    def module(self) -> types.ModuleType:
        mod = types.ModuleType("flows.extract.article")
        mod.EXTRACTOR_VERSION = self.version  # type: ignore[attr-defined]
        mod.extract_article = self.extract_article  # type: ignore[attr-defined]
        return mod


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedExtractor]:
    ex = ScriptedExtractor()
    monkeypatch.setitem(sys.modules, "flows.extract.article", ex.module())
    # the pipeline reads the version from its own module (flows/extract/version.py)
    version = types.ModuleType("flows.extract.version")
    version.EXTRACTOR_VERSION = ex.version  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "flows.extract.version", version)
    yield ex


def set_extractor_version(version: str) -> None:
    for name in ("flows.extract.article", "flows.extract.version"):
        sys.modules[name].EXTRACTOR_VERSION = version  # type: ignore[attr-defined]


def evidence(text: str, sentence: str) -> Evidence:
    start = text.index(sentence)
    return Evidence(sentence, start, start + len(sentence))


RUSSIA = Actor("Russia", "state", "RU")
ODESA = Place("Odesa", "city", "Odesa Oblast", "UA", 46.48, 30.73, 698740)
KHARKIV = Place("Kharkiv", "city", "Kharkiv Oblast", "UA", 49.98, 36.25, 706483)
SHAHED = Weapon("Shahed-136", "drone", "attack drone", "Shahed-136")
CRUISE = Weapon("cruise missile", "missile", "cruise missile", None)


def strike(text: str, sentence: str, weapon: Weapon, launched: int | float | None,
           intercepted: int | float | None, when: EventDate, place: Place | None = ODESA,
           ) -> StrikeFact:
    return StrikeFact(weapon, launched, "exact" if launched is not None else None,
                      intercepted, "exact" if intercepted is not None else None,
                      when, place, RUSSIA, evidence(text, sentence))


def casualty(text: str, sentence: str, killed: int | None, injured: int | None,
             when: EventDate, children_killed: int | None = None,
             place: Place | None = KHARKIV) -> CasualtyFact:
    return CasualtyFact("shelling", killed, injured, children_killed, None, "exact", when,
                        place, RUSSIA, evidence(text, sentence))


def connection_with_caches() -> duckdb.DuckDBPyConnection:
    """An in-memory connection with an empty work database (its caches, sql/audit/060)
    attached as `work`; the default catalog stays selected for scratch tables."""
    from flows.warehouse import SQL_DIR, run_sql_file

    con = duckdb.connect()
    con.execute("attach ':memory:' as work")
    con.execute("use work")
    run_sql_file(con, SQL_DIR / "audit" / "060_caches.sql")
    con.execute("use memory")
    return con
