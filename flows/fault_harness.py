"""`make faults`: kill pipeline runs with SIGKILL at every stage, rerun, compare with a clean run.

Set-up: a landing folder split in two. Batch A is run and published once; that state (work
database, published file, landing folder) is the template every trial starts from. A clean
run over A + B gives the reference warehouse. Each trial copies the template, adds batch B,
starts a run in a child process and has it killed with SIGKILL (through the `SITREP_FAULT`
hook of `flows.faults`) a chosen time after a stage starts; the delays are spread over the
stage's duration as measured in the clean run, so the kills land at different points of it.
Random trials instead kill the child from outside at a random moment of the whole run.

After the kill the published file must be the previous warehouse (A) or the new one (B), never
anything in between ("half-published"). Then the run is repeated without a fault, and the
published warehouse must equal the clean one, table by table and key by key: rows of the clean
run missing are "lost" (so is a landing file no longer accounted for), extra or repeated keys
anywhere, published or in the work database, are "duplicated", and rows under the same key
with other values are "changed". Leftover candidate files or scratch folders are counted too.

Children are forked from a forkserver that has already imported the pipeline, the extractor
and Great Expectations, so a trial costs the run itself, not seconds of imports.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from flows.faults import FAULT_ENV, MARKS_ENV, STAGES, read_marks
from flows.settings import REPO_ROOT, Settings, load_settings

# Published tables compared between runs, with the columns that identify a row.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "dim_article": ("article_key",),
    "dim_date": ("date_key",),
    "dim_location": ("location_key",),
    "dim_actor": ("actor_key",),
    "dim_weapon": ("weapon_key",),
    "fact_strike": ("strike_key",),
    "fact_casualty": ("casualty_key",),
    "fact_production": ("production_key",),
    "fact_aid_pledge": ("pledge_key",),
    "rejects": ("source_file", "file_sha256", "line", "reason"),
    "quarantine": ("table_name", "check_name", "row_key"),
    "landing_files": ("file_sha256", "file_name"),
}
# Columns that differ between two runs over the same input by design (times, run ids).
VOLATILE = frozenset({"ingested_at", "run_id", "rejected_at", "quarantined_at", "checked_at",
                      "loaded_at"})
# Work-database tables whose keys must stay unique whatever happens to a run.
WORK_UNIQUE: dict[str, str] = {
    "raw.article": "content_sha256",
    "raw.landing_file": "file_sha256, file_name",
    "raw.reject": "coalesce(file_sha256, ''), coalesce(source_file, ''), "
                  "coalesce(line, -1), reason",
    "staging.article_extraction": "article_key, extractor_version",
    "staging.strike": "strike_key",
    "staging.casualty": "casualty_key",
    "staging.production": "production_key",
    "staging.aid_pledge": "pledge_key",
}
BATCH_SIZE = 3  # several extraction batches, so a kill can fall between two of them
# Where in a stage's measured duration the kills fall: the first at its very start, the last
# well before its end, so a run that happens to go faster than the clean one still dies in it.
FRACTIONS = (0.0, 0.15, 0.3, 0.45, 0.6)
MAX_JITTER = 0.1
RETRIES = 3  # extra tries, each with half the delay, when a kill lands past its stage


# --------------------------------------------------------------------------- snapshots

Rows = dict[tuple[Any, ...], tuple[Any, ...]]


@dataclass
class Snapshot:
    """A published file's rows per table, keyed; `repeated` counts keys seen twice."""

    tables: dict[str, Rows]
    repeated: int = 0


def snapshot(path: Path) -> Snapshot:
    """Read every compared table of a published file (raises when it cannot be opened)."""
    tables: dict[str, Rows] = {}
    repeated = 0
    with duckdb.connect(str(path), read_only=True) as con:
        present = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        for table, key in TABLE_KEYS.items():
            rows: Rows = {}
            if table in present:
                cur = con.execute(f"select * from {table}")  # names from TABLE_KEYS only
                names = [d[0] for d in cur.description or []]
                key_at = [names.index(k) for k in key]
                keep = [i for i, n in enumerate(names) if n not in VOLATILE]
                for row in cur.fetchall():
                    k = tuple(row[i] for i in key_at)
                    if k in rows:
                        repeated += 1
                    rows[k] = tuple(row[i] for i in keep)
            tables[table] = rows
    return Snapshot(tables, repeated)


@dataclass(frozen=True)
class Difference:
    lost: int  # rows of the reference missing
    extra: int  # rows the reference does not have
    changed: int  # same key, other values

    @property
    def none(self) -> bool:
        return self.lost == self.extra == self.changed == 0


