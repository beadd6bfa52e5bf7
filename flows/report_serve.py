"""The report after a publish, and a small HTTP server so the Prefect UI can link to it.

Browsers do not follow `file://` links from an http page such as the Prefect UI, so while
`sitrep serve` runs it also serves the warehouse folder's `reports/` and `data_docs/` (and
nothing else: not the database files) on 127.0.0.1, port `SITREP_REPORTS_PORT` (default
4280, or a free port when that one is taken). It announces itself to the runs it starts
through `SITREP_REPORTS_URL` and `SITREP_REPORTS_ROOT`; a run then links its report over
http, and otherwise gives the file's path.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

log = logging.getLogger("sitrep.report")

DEFAULT_PORT = 4280
HOST = "127.0.0.1"
SERVED = ("reports", "data_docs")  # the only folders of the warehouse folder served
URL_ENV, ROOT_ENV, PORT_ENV = "SITREP_REPORTS_URL", "SITREP_REPORTS_ROOT", "SITREP_REPORTS_PORT"
ARTIFACT_KEY = "sitrep-report"


# ------------------------------------------------------------------ the server


class _Handler(SimpleHTTPRequestHandler):
    """Static files under `reports/` and `data_docs/` only; `/` goes to the latest report."""

    def _allowed(self) -> bool:
        parts = [p for p in unquote(urlsplit(self.path).path).split("/") if p]
        return bool(parts) and parts[0] in SERVED and ".." not in parts and not any(
            p.startswith(".") for p in parts)

    def do_GET(self) -> None:  # noqa: N802 -- the http.server hook name
        if urlsplit(self.path).path == "/":
            self.send_response(302)
            self.send_header("Location", "/reports/latest.html")
            self.end_headers()
            return
        if not self._allowed():
            self.send_error(404)
            return
        super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if not self._allowed():
            self.send_error(404)
            return
        super().do_HEAD()

    def list_directory(self, path: str | os.PathLike[str]) -> Any:
        self.send_error(404)  # no folder listings
        return None

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the console is the
        log.debug(format, *args)  # service's


@dataclass
class ReportServer:
    """A running report server; `stop()` shuts it down and withdraws its announcement."""

    httpd: ThreadingHTTPServer
    thread: threading.Thread
    root: Path

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
        if os.environ.get(URL_ENV) == self.url:
            os.environ.pop(URL_ENV, None)
            os.environ.pop(ROOT_ENV, None)


def configured_port() -> int:
    value = os.environ.get(PORT_ENV)
    return int(value) if value else DEFAULT_PORT


def start_report_server(state_dir: Path, port: int | None = None,
                        announce: bool = True) -> ReportServer:
    """Serve `state_dir/reports` and `state_dir/data_docs` on 127.0.0.1 from a thread.

    When the port is taken, any free port is used instead. With `announce`, the URL goes into
    this process's environment, which the runs it starts inherit.
    """
    root = Path(state_dir).resolve()
    handler = partial(_Handler, directory=str(root))
    wanted = configured_port() if port is None else port
    try:
        httpd = ThreadingHTTPServer((HOST, wanted), handler)
    except OSError:
        httpd = ThreadingHTTPServer((HOST, 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="sitrep-reports", daemon=True)
    thread.start()
    server = ReportServer(httpd, thread, root)
    if announce:
        os.environ[URL_ENV] = server.url
        os.environ[ROOT_ENV] = str(root)
    return server


def served_url(path: Path) -> str | None:
    """The http URL of a file under the announced server's root, or None when not served."""
    base, root = os.environ.get(URL_ENV), os.environ.get(ROOT_ENV)
    if not base or not root:
        return None
    try:
        relative = Path(path).resolve().relative_to(Path(root))
    except ValueError:
        return None
    if not relative.parts or relative.parts[0] not in SERVED:
        return None
    return f"{base.rstrip('/')}/{relative.as_posix()}"


# ------------------------------------------------------------------ after a publish


def _logger() -> Any:
    """The run's logger inside a Prefect run (so warnings reach the UI), else this module's."""
    try:
        from prefect import get_run_logger

        return get_run_logger()
    except Exception:
        return log


def report_section(warehouse_path: str | Path, run_id: str, artifacts: bool) -> str:
    """Build the report of a published run; the markdown section that links it ('' if none).

    Never raises: the warehouse is already published, so a report that cannot be built is a
    warning in the run's log, not a failed run. With `artifacts` (inside the flow), also
    leaves a link artifact when the report server is up.
    """
    from flows.report import build_report

    logger = _logger()
    try:
        latest = build_report(Path(warehouse_path), run_id=run_id)
    except Exception as exc:
        logger.warning("the HTML report was not built: %s: %s", type(exc).__name__, exc)
        return ""
    page = latest.parent / "runs" / f"{run_id}.html"
    url = served_url(page)
    logger.info("report: %s", url or page)
    if artifacts and url:
        try:
            from prefect.artifacts import create_link_artifact

            create_link_artifact(link=url, link_text=f"Sitrep report of run {run_id}",
                                 key=ARTIFACT_KEY, description=f"Sitrep report {run_id}")
        except Exception as exc:  # the link is a convenience; the page is written
            logger.warning("could not write the report link artifact: %s", exc)
    lines = ["", "## Report", ""]
    if url:
        latest_url = served_url(latest)
        lines += [f"HTML report of this run: [{url}]({url}); the latest: "
                  f"[{latest_url}]({latest_url})", ""]
    lines += [f"Report file: `{page}` (the latest: `{latest}`)", ""]
    return "\n".join(lines)
