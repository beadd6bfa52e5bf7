"""Fault injection: the test hook each stage calls, so crash-safety tests can kill a run there.

The pipeline calls `checkpoint(stage)` when a stage starts. Unless `SITREP_FAULT` is set this
is two dictionary look-ups and nothing else. When it names the stage, the hook acts once per
process:

- `STAGE:kill:SECONDS` sends SIGKILL to the running process SECONDS after the stage starts
  (0: at once), the way a power cut or the OOM killer would end it: no cleanup runs;
- `STAGE:sleep:SECONDS` pauses the run there (to line up concurrent runs);
- `STAGE:hold:PATH` pauses the run while PATH exists (a test releases it by deleting PATH).

With `SITREP_FAULT_MARKS=FILE` every checkpoint appends `stage monotonic-seconds` to FILE, so
a harness can time the stages of a clean run and tell where a kill landed.

The stages, in run order: `ingest` (discovery and the raw load), `extract` (each batch),
`load` (staging), `build` (the candidate file), `validate` (the quality gate), `publish`
(transparency tables, checkpoint of the candidate) and `swap` (the candidate is complete and
synced; the next step renames it over the published file). The harness that uses the hook is
`flows.fault_harness` (`make faults`).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

FAULT_ENV = "SITREP_FAULT"
MARKS_ENV = "SITREP_FAULT_MARKS"
STAGES: tuple[str, ...] = ("ingest", "extract", "load", "build", "validate", "publish", "swap")
ACTIONS: tuple[str, ...] = ("kill", "sleep", "hold")


def active() -> bool:
    """True when a fault is planned or checkpoints are being timed (the fault harness)."""
    return bool(os.environ.get(FAULT_ENV) or os.environ.get(MARKS_ENV))


@dataclass(frozen=True)
class Fault:
    stage: str
    action: str
    argument: str

    @property
    def seconds(self) -> float:
        return float(self.argument)


def parse_fault(spec: str) -> Fault:
    """`STAGE:ACTION:ARGUMENT` as a Fault; a malformed spec raises ValueError (a test bug)."""
    parts = spec.split(":", 2)
    if len(parts) != 3 or parts[0] not in STAGES or parts[1] not in ACTIONS:
        raise ValueError(f"{FAULT_ENV}={spec!r}: expected STAGE:ACTION:ARGUMENT with STAGE in "
                         f"{', '.join(STAGES)} and ACTION in {', '.join(ACTIONS)}")
    fault = Fault(*parts)
    if fault.action != "hold":
        fault.seconds  # noqa: B018 -- validates the number now, not at the stage
    return fault


_fired: set[str] = set()


def checkpoint(stage: str) -> None:
    """Called by each stage as it starts; acts only when the environment asks for a fault."""
    marks = os.environ.get(MARKS_ENV)
    if marks:
        with open(marks, "a", encoding="utf-8") as fh:
            fh.write(f"{stage} {time.monotonic():.6f}\n")
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    fault = parse_fault(spec)
    if fault.stage != stage or spec in _fired:
        return
    _fired.add(spec)
    if fault.action == "kill":
        if fault.seconds <= 0:
            os.kill(os.getpid(), signal.SIGKILL)
        timer = threading.Timer(fault.seconds, os.kill, (os.getpid(), signal.SIGKILL))
        timer.daemon = True
        timer.start()
    elif fault.action == "sleep":
        time.sleep(fault.seconds)
    else:
        hold = Path(fault.argument)
        while hold.exists():
            time.sleep(0.05)


def read_marks(path: Path) -> list[tuple[str, float]]:
    """The (stage, monotonic time) marks a run wrote, in order; none when the file is absent."""
    if not path.exists():
        return []
    marks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stage, _, at = line.partition(" ")
        if stage and at:
            marks.append((stage, float(at)))
    return marks