def compare(reference: Snapshot, got: Snapshot) -> Difference:
    lost = extra = changed = 0
    for table, ref_rows in reference.tables.items():
        rows = got.tables.get(table, {})
        lost += sum(1 for k in ref_rows if k not in rows)
        extra += sum(1 for k in rows if k not in ref_rows)
        changed += sum(1 for k, v in rows.items() if k in ref_rows and ref_rows[k] != v)
    return Difference(lost, extra + got.repeated, changed)


def work_duplicates(work_db: Path) -> int:
    """Keys held twice in the work database (raw ledger, articles, rejects, staged facts)."""
    total = 0
    with duckdb.connect(str(work_db), read_only=True) as con:
        for table, key in WORK_UNIQUE.items():
            row = con.execute(
                f"select count(*) - count(distinct ({key})) from {table}").fetchone()
            total += int(row[0]) if row else 0
    return total


def leftovers(settings: Settings) -> list[str]:
    """Files a finished run should not leave: a candidate, its WAL, batch scratch folders."""
    found = [p.name for p in (settings.next_path, Path(str(settings.next_path) + ".wal"))
             if p.exists()]
    scratch = settings.state_dir / ".sitrep-batches"
    if scratch.is_dir():
        found += [f"{scratch.name}/{p.name}" for p in scratch.iterdir()]
    return found


# --------------------------------------------------------------------------- child runs


def _child(landing: str, warehouse: str, fault: str | None, marks: str | None) -> None:
    """One pipeline run in a forked child; exit 0 published, 1 otherwise, 3 lock busy."""
    from flows.pipeline import run_pipeline
    from flows.publish import LockBusy

    logging.getLogger("sitrep").addHandler(logging.NullHandler())
    logging.getLogger("sitrep").propagate = False
    for name, value in ((FAULT_ENV, fault), (MARKS_ENV, marks)):
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)
    settings = replace(load_settings().with_overrides(Path(landing), Path(warehouse)),
                       batch_size=BATCH_SIZE)
    try:
        summary = run_pipeline(settings)
    except LockBusy:
        os._exit(3)
    if marks:  # the end of the run itself, before the process winds down
        with open(marks, "a", encoding="utf-8") as fh:
            fh.write(f"done {time.monotonic():.6f}\n")
    os._exit(0 if summary.status == "published" else 1)


class Runner:
    """Starts pipeline runs in children forked from a pre-loaded forkserver."""

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(
            ["flows.pipeline", "flows.validate", "flows.extract.article",
             "great_expectations", "flows.fault_harness"])

    def run(self, settings: Settings, fault: str | None = None, marks: Path | None = None,
            kill_after: float | None = None, timeout: float = 300.0) -> tuple[int, float]:
        """Exit code (-9 when killed) and the monotonic time the child was seen to end."""
        from flows import fault_harness  # `_child` by its importable name, also under -m

        proc = self._ctx.Process(target=fault_harness._child, args=(
            str(settings.landing_dir), str(settings.warehouse_path), fault,
            str(marks) if marks else None))
        proc.start()
        if kill_after is not None:
            proc.join(kill_after)
            if proc.exitcode is None:
                proc.kill()
        proc.join(timeout)
        if proc.exitcode is None:
            proc.kill()
            proc.join()
            raise TimeoutError(f"a pipeline run did not finish within {timeout:.0f} s")
        return int(proc.exitcode), time.monotonic()


# --------------------------------------------------------------------------- trials


@dataclass
class Trial:
    stage: str  # the stage the kill was aimed at, or "random"
    delay: float  # seconds after the stage started (after the run started, for "random")
    killed: bool = False
    landed: str = ""  # the last stage the run had reached when it died
    lost: int = 0
    duplicated: int = 0
    half_published: int = 0
    changed: int = 0
    leftovers: int = 0
    seconds: float = 0.0
    error: str = ""

    @property
    def clean(self) -> bool:
        return self.killed and not (self.lost or self.duplicated or self.half_published
                                    or self.changed or self.leftovers or self.error)


@dataclass
class Setup:
    """The template state (batch A published), batch B, and the clean reference (A + B)."""

    root: Path
    template: Path
    batch_b: list[Path]
    before: Snapshot
    after: Snapshot
    windows: dict[str, tuple[float, float]] = field(default_factory=dict)

    def settings(self, folder: Path) -> Settings:
        return load_settings().with_overrides(folder / "landing",
                                              folder / "wh" / "warehouse.duckdb")


def _split_corpus(corpus: Path) -> tuple[list[Path], list[Path]]:
    files = sorted(p for p in corpus.iterdir() if p.is_file() and not p.name.startswith("."))
    if len(files) < 4:
        raise ValueError(f"{corpus} needs at least four article files for two batches")
    half = len(files) // 2
    return files[:half], files[half:]


