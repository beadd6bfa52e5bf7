"""A local HTTP server for the feed tests (no tests in this module).

Serves the fixtures of tests/fixtures/feeds (with `{base}` replaced by the server's own
address) and endpoints that misbehave on purpose: slow, missing, redirecting, huge, failing
before they succeed. It answers conditional GETs with 304 and records every request (path and
headers) so tests can check what the client sent. It listens on a free port of 127.0.0.1 and
runs in a daemon thread; `stop()` shuts it down.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"
NEW_ITEMS_MARK = "<!-- new items -->"


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    conditional: bool = True  # send ETag / Last-Modified and answer 304 when they match
    delay: float = 0.0  # seconds before answering
    redirect: tuple[int, str] | None = None  # (status, location)
    fail_first: list[int] = field(default_factory=list)  # statuses to answer first, in turn
    status: int = 200
    stream_bytes: int = 0  # send this many bytes with no Content-Length
    last_modified: float = field(default_factory=lambda: 1_710_000_000.0)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class FeedServer:
    """Routes by path (the query string is ignored); every request is logged."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # ------------------------------------------------------------------ content

    def fixture(self, name: str) -> str:
        """A fixture file with `{base}` pointing at this server."""
        return (FIXTURES / name).read_text(encoding="utf-8").replace("{base}", self.base)

    def add(self, path: str, body: str | bytes = b"", **kw: Any) -> Route:
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(body=data, **kw)
        self.routes[path] = route
        return route

    def add_page(self, path: str, fixture: str) -> Route:
        return self.add(path, self.fixture(f"pages/{fixture}"))

    def add_feed(self, path: str, fixture: str, **kw: Any) -> Route:
        kind = "application/atom+xml" if fixture.endswith(".atom.xml") else "application/rss+xml"
        return self.add(path, self.fixture(fixture), content_type=kind, **kw)

    def add_item(self, path: str, fixture: str = "new-item.xml") -> None:
        """Put an item at the top of a served RSS feed (new ETag, later Last-Modified)."""
        route = self.routes[path]
        body = route.body.decode("utf-8").replace(
            NEW_ITEMS_MARK, NEW_ITEMS_MARK + "\n" + self.fixture(fixture), 1)
        route.body = body.encode("utf-8")
        route.last_modified += 3600

    # ------------------------------------------------------------------ requests seen

    def log(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def last(self, path: str) -> Request:
        return [r for r in self.requests if r.path == path][-1]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            server.log(Request(path, {k.lower(): v for k, v in self.headers.items()}))
            try:
                self._answer(server.routes.get(path))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout, size limit): expected

        def _answer(self, route: Route | None) -> None:
            if route is None:
                self.send_error(404, "Not Found")
                return
            if route.fail_first:
                self.send_error(route.fail_first.pop(0))
                return
            if route.delay:
                time.sleep(route.delay)
            if route.redirect:
                self.send_response(route.redirect[0])
                self.send_header("Location", route.redirect[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.status != 200:
                self.send_error(route.status)
                return
            if route.stream_bytes:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.end_headers()
                chunk = b"<p>" + b"x" * 65_536 + b"</p>\n"
                sent = 0
                while sent < route.stream_bytes:
                    self.wfile.write(chunk)
                    sent += len(chunk)
                return
            modified = formatdate(route.last_modified, usegmt=True)
            if route.conditional and self._not_modified(route, modified):
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            if route.conditional:
                self.send_header("ETag", route.etag)
                self.send_header("Last-Modified", modified)
            self.end_headers()
            self.wfile.write(route.body)

        def _not_modified(self, route: Route, modified: str) -> bool:
            etag = self.headers.get("If-None-Match")
            if etag is not None:
                return etag == route.etag
            return self.headers.get("If-Modified-Since") == modified

    return Handler
