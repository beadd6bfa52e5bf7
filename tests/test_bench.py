"""A small `make bench` (1,000 articles) as a smoke test: it runs end to end, every run
publishes, and it writes its table while keeping the hand-written profiles below it (no
timing assertions: timings on a shared machine are not tests)."""

from __future__ import annotations

from pathlib import Path

from flows.bench import main


def test_bench_smoke(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    out.write_text("# old table\n\n## Hot spots\n\nkept by hand\n", encoding="utf-8")
    assert main(["--sizes", "1000", "--prefect-sizes", "", "--root", str(tmp_path / "root"),
                 "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| 1,000 |" in text and "Incremental: 1,000 new articles" in text
    assert "Backfill: then 1,000 articles" in text
    assert "ephemeral API start-up" in text
    assert "# old table" not in text and text.endswith("## Hot spots\n\nkept by hand\n")
