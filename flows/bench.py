"""`make bench`: end-to-end speed and memory at scale, written to docs/benchmarks.md.

For each size N a synthetic corpus (`sitrep synth`) is generated once, then, each in a fresh
process so peak memory is its own:
- the floor: read every landing file and run one regex over it;
- a full plain run landing -> published, timed per stage;
- the same run as the Prefect flow against a Prefect server already up (the scheduled
  setting), whose difference is Prefect's overhead;
- for the largest N, an incremental run: 1,000 new articles into the full warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

from flows.settings import REPO_ROOT, Settings, load_settings

DOC = REPO_ROOT / "docs" / "benchmarks.md"
_FLOOR_RE = re.compile(r"\b(?:killed|drones?|missiles?)\b", re.I)


def _settings(root: Path, landing: Path) -> Settings:
    return replace(load_settings().with_overrides(landing, root / "wh" / "warehouse.duckdb"),
                   max_file_bytes=50 * 1024 * 1024)


def _peak_mb() -> float:
    """Peak RSS of this process."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class _WorkerPeak:
    """The largest peak RSS (VmHWM) of this process's children, sampled while they run.

    Not `RUSAGE_CHILDREN`: a spawned worker is forked before it execs Python, and its rusage
    counts the parent's whole memory at that moment, so a pool started late in a big run
    would seem to weigh what the run weighs.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)

    def __enter__(self) -> _WorkerPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return round(self.peak_kb / 1024, 1)

    def _sample(self, interval: float) -> None:
        me = str(os.getpid())
        while not self._stop.wait(interval):
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    fields = dict(line.split(":", 1) for line in
                                  status.read_text(encoding="utf-8").splitlines() if ":" in line)
                except OSError:
                    continue  # the process ended meanwhile
                if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
                    self.peak_kb = max(self.peak_kb, int(fields["VmHWM"].split()[0]))


def floor(landing: Path) -> dict[str, Any]:
    """A bare read of every file plus one regex pass: the least any pipeline must do."""
    start = time.perf_counter()
    files = hits = 0
    for path in sorted(landing.iterdir()):
        text = path.read_text(encoding="utf-8")
        hits += len(_FLOOR_RE.findall(text))
        files += 1
    return {"seconds": round(time.perf_counter() - start, 2), "files": files, "hits": hits}


def timed_run(settings: Settings, prefect: bool) -> dict[str, Any]:
    """One run, with the seconds each stage took."""
    from flows import pipeline

    stages: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = round(stages.get(name, 0.0) + time.perf_counter() - t, 2)
        return wrapper

    start = time.perf_counter()
    with _WorkerPeak() as workers:
        if prefect:
            state = pipeline.sitrep_pipeline(landing=str(settings.landing_dir),
                                             warehouse=str(settings.warehouse_path),
                                             return_state=True)
            ok = state.is_completed()
        else:
            base = pipeline.PLAIN_STEPS
            steps = replace(base, **{
                "discover": timed("ingest", base.discover), "ingest": timed("ingest", base.ingest),
                "plan": timed("extract", base.plan), "extract": timed("extract", base.extract),
                "load_staging": timed("load", base.load_staging),
                "build": timed("build", base.build), "validate": timed("validate", base.validate),
                "publish": timed("publish", base.publish)})
            summary = pipeline._orchestrate(settings, pipeline.new_run_id(), 0.0, steps)
            ok = summary.status == "published"
    total = round(time.perf_counter() - start, 2)
    return {"seconds": total, "stages": stages, "published": ok, "rss_mb": _peak_mb(),
            "workers_rss_mb": workers.mb}


def _child(args: list[str]) -> dict[str, Any]:
    env = os.environ.copy()
    if "--prefect" in args:  # Prefect's own overhead: without the flow-only Data Docs pass
        env["SITREP_DATA_DOCS"] = "0"
    out = subprocess.run([sys.executable, "-m", "flows.bench", *args], capture_output=True,
                         text=True, check=False, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"bench step {args} failed:\n{out.stderr[-2000:]}")
    result = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    if result.get("published") is False:  # timing a blocked run would measure nothing
        raise RuntimeError(f"bench step {args} ran but did not publish:\n{out.stderr[-2000:]}")
    return result


def bench(sizes: list[int], root: Path, prefect_sizes: list[int], seed: int = 1
          ) -> dict[str, Any]:
    from flows.synth import write_corpus

    results: dict[str, Any] = {"sizes": {}}
    for n in sizes:
        corpus = root / f"corpus-{n}"
        if not (corpus / "gold.jsonl").exists():
            print(f"bench: generating {n} articles", file=sys.stderr)
            write_corpus(n, corpus, seed)
        row: dict[str, Any] = {}
        row["floor"] = _child(["--floor", str(corpus / "landing")])
        shutil.rmtree(root / f"run-{n}", ignore_errors=True)
        print(f"bench: plain run on {n}", file=sys.stderr)
        row["plain"] = _child(["--run", str(corpus / "landing"), str(root / f"run-{n}")])
        if n in prefect_sizes:
            shutil.rmtree(root / f"flow-{n}", ignore_errors=True)
            print(f"bench: Prefect flow on {n}", file=sys.stderr)
            row["prefect"] = _child(["--run", str(corpus / "landing"), str(root / f"flow-{n}"),
                                     "--prefect"])
        results["sizes"][str(n)] = row
    largest = max(sizes)
    landing = root / f"corpus-{largest}" / "landing"
    results["incremental"] = _incremental(root, landing, root / f"run-{largest}", "next",
                                          seed + 1000, recent=True)
    results["backfill"] = _incremental(root, landing, root / f"run-{largest}", "spread",
                                       seed + 2000, recent=False)
    return results


def _incremental(root: Path, landing: Path, run_root: Path, name: str, seed: int,
                 recent: bool) -> dict[str, Any]:
    """1,000 new articles into the largest warehouse: the next days of news (`recent`, as a
    scheduled run receives them), or spread over the corpus's whole period (a backfill)."""
    from flows.synth import DAYS, FIRST_DAY, write_corpus

    extra = root / f"corpus-{name}"
    if not (extra / "gold.jsonl").exists():
        if recent:  # the corpus's last two days and the day after
            write_corpus(1000, extra, seed, start=FIRST_DAY + timedelta(days=DAYS - 1),
                         days=2)
        else:
            write_corpus(1000, extra, seed)
    for path in (extra / "landing").iterdir():
        shutil.copy(path, landing / f"{name}_{path.name}")
    print(f"bench: incremental 1,000 ({name}) into {landing.parent.name}", file=sys.stderr)
    try:
        return _child(["--run", str(landing), str(run_root)])
    finally:
        for path in landing.glob(f"{name}_*"):
            path.unlink()