def _add_bad_inputs(landing: Path) -> None:
    """A few rejects in batch B, so the rejects table is part of every comparison."""
    (landing / "zz_empty.txt").write_bytes(b"")
    (landing / "zz_feed.jsonl").write_text(
        '{"id": "k1", "text": "Kyiv, March 3 - Air defence units shot down 14 drones over '
        'the capital region overnight, the city administration said."}\n'
        '{"id": "k2", "text": "unterminated\n', encoding="utf-8")


def prepare(root: Path, runner: Runner, corpus: Path) -> Setup:
    """Publish batch A as the template, then time a clean run over A + B as the reference."""
    batch_a, batch_b = _split_corpus(corpus)
    template = root / "template"
    (template / "landing").mkdir(parents=True)
    for path in batch_a:
        shutil.copy2(path, template / "landing" / path.name)
    setup = Setup(root, template, batch_b, Snapshot({}), Snapshot({}))
    code, _ = runner.run(setup.settings(template))
    if code != 0:
        raise RuntimeError(f"the template run over batch A failed (exit {code})")
    setup.before = snapshot(setup.settings(template).warehouse_path)

    clean = _trial_folder(setup, "clean")
    marks = clean / "marks"
    code, ended = runner.run(setup.settings(clean), marks=marks)
    if code != 0:
        raise RuntimeError(f"the clean run over batches A + B failed (exit {code})")
    setup.after = snapshot(setup.settings(clean).warehouse_path)
    setup.windows = _stage_windows(read_marks(marks), ended)
    missing = [s for s in STAGES if s not in setup.windows]
    if missing:
        raise RuntimeError(f"the clean run never reached stage(s) {', '.join(missing)}")
    return setup


def _trial_folder(setup: Setup, name: str) -> Path:
    folder = setup.root / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(setup.template, folder, symlinks=True)
    for path in setup.batch_b:
        shutil.copy2(path, folder / "landing" / path.name)
    _add_bad_inputs(folder / "landing")
    return folder


def _stage_windows(marks: list[tuple[str, float]], ended: float
                   ) -> dict[str, tuple[float, float]]:
    """(start, duration) of each stage: from its first mark to the next stage's first mark
    (the last stage ends at the child's `done` mark, or when the child was seen to exit)."""
    firsts: list[tuple[str, float]] = []
    for stage, at in marks:
        if stage not in {s for s, _ in firsts}:
            firsts.append((stage, at))
    windows = {}
    for i, (stage, at) in enumerate(firsts):
        if stage == "done":
            break
        end = firsts[i + 1][1] if i + 1 < len(firsts) else ended
        windows[stage] = (at, max(end - at, 0.0))
    return windows


def delays_for(setup: Setup, stage: str, n: int, rng: random.Random) -> list[float]:
    """n kill delays spread over the stage's measured duration; the first kills at once."""
    _, duration = setup.windows[stage]
    out = []
    for i in range(n):
        base = FRACTIONS[i] if n <= len(FRACTIONS) else 0.7 * i / n
        jitter = 0.0 if i == 0 else rng.uniform(0.0, MAX_JITTER)
        out.append(round((base + jitter) * duration, 4))
    return out


def run_trial(setup: Setup, runner: Runner, index: int, stage: str, delay: float) -> Trial:
    """Kill one run (at `stage` + `delay`, or at `delay` into the run for "random"), rerun,
    and count what was lost, duplicated, half-published, changed or left behind."""
    trial = Trial(stage, delay)
    started = time.monotonic()
    folder = _trial_folder(setup, f"trial-{index:03d}")
    settings = setup.settings(folder)
    marks = folder / "marks"
    try:
        if stage == "random":
            code, _ = runner.run(settings, marks=marks, kill_after=delay)
        else:
            code, _ = runner.run(settings, fault=f"{stage}:kill:{delay}", marks=marks)
        trial.killed = code == -signal.SIGKILL
        reached = [stage for stage, _ in read_marks(marks) if stage != "done"]
        trial.landed = reached[-1] if reached else "start"
        trial.half_published = _half_published(setup, settings.warehouse_path)
        code, _ = runner.run(settings)
        if code != 0:
            trial.error = f"the rerun exited {code}"
        final = snapshot(settings.warehouse_path)
        diff = compare(setup.after, final)
        trial.lost = diff.lost + len(_unaccounted(settings))
        trial.duplicated = diff.extra + work_duplicates(settings.work_db_path)
        trial.changed = diff.changed
        trial.leftovers = len(leftovers(settings))
    except Exception as exc:  # a trial that cannot be judged is reported, not hidden
        trial.error = f"{type(exc).__name__}: {exc}"
    trial.seconds = round(time.monotonic() - started, 2)
    shutil.rmtree(folder, ignore_errors=True)
    return trial


