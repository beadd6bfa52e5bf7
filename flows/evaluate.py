"""Measure extraction against gold facts: precision, recall and F1 per fact kind.

A corpus folder holds `landing/` (articles in any landing format) and `gold*.jsonl` (one line
per article, see docs/extraction-conventions.md). Two scores: *figures* (the numbers and what
they count) and *strict* (figures plus event date and place).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.extract.article import extract_article
from flows.ingest import discover, read_landing_file

KINDS = ("strike", "casualty", "production", "aid_pledge")

FIGURE_KEYS: dict[str, tuple[str, ...]] = {
    "strike": ("weapon_category", "launched", "intercepted"),
    "casualty": ("killed", "injured", "children_killed", "children_injured"),
    "production": ("weapon_category", "quantity"),
    "aid_pledge": ("amount", "currency"),
}
STRICT_EXTRA: dict[str, tuple[str, ...]] = {
    "strike": ("event_date", "date_precision", "place"),
    "casualty": ("event_date", "date_precision", "place"),
    "production": ("target_year",),
    "aid_pledge": (),
}


def _place_key(fact: dict[str, Any]) -> str | None:
    if fact.get("location_type") == "area":
        return "area"
    loc = fact.get("location")
    return loc.lower() if isinstance(loc, str) else None


def fact_key(fact: dict[str, Any], strict: bool) -> tuple[Any, ...]:
    kind = fact["kind"]
    keys = FIGURE_KEYS[kind] + (STRICT_EXTRA[kind] if strict else ())
    out: list[Any] = [kind]
    for k in keys:
        value = _place_key(fact) if k == "place" else fact.get(k)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        out.append(value)
    return tuple(out)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    figures: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    strict: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    misses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    false_positives: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    strict_only: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    articles: int = 0
    noise_articles_with_facts: list[str] = field(default_factory=list)

    def overall(self, strict: bool) -> Score:
        scores = self.strict if strict else self.figures
        total = Score()
        for s in scores.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total


def load_gold(corpus: Path) -> dict[str, list[dict[str, Any]]]:
    gold: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(corpus.glob("gold*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name} line {n}: not JSON ({exc.msg})") from exc
            gold[row["article"]] = row["facts"]
    if not gold:
        raise ValueError(f"no gold*.jsonl with facts in {corpus}")
    return gold


def predict(corpus: Path) -> dict[str, list[dict[str, Any]]]:
    landing = corpus / "landing"
    files, _ = discover(landing, 50 * 1024 * 1024)
    out: dict[str, list[dict[str, Any]]] = {}
    for f in files:
        articles, _rejects = read_landing_file(f, 50 * 1024 * 1024)
        for a in articles:
            published = a.published_at.date() if a.published_at else None
            result = extract_article(a.text, published, a.title, a.language)
            out[a.article_id] = result.records()
    return out


def _match(gold: list[dict[str, Any]], pred: list[dict[str, Any]], strict: bool
           ) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """Greedy one-to-one matching; returns unmatched gold, unmatched pred, pairs."""
    free = list(range(len(pred)))
    pairs: list[tuple[int, int]] = []
    missed: list[int] = []
    for gi, g in enumerate(gold):
        key = fact_key(g, strict)
        hit = next((pi for pi in free if fact_key(pred[pi], strict) == key), None)
        if hit is None:
            missed.append(gi)
        else:
            free.remove(hit)
            pairs.append((gi, hit))
    return missed, free, pairs


def evaluate(corpus: Path) -> Report:
    gold = load_gold(corpus)
    pred = predict(corpus)
    report = Report()
    for article in sorted(set(gold) | set(pred)):
        g_facts = gold.get(article, [])
        p_facts = pred.get(article, [])
        if article not in gold:
            continue  # an article without gold is not scored
        report.articles += 1
        if not g_facts and p_facts:
            report.noise_articles_with_facts.append(article)
        for kind in KINDS:
            gk = [f for f in g_facts if f["kind"] == kind]
            pk = [f for f in p_facts if f["kind"] == kind]
            for strict, scores in ((False, report.figures), (True, report.strict)):
                missed, extra, pairs = _match(gk, pk, strict)
                scores[kind].tp += len(pairs)
                scores[kind].fn += len(missed)
                scores[kind].fp += len(extra)
                if not strict:
                    report.misses += [(article, gk[i]) for i in missed]
                    report.false_positives += [(article, pk[i]) for i in extra]
                    fig_pairs = pairs
                else:
                    strict_ok = {gi for gi, _ in pairs}
                    report.strict_only += [(article, gk[gi], pk[pi]) for gi, pi in fig_pairs
                                           if gi not in strict_ok]
    return report


def _fmt(fact: dict[str, Any], strict: bool = True) -> str:
    key = fact_key(fact, strict)[1:]
    names = FIGURE_KEYS[fact["kind"]] + (STRICT_EXTRA[fact["kind"]] if strict else ())
    return ", ".join(f"{n}={v}" for n, v in zip(names, key, strict=True))


def render(report: Report, verbose: bool = True) -> str:
    lines = [f"articles scored: {report.articles}", "",
             f"{'kind':<12}{'figures P':>10}{'R':>7}{'F1':>7}   {'strict P':>9}{'R':>7}"
             f"{'F1':>7}   {'gold':>5}{'pred':>6}"]
    for kind in (*KINDS, "overall"):
        f = report.overall(False) if kind == "overall" else report.figures[kind]
        s = report.overall(True) if kind == "overall" else report.strict[kind]
        lines.append(f"{kind:<12}{f.precision:>10.3f}{f.recall:>7.3f}{f.f1:>7.3f}   "
                     f"{s.precision:>9.3f}{s.recall:>7.3f}{s.f1:>7.3f}   "
                     f"{f.tp + f.fn:>5}{f.tp + f.fp:>6}")
    lines.append("")
    lines.append(f"no-fact articles that produced facts: {len(report.noise_articles_with_facts)}"
                 + (f" ({', '.join(report.noise_articles_with_facts)})"
                    if report.noise_articles_with_facts else ""))
    if verbose:
        if report.misses:
            lines += ["", "MISSES (in gold, not extracted):"]
            for article, fact in report.misses:
                lines.append(f"  {article}: {fact['kind']}: {_fmt(fact, False)}")
                if fact.get("evidence"):
                    lines.append(f"      \"{fact['evidence']}\"")
        if report.false_positives:
            lines += ["", "FALSE POSITIVES (extracted, not in gold):"]
            for article, fact in report.false_positives:
                lines.append(f"  {article}: {fact['kind']}: {_fmt(fact, False)}")
                lines.append(f"      \"{fact.get('evidence', '')}\"")
        if report.strict_only:
            lines += ["", "RIGHT FIGURES, WRONG DATE OR PLACE (gold vs extracted):"]
            for article, g, p in report.strict_only:
                lines.append(f"  {article}: {g['kind']}: gold {_fmt(g)}")
                lines.append(f"      got {_fmt(p)}")
    return "\n".join(lines)
