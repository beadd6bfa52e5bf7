"""Flatten extraction results into Arrow tables shaped like the staging tables.

One row per fact, carrying every attribute its dimensions are built from, plus deterministic
keys: the same article read by the same extractor yields the same keys on every run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from flows.extract.model import (
    Actor,
    AidPledgeFact,
    ArticleExtraction,
    CasualtyFact,
    EventDate,
    Fact,
    Place,
    ProductionFact,
    StrikeFact,
    Weapon,
)
from flows.faults import checkpoint
from flows.pool import process_pool
from flows.warehouse import SQL_DIR, stable_key, work_connection

log = logging.getLogger("sitrep.staging")

_EVIDENCE = [("evidence", pa.string()), ("evidence_start", pa.int32()),
             ("evidence_end", pa.int32())]
_WHEN = [("event_date", pa.date32()), ("date_precision", pa.string())]


def _weapon_cols() -> list[tuple[str, pa.DataType]]:
    return [("weapon_key", pa.int64()), ("weapon_name", pa.string()),
            ("weapon_category", pa.string()), ("weapon_subcategory", pa.string()),
            ("weapon_model", pa.string())]


def _place_cols() -> list[tuple[str, pa.DataType]]:
    return [("location_key", pa.int64()), ("location_name", pa.string()),
            ("location_type", pa.string()), ("admin1", pa.string()),
            ("country_code", pa.string()), ("latitude", pa.float64()),
            ("longitude", pa.float64()), ("geonames_id", pa.int64())]


def _actor_cols(role: str) -> list[tuple[str, pa.DataType]]:
    return [(f"{role}_actor_key" if role not in ("actor",) else "actor_key", pa.int64()),
            (f"{role}_name", pa.string()), (f"{role}_type", pa.string()),
            (f"{role}_country_code", pa.string())]


def _head(key: str) -> list[tuple[str, pa.DataType]]:
    return [(key, pa.int64()), ("article_key", pa.int64()), ("ordinal", pa.int32()),
            ("extractor_version", pa.string())]


SCHEMAS: dict[str, pa.Schema] = {
    "article_extraction": pa.schema([
        ("article_key", pa.int64()), ("extractor_version", pa.string()),
        ("language", pa.string()), ("published_date", pa.date32()),
        ("n_facts", pa.int32()), ("run_id", pa.string()),
        ("extracted_at", pa.timestamp("us")),
    ]),
    "strike": pa.schema([
        *_head("strike_key"), *_weapon_cols(),
        ("launched", pa.float64()), ("launched_qualifier", pa.string()),
        ("intercepted", pa.float64()), ("intercepted_qualifier", pa.string()),
        *_WHEN, *_place_cols(), *_actor_cols("attacker"), *_EVIDENCE,
    ]),
    "casualty": pa.schema([
        *_head("casualty_key"), ("cause", pa.string()),
        ("killed", pa.float64()), ("injured", pa.float64()),
        ("children_killed", pa.float64()), ("children_injured", pa.float64()),
        ("qualifier", pa.string()), *_WHEN, *_place_cols(),
        *_actor_cols("perpetrator"), *_EVIDENCE,
    ]),
    "production": pa.schema([
        *_head("production_key"), *_actor_cols("actor"), *_weapon_cols(),
        ("quantity", pa.float64()), ("qualifier", pa.string()), ("period", pa.string()),
        ("target_year", pa.int32()), ("cost_usd", pa.float64()), *_EVIDENCE,
    ]),
    "aid_pledge": pa.schema([
        *_head("pledge_key"), *_actor_cols("donor"), ("recipient", pa.string()),
        *_actor_cols("recipient"),
        ("amount", pa.float64()), ("currency", pa.string()), ("amount_usd", pa.float64()),
        ("purpose", pa.string()), *_WHEN, *_EVIDENCE,
    ]),
}

FACT_KINDS: tuple[str, ...] = ("strike", "casualty", "production", "aid_pledge")


@dataclass(frozen=True)
class ExtractedArticle:
    """One article's extraction, with the identity its keys derive from."""

    article_key: int
    content_sha256: str
    extraction: ArticleExtraction


def fact_key(content_sha256: str, kind: str, ordinal: int) -> int:
    """Key of the `ordinal`-th fact of `kind` in an article (1-based, in extractor order)."""
    return stable_key(content_sha256, kind, ordinal)


def location_key(p: Place) -> int:
    return stable_key("location", p.name, p.location_type, p.admin1, p.country_code)


