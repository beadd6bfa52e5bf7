"""The local Prefect server behind `sitrep serve` and `sitrep ui`.

Schedules need a real Prefect server: the ephemeral API that `sitrep run` starts on its own
registers deployments but never runs them. This module finds the server at the configured API
URL (`PREFECT_API_URL`, else http://127.0.0.1:4200/api), starts one there when none answers,
and stops the one it started.

A server started here writes `sitrep-server.json` into PREFECT_HOME. `sitrep run` reads it
(`adopt_running_server`) so that its runs go to that server, not to a second, ephemeral API
over the same database: every run, scheduled or by hand, lands in one history.
Standard library only, so the CLI can call it before Prefect is imported.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flows.settings import REPO_ROOT

DEFAULT_API_URL = "http://127.0.0.1:4200/api"
MARKER_NAME = "sitrep-server.json"
LOG_NAME = "server.log"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class ServerError(RuntimeError):
    """The Prefect server could not be started, or is not where it was said to be."""


def configured_api_url() -> str:
    """The API URL Prefect clients will use: `PREFECT_API_URL`, else the local default."""
    return (os.environ.get("PREFECT_API_URL") or DEFAULT_API_URL).rstrip("/")


def ui_url(api_url: str) -> str:
    """The UI's address for an API URL (the server serves both)."""
    return api_url.rstrip("/").removesuffix("/api")


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or REPO_ROOT / ".prefect").expanduser()


def is_up(api_url: str, timeout: float = 2.0) -> bool:
    """True when a Prefect API answers its health check at this URL."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as resp:
            return bool(resp.status == 200 and resp.read().strip() == b"true")
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class LocalServer:
    """A Prefect server this process uses; `process` is set only when this process started it."""

    api_url: str
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    marker: Path | None = None
    start_seconds: float = 0.0

    @property
    def started_here(self) -> bool:
        return self.process is not None

    @property
    def ui_url(self) -> str:
        return ui_url(self.api_url)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server if this process started it (its whole process group); else nothing."""
        if self.process is None:
            return
        _stop_group(self.process, timeout)
        self.process = None
        if self.marker is not None:
            self.marker.unlink(missing_ok=True)


def ensure_server(api_url: str | None = None, home: Path | None = None,
                  timeout: float = 120.0) -> LocalServer:
    """The server at `api_url` if one answers; otherwise start one there and wait for it."""
    url = (api_url or configured_api_url()).rstrip("/")
    if is_up(url):
        return LocalServer(url)
    return start_server(url, home or prefect_home(), timeout)


def start_server(api_url: str, home: Path, timeout: float = 120.0) -> LocalServer:
    """Start `prefect server start` on the URL's host and port; wait until it answers."""
    parts = urlsplit(api_url)
    host, port = parts.hostname or "", parts.port
    if host not in LOCAL_HOSTS or port is None:
        raise ServerError(f"no Prefect server answers at {api_url}, and only a server on this "
                          "machine with an explicit port (e.g. http://127.0.0.1:4200/api) can "
                          "be started here")
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / LOG_NAME
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    started = time.monotonic()
    with open(log_path, "ab") as log:
        # A session of its own: Ctrl-C in the terminal reaches `sitrep serve` first, which
        # stops its runs and then the server, in that order.
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", host,
             "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)
    server = LocalServer(api_url, process, log_path)
    deadline = started + timeout
    try:
        while not is_up(api_url, timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                why = (f"exited with code {process.returncode}" if process.poll() is not None
                       else f"did not answer within {timeout:.0f} s")
                raise ServerError(f"the Prefect server on {host}:{port} {why}; its log "
                                  f"({log_path}) ends with:\n{_tail(log_path)}")
            time.sleep(0.5)
    except BaseException:  # also Ctrl-C while waiting: never leave a server behind
        server.stop(timeout=10)
        raise
    server.start_seconds = round(time.monotonic() - started, 1)
    server.marker = write_marker(home, api_url, process.pid)
    return server


def write_marker(home: Path, api_url: str, pid: int) -> Path:
    """Record which server this PREFECT_HOME's runs should go to."""
    marker = home / MARKER_NAME
    marker.write_text(json.dumps({"api_url": api_url, "pid": pid}) + "\n", encoding="utf-8")
    return marker


def marked_server(home: Path | None = None) -> str | None:
    """The API URL of the live server recorded in PREFECT_HOME, if it still answers."""
    marker = (home or prefect_home()) / MARKER_NAME
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        url, pid = str(data["api_url"]), int(data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(pid) or not is_up(url, timeout=1.0):
        return None
    return url


def adopt_running_server() -> str | None:
    """Point this process at the project's running server, so runs join its history.

    Does nothing when `PREFECT_API_URL` is already set or no server of this PREFECT_HOME is
    running (the run then starts Prefect's ephemeral API, as before).
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    url = marked_server()
    if url:
        os.environ["PREFECT_API_URL"] = url
    return url


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the process group, then SIGKILL it if it has not exited in time."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # Children (uvicorn) may outlive the leader by a moment; stragglers get SIGKILL.
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace")
                         .splitlines()[-lines:])
    except OSError:
        return "(no log)"
