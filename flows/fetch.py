"""HTTP for feeds and pages: polite, bounded, conditional GETs with urllib.

Feeds and pages are fetched here, never by feedparser or trafilatura, so that every request
obeys the same rules:

- only `http` and `https` URLs are opened (a feed cannot make us read `file:///etc/passwd`);
- requests to one host are spaced by `delay_seconds` (counted from the end of the previous
  request to that host), through an injectable `sleep` and `clock` so tests never wait;
- `timeout_seconds` bounds the connection and each wait for data, and the whole response
  must arrive within `READ_DEADLINE_FACTOR` times that;
- a body above `max_bytes` is refused (`too_large`): reading stops there, nothing more is
  downloaded;
- redirects are followed by hand (at most `MAX_REDIRECTS`), each hop paced like any request;
- timeouts, dropped connections, 5xx, 408 and 429 are retried `retries` times with
  exponential backoff (`backoff_seconds`, doubled each time, or a short `Retry-After`);
  other 4xx, DNS failures and oversized bodies are not;
- an `ETag` / `Last-Modified` from the previous fetch is sent back (`If-None-Match`,
  `If-Modified-Since`), and a 304 is returned as such: nothing new.

Every failure is a `FetchError` with a short `kind` (the reject reason is `fetch_<kind>`) and
one readable sentence.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit, urlunsplit

DEFAULT_USER_AGENT = "sitrep/0.1 (+https://example.org/sitrep)"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({408, 429})  # besides every 5xx
MAX_REDIRECTS = 5
MAX_RETRY_AFTER_SECONDS = 60.0  # a server asking for a longer pause is not retried this run
READ_DEADLINE_FACTOR = 3
CHUNK = 64 * 1024
ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, "
          "text/html;q=0.9, application/xhtml+xml;q=0.9, text/xml;q=0.8, */*;q=0.5")
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga",
    "ocid", "cmpid", "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
})

Sleep = Callable[[float], None]
Clock = Callable[[], float]


@dataclass(frozen=True)
class Politeness:
    """How one source is fetched; `[defaults]` of sources.toml, overridable per source."""

    delay_seconds: float = 2.0
    timeout_seconds: float = 20.0
    max_bytes: int = 2_000_000
    retries: int = 2
    backoff_seconds: float = 2.0
    user_agent: str = DEFAULT_USER_AGENT


@dataclass(frozen=True)
class Validators:
    """What a server said about a URL's version, sent back to ask 'anything new?'."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Response:
    """A fetched body (status 2xx) or a 304 with an empty body."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    body: bytes
    content_type: str  # media type in lower case, without parameters ("" when not sent)
    charset: str | None
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A request that failed; `reason` is the reject reason, `detail` one sentence.

    `permanent` failures (4xx, too large, bad URL) will fail the same way next time; the
    others (timeouts, 5xx, connections, DNS) may not.
    """

    def __init__(self, kind: str, detail: str, *, retry: bool = False,
                 permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.retry = retry
        self.permanent = permanent
        self.retry_after = retry_after

    @property
    def reason(self) -> str:
        return f"fetch_{self.kind}"


class HostPacer:
    """Keeps `delay` seconds between the end of one request to a host and the next one."""

    def __init__(self, sleep: Sleep, clock: Clock) -> None:
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}

    def wait(self, host: str, delay: float) -> None:
        last = self._last.get(host)
        if last is None:
            return
        remaining = delay - (self._clock() - last)
        if remaining > 0:
            self._sleep(remaining)

    def done(self, host: str) -> None:
        self._last[host] = self._clock()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Turns a 3xx into an HTTPError so redirects are followed (and paced) by `Fetcher`."""

    def redirect_request(self, req: urllib.request.Request, fp: object, code: int, msg: str,
                         headers: Message, newurl: str) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    """http and https only: no file:, ftp: or data: handlers are installed."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    _NoRedirect(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