def weapon_key(w: Weapon) -> int:
    return stable_key("weapon", w.name, w.category, w.subcategory, w.model)


def actor_key(a: Actor) -> int:
    return stable_key("actor", a.name, a.actor_type, a.country_code)


def flatten(articles: Sequence[ExtractedArticle], extractor_version: str, run_id: str,
            extracted_at: datetime) -> dict[str, pa.Table]:
    """Staging rows for a batch: `article_extraction` plus one table per fact kind."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for art in articles:
        ex = art.extraction
        rows["article_extraction"].append({
            "article_key": art.article_key, "extractor_version": extractor_version,
            "language": ex.language, "published_date": ex.published_at,
            "n_facts": len(ex.facts), "run_id": run_id, "extracted_at": extracted_at,
        })
        ordinals: dict[str, int] = {}
        for fact in ex.facts:
            kind = fact.kind
            ordinals[kind] = ordinals.get(kind, 0) + 1
            head = {"article_key": art.article_key, "ordinal": ordinals[kind],
                    "extractor_version": extractor_version}
            key = fact_key(art.content_sha256, kind, ordinals[kind])
            rows[kind].append(_FLATTENERS[kind](fact, key) | head)
    return {name: pa.Table.from_pylist(r, schema=SCHEMAS[name]) for name, r in rows.items()}


def _count(value: object) -> float | None:
    """Counts go to staging as DOUBLE so a non-whole figure reaches the quality gate."""
    if value is None or isinstance(value, bool):
        return None
    return float(value)  # type: ignore[arg-type]


def _weapon(w: Weapon) -> dict[str, Any]:
    return {"weapon_key": weapon_key(w), "weapon_name": w.name, "weapon_category": w.category,
            "weapon_subcategory": w.subcategory, "weapon_model": w.model}


def _place(p: Place | None) -> dict[str, Any]:
    if p is None:
        return {}
    return {"location_key": location_key(p), "location_name": p.name,
            "location_type": p.location_type, "admin1": p.admin1,
            "country_code": p.country_code, "latitude": p.latitude,
            "longitude": p.longitude, "geonames_id": p.geonames_id}


def _actor(role: str, a: Actor | None) -> dict[str, Any]:
    if a is None:
        return {}
    key_col = "actor_key" if role == "actor" else f"{role}_actor_key"
    return {key_col: actor_key(a), f"{role}_name": a.name, f"{role}_type": a.actor_type,
            f"{role}_country_code": a.country_code}


def _when(w: EventDate) -> dict[str, Any]:
    value: date | None = w.value
    return {"event_date": value, "date_precision": w.precision}


def _evidence(f: Fact) -> dict[str, Any]:
    return {"evidence": f.evidence.text, "evidence_start": f.evidence.start,
            "evidence_end": f.evidence.end}


def _strike(f: Fact, key: int) -> dict[str, Any]:
    assert isinstance(f, StrikeFact)
    return {"strike_key": key, **_weapon(f.weapon),
            "launched": _count(f.launched), "launched_qualifier": f.launched_qualifier,
            "intercepted": _count(f.intercepted),
            "intercepted_qualifier": f.intercepted_qualifier,
            **_when(f.when), **_place(f.place), **_actor("attacker", f.attacker),
            **_evidence(f)}


def _casualty(f: Fact, key: int) -> dict[str, Any]:
    assert isinstance(f, CasualtyFact)
    return {"casualty_key": key, "cause": f.cause, "killed": _count(f.killed),
            "injured": _count(f.injured), "children_killed": _count(f.children_killed),
            "children_injured": _count(f.children_injured), "qualifier": f.qualifier,
            **_when(f.when), **_place(f.place), **_actor("perpetrator", f.perpetrator),
            **_evidence(f)}


def _production(f: Fact, key: int) -> dict[str, Any]:
    assert isinstance(f, ProductionFact)
    return {"production_key": key, **_actor("actor", f.actor), **_weapon(f.weapon),
            "quantity": _count(f.quantity), "qualifier": f.qualifier, "period": f.period,
            "target_year": f.target_year, "cost_usd": f.cost_usd, **_evidence(f)}


def _aid_pledge(f: Fact, key: int) -> dict[str, Any]:
    assert isinstance(f, AidPledgeFact)
    return {"pledge_key": key, **_actor("donor", f.donor), "recipient": f.recipient,
            **_actor("recipient", f.recipient_actor), "amount": f.amount,
            "currency": f.currency, "amount_usd": f.amount_usd, "purpose": f.purpose,
            **_when(f.when), **_evidence(f)}


_FLATTENERS: dict[str, Callable[[Fact, int], dict[str, Any]]] = {
    "strike": _strike,
    "casualty": _casualty,
    "production": _production,
    "aid_pledge": _aid_pledge,
}


@dataclass
class BatchResult:
    """Where a batch's staging files are, and what went wrong with single articles."""

    batch_dir: str
    articles: int
    facts: dict[str, int]
    failures: list[tuple[str, str]]  # (article source, error) for articles not extracted


