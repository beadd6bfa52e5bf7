"""Helpers shared by the tests that start a real Prefect server (no tests in this module).

Every server these tests start listens on a free port of 127.0.0.1 and keeps its state in a
temporary PREFECT_HOME; every wait is bounded; every process started here is stopped by the
test's finaliser, including a server left behind by a command that was killed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flows.server import MARKER_NAME, is_up

REPO = Path(__file__).resolve().parent.parent
SITREP = [sys.executable, "-m", "flows.cli"]
PREFECT = [sys.executable, "-m", "prefect"]

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(home: Path, api_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of a command run against a test server (fast polling, no telemetry)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SITREP_", "PREFECT_API_URL", "PREFECT_HOME"))}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_RUNNER_POLL_FREQUENCY="2",
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5",
               PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="INFO", PYTHONUNBUFFERED="1", **extra)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def wait_until(check: Callable[[], T | None], timeout: float, what: str,
               every: float = 1.0) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class Proc:
    """A child process in a session of its own; a thread collects its output lines."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path = REPO) -> None:
        self.popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      text=True, start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float) -> str:
        """The first output line containing `text`; fails if the process ends first."""
        def seen() -> str | None:
            hit = next((line for line in self.lines if text in line), None)
            if hit is None and self.popen.poll() is not None:
                raise AssertionError(f"process exited {self.popen.returncode} before printing "
                                     f"{text!r}:\n{self.output}")
            return hit
        return wait_until(seen, timeout, f"{text!r} in the output of {self.popen.args}", 0.3)

    def terminate(self, timeout: float = 60.0, sig: int = signal.SIGTERM) -> int | None:
        """Signal the process itself (it stops its own children); None if it had to be killed.

        `sig=signal.SIGINT` is what Ctrl-C sends.
        """
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        self._reader.join(timeout=5)
        return self.popen.returncode

    def kill(self) -> None:
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)


def stop_leftover_server(home: Path) -> None:
    """Kill the server recorded in a PREFECT_HOME if it is still running (finaliser fallback)."""
    marker = home / MARKER_NAME
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    try:
        os.killpg(int(data["pid"]), signal.SIGKILL)
    except (ProcessLookupError, PermissionError, KeyError, ValueError):
        pass
    marker.unlink(missing_ok=True)


def api(base: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One call to the Prefect REST API: POST with a JSON body, or GET without one.

    Retried on 503, as Prefect's own client does: a busy server answers it when its
    database is locked, and the request did nothing."""
    data = json.dumps(body).encode() if body is not None else None
    for attempt in range(4):
        request = urllib.request.Request(f"{base}{path}", data=data,
                                         method="POST" if data else "GET",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or attempt == 3:
                raise
            time.sleep(1 + attempt)
    raise AssertionError("unreachable")


def flow_runs(base: str, deployment: str | None = None) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"sort": "START_TIME_ASC", "limit": 200}
    if deployment:
        body["deployments"] = {"name": {"any_": [deployment]}}
    return list(api(base, "/flow_runs/filter", body))


def artifacts(base: str, flow_run_id: str) -> dict[str, dict[str, Any]]:
    """The artifacts of one flow run, by key."""
    found = api(base, "/artifacts/filter",
                {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})
    return {a["key"]: a for a in found if a.get("key")}


def run_logs(base: str, flow_run_id: str) -> list[str]:
    found = api(base, "/logs/filter", {"logs": {"flow_run_id": {"any_": [flow_run_id]}},
                                       "limit": 200})
    return [str(entry["message"]) for entry in found]


def server_is_up(base: str) -> bool:
    return is_up(base, timeout=2.0)