def _half_published(setup: Setup, live: Path) -> int:
    """1 when the published file right after the kill is neither the old nor the new one."""
    try:
        seen = snapshot(live)
    except (duckdb.Error, OSError):
        return 1
    return 0 if compare(setup.before, seen).none or compare(setup.after, seen).none else 1


def _unaccounted(settings: Settings) -> list[str]:
    from flows.status import read_status

    status = read_status(settings.warehouse_path, settings.landing_dir)
    pending = status.landing.pending if status.landing else []
    return [*status.files_unaccounted, *pending]


def run_faults(root: Path, stages: Sequence[str] = STAGES, per_stage: int = 5,
               random_kills: int = 0, seed: int = 7, corpus: Path | None = None,
               progress: Callable[[Trial], None] | None = None) -> list[Trial]:
    """Every trial of a fault campaign, in order (see the module docstring)."""
    runner = Runner()
    setup = prepare(root, runner, corpus or REPO_ROOT / "samples" / "landing")
    rng = random.Random(seed)
    plan = [(stage, d) for stage in stages for d in delays_for(setup, stage, per_stage, rng)]
    total = sum(duration for _, duration in setup.windows.values())
    plan += [("random", round(rng.uniform(0.0, total), 4)) for _ in range(random_kills)]
    trials: list[Trial] = []
    for stage, delay in plan:
        # A stage can run faster than it did in the clean run; a kill that lands past it is
        # kept (it is a crash like any other) and the stage is tried again, sooner.
        for attempt in range(RETRIES + 1):
            trial = run_trial(setup, runner, len(trials) + 1, stage, delay / 2 ** attempt)
            trials.append(trial)
            if progress:
                progress(trial)
            if stage == "random" or trial.landed == stage or not trial.killed:
                break
    return trials


# --------------------------------------------------------------------------- report

COLUMNS = ("stage", "runs", "killed", "lost", "duplicated", "half-published", "changed",
           "leftovers", "errors", "kills landed in")


def table(trials: Sequence[Trial]) -> str:
    """The per-stage table `make faults` prints, with a total line."""
    groups: dict[str, list[Trial]] = {}
    for t in trials:
        groups.setdefault(t.stage, []).append(t)
    rows = [_row(stage, ts) for stage, ts in groups.items()]
    rows.append(_row("total", list(trials), landed=False))
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in rows)) for i in range(len(COLUMNS))]
    fmt = "  ".join(f"{{:<{w}}}" if i in (0, len(COLUMNS) - 1) else f"{{:>{w}}}"
                    for i, w in enumerate(widths))
    lines = [fmt.format(*COLUMNS), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*r) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _row(stage: str, trials: list[Trial], landed: bool = True) -> list[str]:
    where: dict[str, int] = {}
    for t in trials:
        where[t.landed] = where.get(t.landed, 0) + 1
    return [stage, str(len(trials)), str(sum(t.killed for t in trials)),
            str(sum(t.lost for t in trials)), str(sum(t.duplicated for t in trials)),
            str(sum(t.half_published for t in trials)), str(sum(t.changed for t in trials)),
            str(sum(t.leftovers for t in trials)), str(sum(bool(t.error) for t in trials)),
            ", ".join(f"{k} {v}" for k, v in where.items()) if landed else ""]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.fault_harness",
        description="Kill pipeline runs with SIGKILL at every stage and check the warehouse.")
    parser.add_argument("--per-stage", type=int, default=5, help="kills per stage (default 5)")
    parser.add_argument("--stages", default=",".join(STAGES),
                        help=f"comma-separated stages (default {','.join(STAGES)})")
    parser.add_argument("--random", type=int, default=5, dest="random_kills",
                        help="extra kills at random moments of a whole run (default 5)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT / "samples" / "landing",
                        help="folder of article files, split in two batches")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    stages = [s for s in args.stages.split(",") if s]
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(unknown)}")
    root = args.keep or Path(tempfile.mkdtemp(prefix="sitrep-faults-"))
    root.mkdir(parents=True, exist_ok=True)

    def show(t: Trial) -> None:
        verdict = "ok" if t.clean else "FAIL"
        print(f"  {t.stage:<9} kill at +{t.delay:.3f}s -> died in {t.landed or '?':<9} "
              f"{verdict} ({t.seconds:.1f}s){' ' + t.error if t.error else ''}",
              file=sys.stderr, flush=True)

    try:
        trials = run_faults(root, stages, args.per_stage, args.random_kills, args.seed,
                            args.corpus, progress=show)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(table(trials))
    ok = all(t.clean for t in trials)
    print(f"\n{sum(t.killed for t in trials)} killed runs: "
          + ("0 lost, 0 duplicated, 0 half-published" if ok else "FAILURES, see above"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
