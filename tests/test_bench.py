"""A small `make bench` as a smoke test: it runs end to end and writes its table (no timing
assertions: timings on a shared machine are not tests)."""

from __future__ import annotations

from pathlib import Path

from flows.bench import main


def test_bench_smoke(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    assert main(["--sizes", "200", "--prefect-sizes", "", "--root", str(tmp_path / "root"),
                 "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| 200 |" in text and "Incremental: 1,000 new articles" in text
    assert "ephemeral API start-up" in text
