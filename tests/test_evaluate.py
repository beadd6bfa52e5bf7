from __future__ import annotations

import json
from pathlib import Path

from flows.cli import main
from flows.evaluate import evaluate, fact_key

ARTICLE = """---
title: Overnight attack
published_at: 2024-03-10
---
Russia launched 31 attack drones at Ukraine overnight, the air force said. Air defences destroyed
28 of them.
"""


def _corpus(tmp_path: Path, facts: list[dict]) -> Path:
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "landing" / "noise.txt").write_text(
        "---\npublished_at: 2024-03-10\n---\nThe city council approved its budget.\n",
        encoding="utf-8")
    lines = [{"article": "one.txt", "facts": facts}, {"article": "noise.txt", "facts": []}]
    (tmp_path / "gold.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n",
                                         encoding="utf-8")
    return tmp_path


GOOD = {"kind": "strike", "weapon_category": "drone", "launched": 31, "intercepted": 28,
        "event_date": "2024-03-10", "date_precision": "day", "location": None,
        "location_type": None}


def test_a_correct_gold_scores_one(tmp_path: Path) -> None:
    report = evaluate(_corpus(tmp_path, [GOOD]))
    assert report.articles == 2
    assert (report.figures["strike"].tp, report.figures["strike"].fp) == (1, 0)
    assert report.overall(strict=True).f1 == 1.0


def test_wrong_figure_is_a_miss_and_a_false_positive(tmp_path: Path) -> None:
    report = evaluate(_corpus(tmp_path, [{**GOOD, "intercepted": 27}]))
    s = report.figures["strike"]
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)
    assert report.misses and report.false_positives


def test_wrong_date_fails_only_strict(tmp_path: Path) -> None:
    report = evaluate(_corpus(tmp_path, [{**GOOD, "event_date": "2024-03-09"}]))
    assert report.overall(strict=False).f1 == 1.0
    assert report.overall(strict=True).f1 == 0.0
    assert len(report.strict_only) == 1


def test_fact_key_treats_whole_floats_as_ints() -> None:
    a = {"kind": "aid_pledge", "amount": 37000000.0, "currency": "USD"}
    b = {"kind": "aid_pledge", "amount": 37000000, "currency": "USD"}
    assert fact_key(a, strict=False) == fact_key(b, strict=False)


def test_cli_threshold_sets_the_exit_code(tmp_path: Path, capsys) -> None:
    corpus = _corpus(tmp_path, [{**GOOD, "launched": 30}])
    assert main(["eval", str(corpus), "--quiet"]) == 0
    assert main(["eval", str(corpus), "--quiet", "--min-f1", "0.9"]) == 1
    assert main(["eval", str(tmp_path / "missing")]) == 2
    assert "below threshold" in capsys.readouterr().err