def extract_texts(articles: Iterable[tuple[int, str, str, str | None, str | None,
                                          datetime | None, str]],
                  run_id: str) -> tuple[dict[str, pa.Table], list[tuple[str, str]]]:
    """Staging tables for articles given as (key, sha, text, title, language, published_at,
    source) and the (source, error) of those the extractor failed on (left unextracted)."""
    from flows.extract.article import EXTRACTOR_VERSION, extract_article

    done: list[ExtractedArticle] = []
    failures: list[tuple[str, str]] = []
    for key, sha, text, title, language, published_at, source in articles:
        try:
            extraction = extract_article(
                text, published_at.date() if published_at else None, title, language)
        except Exception as exc:  # one bad article must not sink the batch
            log.warning("extraction failed for %s: %s", source, exc)
            failures.append((source, f"{type(exc).__name__}: {exc}"))
            continue
        done.append(ExtractedArticle(int(key), str(sha), extraction))
    return flatten(done, EXTRACTOR_VERSION, run_id, datetime.now()), failures


def extract_batch(work_db: Path | str, article_keys: Sequence[int], batch_dir: Path | str,
                  run_id: str) -> BatchResult:
    """Extract one batch of raw articles and write its staging rows as Parquet files.

    The batch goes to files, not to the database, so the extract step hands a path to the
    load step. An article the extractor fails on is reported and left unextracted (it is
    tried again on the next run) instead of failing the batch.
    """
    checkpoint("extract")
    keys = pa.table({"article_key": pa.array(list(article_keys), pa.int64())})
    with work_connection(work_db, read_only=True) as con:
        con.register("batch_keys", keys)
        query = (SQL_DIR / "load" / "105_articles_for_batch.sql").read_text(encoding="utf-8")
        rows = con.execute(query).fetchall()
    tables, failures = extract_texts(
        ((key, sha, text, title, language, published_at, str(article_id or source_file))
         for key, sha, text, title, language, published_at, article_id, source_file in rows),
        run_id)
    out = Path(batch_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(table, out / f"{name}.parquet")
    return BatchResult(str(out), tables["article_extraction"].num_rows,
                       {k: tables[k].num_rows for k in FACT_KINDS}, failures)


def extract_batches(work_db: Path | str, batches: Sequence[Sequence[int]],
                    scratch_dir: Path | str, run_id: str, workers: int = 1,
                    progress: Callable[[int, int, BatchResult], None] | None = None,
                    ) -> list[BatchResult]:
    """Extract every batch, on `workers` processes when there is more than one batch.

    Each batch reads the work database read-only and writes its own Parquet files, so
    batches never wait for one another. Fault injection (SITREP_FAULT) runs in one process
    so that a planned kill lands in the run itself.
    """
    dirs = [str(Path(scratch_dir) / f"batch-{i:05d}") for i in range(1, len(batches) + 1)]
    results: list[BatchResult | None] = [None] * len(batches)
    if workers <= 1 or len(batches) <= 1 or os.environ.get("SITREP_FAULT"):
        for i, keys in enumerate(batches):
            results[i] = extract_batch(work_db, list(keys), dirs[i], run_id)
            if progress:
                progress(i + 1, len(batches), results[i])  # type: ignore[arg-type]
        return [r for r in results if r is not None]
    with process_pool(min(workers, len(batches))) as pool:
        futures = {pool.submit(extract_batch, str(work_db), list(keys), dirs[i], run_id): i
                   for i, keys in enumerate(batches)}
        for done, future in enumerate(as_completed(futures), 1):
            i = futures[future]
            results[i] = future.result()
            if progress:
                progress(done, len(batches), results[i])  # type: ignore[arg-type]
    return [r for r in results if r is not None]


def read_batch(batch_dir: Path | str) -> dict[str, pa.Table]:
    """The staging tables written by `extract_batch`, cast back to their staging schemas."""
    folder = Path(batch_dir)
    return {name: pq.read_table(folder / f"{name}.parquet").cast(schema)
            for name, schema in SCHEMAS.items()}