class Fetcher:
    """One run's HTTP client: pacing per host, retries, redirects, size and time limits."""

    def __init__(self, sleep: Sleep = time.sleep, clock: Clock = time.monotonic) -> None:
        self._sleep = sleep
        self._clock = clock
        self._opener = _opener()
        self.pacer = HostPacer(sleep, clock)
        self.requests = 0

    def get(self, url: str, politeness: Politeness,
            validators: Validators | None = None) -> Response:
        """The response for `url`, retried as the politeness allows; raises FetchError."""
        attempt = 0
        while True:
            try:
                return self._follow(url, politeness, validators)
            except FetchError as exc:
                if not exc.retry or attempt >= politeness.retries:
                    if attempt:
                        exc.detail = f"{exc.detail} (after {attempt + 1} attempts)"
                    raise
                wait = politeness.backoff_seconds * 2 ** attempt
                if exc.retry_after is not None:
                    if exc.retry_after > MAX_RETRY_AFTER_SECONDS:
                        raise
                    wait = max(wait, exc.retry_after)
                attempt += 1
                self._sleep(wait)

    def _follow(self, url: str, p: Politeness, validators: Validators | None) -> Response:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            check_url(current)
            status, headers, body = self._once(current, p, validators)
            if status in REDIRECT_CODES:
                location = headers.get("Location")
                if not location:
                    raise FetchError("http_error", f"{current} answered HTTP {status} (a "
                                     "redirect) without saying where to", permanent=True)
                current = urljoin(current, location.strip())
                continue
            content_type = headers.get_content_type() if headers.get("Content-Type") else ""
            return Response(
                url=url, final_url=current, status=status, body=body,
                content_type=content_type, charset=headers.get_content_charset(),
                validators=Validators(headers.get("ETag"), headers.get("Last-Modified")))
        raise FetchError("redirect", f"{url} redirected more than {MAX_REDIRECTS} times",
                         permanent=True)

    def _once(self, url: str, p: Politeness, validators: Validators | None,
              ) -> tuple[int, Message, bytes]:
        """One request: (status, headers, body); 3xx and 304 come back with an empty body."""
        host = urlsplit(url).netloc.lower()
        self.pacer.wait(host, p.delay_seconds)
        request = urllib.request.Request(url, headers=_request_headers(p, validators))
        self.requests += 1
        try:
            try:
                response = self._opener.open(request, timeout=p.timeout_seconds)
            except urllib.error.HTTPError as err:
                status, headers = err.code, err.headers
                err.close()
                if status == 304 or status in REDIRECT_CODES:
                    return status, headers, b""
                raise _http_error(url, status, err.reason, headers) from None
            with response:
                body = self._read(response, url, p)
                return int(response.status), response.headers, body
        except urllib.error.URLError as err:
            raise _network_error(url, err.reason, p) from None
        except (OSError, http.client.HTTPException) as err:
            raise _network_error(url, err, p) from None
        finally:
            self.pacer.done(host)

    def _read(self, response: http.client.HTTPResponse, url: str, p: Politeness) -> bytes:
        """The body, refused as soon as it is known to exceed `max_bytes`."""
        length = response.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) > p.max_bytes:
            raise _too_large(url, p.max_bytes, f"it announces {int(length):,} bytes")
        deadline = self._clock() + p.timeout_seconds * READ_DEADLINE_FACTOR
        chunks: list[bytes] = []
        total = 0
        while chunk := response.read(CHUNK):
            total += len(chunk)
            if total > p.max_bytes:
                raise _too_large(url, p.max_bytes, "reading stopped there")
            chunks.append(chunk)
            if self._clock() > deadline:
                raise FetchError("timeout", f"{url} was still arriving after "
                                 f"{p.timeout_seconds * READ_DEADLINE_FACTOR:g} s", retry=True)
        return b"".join(chunks)


def _request_headers(p: Politeness, validators: Validators | None) -> dict[str, str]:
    headers = {"User-Agent": p.user_agent, "Accept": ACCEPT}
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers


def _too_large(url: str, max_bytes: int, how: str) -> FetchError:
    return FetchError("too_large", f"{url} is larger than the limit of {max_bytes:,} bytes "
                      f"({how})", permanent=True)


def _http_error(url: str, status: int, reason: str, headers: Message) -> FetchError:
    retry = status >= 500 or status in RETRY_CODES
    return FetchError("http_error", f"{url} answered HTTP {status} {reason}".rstrip(),
                      retry=retry, permanent=not retry, retry_after=_retry_after(headers))


def _retry_after(headers: Message) -> float | None:
    value = (headers.get("Retry-After") or "").strip()
    return float(value) if value.isdigit() else None


def _network_error(url: str, reason: object, p: Politeness) -> FetchError:
    """Classify what the socket layer said: timeout, DNS, TLS or connection."""
    if isinstance(reason, TimeoutError):
        return FetchError("timeout", f"{url} did not answer within {p.timeout_seconds:g} s",
                          retry=True)
    if isinstance(reason, socket.gaierror):
        host = urlsplit(url).hostname
        return FetchError("dns", f"the host name {host} of {url} could not be resolved "
                          f"({reason.strerror or reason})")
    if isinstance(reason, ssl.SSLError):
        return FetchError("connection", f"the TLS connection to {url} failed ({reason})")
    if isinstance(reason, OSError):
        what = reason.strerror or type(reason).__name__
        return FetchError("connection", f"the connection to {url} failed ({what})", retry=True)
    if isinstance(reason, http.client.HTTPException):
        return FetchError("connection", f"{url} sent a broken HTTP response "
                          f"({type(reason).__name__})", retry=True)
    return FetchError("connection", f"the connection to {url} failed ({reason})", retry=True)


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL with a host name."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise FetchError("bad_url", f"{url!r} is not an http(s) URL; it was not opened",
                         permanent=True)


def canonical_url(url: str) -> str:
    """The URL items are remembered by: no fragment, no tracking parameters, no default port.

    Scheme and host are lower-cased; the path and the other parameters are kept as written
    (their order and encoding too), so two links to one article compare equal.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    kept = [piece for piece in parts.query.split("&")
            if piece and not _tracking(piece.split("=", 1)[0])]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def _tracking(key: str) -> bool:
    name = key.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)