def machine() -> dict[str, str]:
    return {
        "cores": str(os.cpu_count()), "python": platform.python_version(),
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "system": platform.platform(),
        **{pkg: version(pkg) for pkg in ("duckdb", "prefect", "great-expectations", "pandas",
                                         "pyarrow")},
    }


def render(results: dict[str, Any], startup: float | None) -> str:
    lines = ["# Benchmarks", "",
             "Measured with `make bench` (`python -m flows.bench`), synthetic articles from "
             "`sitrep synth` (300 to 1,500 words each). Each step runs in its own process; "
             "peak RSS is that process's, and separately the largest of its worker processes "
             "(their VmHWM, sampled while they run).", "",
             "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()), "",
             "Stage columns are seconds. Articles are extracted while they are read, so "
             "`ingest + extract` holds both; `extract (rest)` and `load (rest)` are the extract "
             "step's leftovers (none on a fresh landing).", "",
             "| articles | floor s | end-to-end s | articles/s | x floor | ingest + extract | "
             "extract (rest) | load (rest) | build | validate | publish | "
             "peak RSS MB (main / workers) | Prefect flow s (no Data Docs) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for n, row in results["sizes"].items():
        p, f = row["plain"], row["floor"]
        st = p["stages"]
        flow = row.get("prefect", {}).get("seconds", "")
        lines.append(
            f"| {int(n):,} | {f['seconds']} | {p['seconds']} | "
            f"{int(int(n) / max(p['seconds'], 0.01)):,} | "
            f"{p['seconds'] / max(f['seconds'], 0.01):.1f} | "
            + " | ".join(str(st.get(k, "")) for k in ("ingest", "extract", "load", "build",
                                                       "validate", "publish"))
            + f" | {p['rss_mb']} / {p['workers_rss_mb']} | {flow} |")
    inc, back = results.get("incremental"), results.get("backfill")
    if inc:
        lines += ["", f"Incremental: 1,000 new articles (the last two days of the corpus and "
                      f"the day after, as a scheduled run receives them) into the largest "
                      f"warehouse: {inc['seconds']} s end to end (stages: {inc['stages']})."]
    if back:
        lines += ["", f"Backfill: then 1,000 articles spread over the corpus's whole period, "
                      f"so most days' events are grouped again: {back['seconds']} s "
                      f"(stages: {back['stages']})."]
    if startup is not None:
        lines += ["", f"Prefect's ephemeral API start-up (no server running), measured "
                      f"separately: {startup} s for a trivial flow."]
    lines += ["", "Profiles, and what is left to reach the targets: "
                  "[performance.md](performance.md)."]
    return "\n".join(lines) + "\n"


KEPT_HEADING = "\n## Hot spots"


def kept_sections(path: Path) -> str:
    """The hand-written part of the page (profiles, from its heading on), kept across runs."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    at = text.find(KEPT_HEADING)
    return text[at:] if at >= 0 else ""


def ephemeral_startup() -> float:
    code = ("import time;t=time.perf_counter()\nfrom prefect import flow\n@flow\ndef f():\n"
            " return 1\nf()\nprint(round(time.perf_counter()-t,2))")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=False)
    return float(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.bench")
    parser.add_argument("--floor", type=Path)
    parser.add_argument("--run", nargs=2, type=Path, metavar=("LANDING", "ROOT"))
    parser.add_argument("--prefect", action="store_true")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--prefect-sizes", default="1000,10000")
    parser.add_argument("--root", type=Path, default=REPO_ROOT / "warehouse" / "bench")
    parser.add_argument("--out", type=Path, default=DOC)
    args = parser.parse_args(argv)
    if args.floor:
        print(json.dumps(floor(args.floor)))
        return 0
    if args.run:
        from flows.cli import prefect_defaults

        prefect_defaults()
        print(json.dumps(timed_run(_settings(args.run[1], args.run[0]), args.prefect)))
        return 0
    sizes = [int(x) for x in args.sizes.split(",") if x]
    prefect_sizes = [int(x) for x in args.prefect_sizes.split(",") if x]
    startup = ephemeral_startup()
    server = None
    if prefect_sizes:
        from flows.cli import prefect_defaults
        from flows.server import ensure_server

        prefect_defaults()
        server = ensure_server()
        os.environ["PREFECT_API_URL"] = server.api_url
    try:
        results = bench(sizes, args.root, prefect_sizes)
    finally:
        if server is not None and server.started_here:
            server.stop()
    text = render(results, startup) + kept_sections(args.out)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
