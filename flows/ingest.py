"""Ingest stage: files in the landing folder become raw articles, or rejects with a reason.

Pure functions over the file system, with no Prefect and no DuckDB, so the loader and the flow
can wrap them thinly and tests can call them directly. Bad input never raises: every problem
becomes a `Reject` with a short stable `reason` code and one readable sentence.

Discovery (`discover`) walks the landing folder recursively and sorts by name. Hidden entries
(a leading dot, files or folders) and files still being written (`.part`, `.tmp`,
`.crdownload`, `.partial`, a trailing `~`) are skipped silently: they are not input yet. A
symlink is followed only when its target lies inside the landing folder; a link to a folder is
not walked (its files are reached at their real place), a link leading outside is rejected
unread. Sockets, pipes and devices are rejected unopened. A landing folder that is missing, not
a folder or cannot be listed is a configuration error and raises `LandingUnavailable`.

A file still being written is not read half-way: `read_settled` returns None (the file is left
for the next run, with no ledger row and no reject) when the file's bytes, size or mtime differ
from what discovery saw, and `changing_files` re-checks recently modified files after a short
pause so a writer that is still appending is caught before anything is read.

Decoding: a UTF-8, UTF-16 or UTF-32 byte-order mark decides the encoding. Without one, bytes
holding NUL or more than 1% control characters are `not_text`. Otherwise the text must be
strict UTF-8; an HTML page may instead declare its charset in a `<meta>` tag. Invalid UTF-8
is then read as cp1252 (the usual encoding of Western text saved by older tools) only when
that decoding is lossless (cp1252 leaves five byte values undefined; any of them fails it) and
plausible: at least 70% of the non-space characters are ASCII and every other one is a letter
or common typographic punctuation (curly quotes, dashes, the euro sign ...). Anything else is
`invalid_encoding`; Cyrillic text in a legacy code page, for example, is not guessed at.
JSON Lines files are UTF-8 by definition: without a byte-order mark, each line is decoded on
its own and a line that is not UTF-8 is an `invalid_encoding` reject while the others load.

Text is normalised by `normalise_text`, and `content_sha256` hashes that normalised text, so a
story saved twice has one key for the loader to deduplicate on. A text with a line longer than
`MAX_LINE_CHARS` is not prose (a dump, a minified page) and is rejected as `line_too_long`
before the extractor spends seconds on it. Dates and other metadata follow
`flows.ingest_formats`.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
import time
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from flows.ingest_formats import (
    Metadata,
    MetadataError,
    check_metadata,
    clean_value,
    read_html,
    split_front_matter,
    text_published_at,
)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")
CHUNK = 1024 * 1024
MAX_CONTROL_SHARE = 0.01
MIN_ASCII_SHARE = 0.7
MAX_LINE_CHARS = 100_000  # a longer line is not prose; ~15,000 words without a break
SETTLE_PAUSE = 0.25  # seconds between two looks at a recently modified file
SETTLE_WINDOW = 5.0  # files modified less than this long ago get the second look


class LandingUnavailable(NotADirectoryError):
    """The landing folder is missing, not a folder, or cannot be listed: nothing can be read."""


@dataclass(frozen=True)
class LandingFile:
    path: Path  # absolute
    name: str  # path relative to the landing folder, POSIX style
    size: int
    sha256: str | None  # of the file bytes; None until read when discovery did not hash it
    mtime_ns: int | None = None  # at discovery; a file that changes after it is not read


@dataclass(frozen=True)
class RawArticle:
    article_id: str  # the file name, or "name#ID" for a JSON Lines article
    content_sha256: str  # sha256 of the normalised text: the dedup key
    text: str  # normalised article text (what offsets point into)
    title: str | None
    url: str | None
    source: str | None
    published_at: datetime | None  # naive, as written; date-only -> midnight
    language: str | None  # from metadata if given (lower-case ISO 639-1), else None
    source_file: str  # LandingFile.name
    file_sha256: str


@dataclass(frozen=True)
class Reject:
    source_file: str
    file_sha256: str | None
    file_size: int | None
    line: int | None  # for JSON Lines
    reason: str  # short stable code
    detail: str  # one readable sentence


# --- text ------------------------------------------------------------------------------------

# Every separator str.splitlines() knows becomes "\n", so `text.split("\n")` and offsets agree.
_LINE_BREAKS = re.compile("\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_EXTRA_BLANK_LINES = re.compile(r"\n{4,}")


_BREAK_CHARS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_DROP_CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, *range(0x7F, 0x85), *range(0x86, 0xA0),
     0xFEFF])


def unify_line_breaks(text: str) -> str:
    """Every line separator becomes "\\n" (a substring test first: most texts have none)."""
    if any(ch in text for ch in _BREAK_CHARS):
        return _LINE_BREAKS.sub("\n", text)
    return text


def normalise_text(text: str) -> str:
    """Canonical article text: what offsets point into and what the dedup key hashes.

    Line breaks become `\\n`, stray control characters and byte-order marks go, the text is
    NFC, trailing whitespace leaves every line, runs of three or more blank lines shrink to
    two, and the whole is stripped. Applying it twice changes nothing.
    """
    text = unify_line_breaks(text)
    text = text.translate(_DROP_CONTROLS)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _EXTRA_BLANK_LINES.sub("\n\n\n", text)
    return text.strip()


def content_hash(text: str) -> str:
    """sha256 (hex) of the normalised text, so callers need not normalise first."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


# --- discovery -------------------------------------------------------------------------------


def check_landing(landing_dir: Path) -> Path:
    """The landing folder's real path; raises `LandingUnavailable` when it cannot be listed."""
    root = Path(os.path.realpath(landing_dir))
    if not root.is_dir():
        raise LandingUnavailable(f"landing folder {landing_dir} does not exist or is not a folder")
    try:
        with os.scandir(root) as it:
            next(it, None)
    except OSError as exc:
        raise LandingUnavailable(f"landing folder {landing_dir} cannot be read "
                                 f"({exc.strerror or exc})") from None
    return root


def discover(landing_dir: Path, max_file_bytes: int,
             known: Mapping[str, tuple[int, int, str]] | None = None,
             hash_new: bool = True) -> tuple[list[LandingFile], list[Reject]]:
    """Files to read and files refused, both sorted by name (see the module docstring).

    `known` maps a file name to the (size, mtime_ns, sha256) the ledger holds for it: a file
    showing the same size and modification time keeps that hash instead of being read. With
    `hash_new=False` a name the ledger does not know is not hashed either (sha256 None): it
    will be read anyway, and reading it hashes the bytes once instead of twice.
    """
    files, rejects, _ = discover_changed(landing_dir, max_file_bytes, known, hash_new,
                                         skip_unchanged=False)
    return files, rejects


def discover_changed(landing_dir: Path, max_file_bytes: int,
                     known: Mapping[str, tuple[int, int, str]] | None = None,
                     hash_new: bool = True, skip_unchanged: bool = True,
                     ) -> tuple[list[LandingFile], list[Reject], int]:
    """`discover`, leaving out (with `skip_unchanged`) the files the ledger knows with the
    same size and modification time; also returns how many of those there were. A big
    landing folder is mostly such files, and a run needs nothing of them."""
    root = check_landing(landing_dir)
    files: list[LandingFile] = []
    rejects: list[Reject] = []
    unchanged = 0
    for entry, name in _walk(root, rejects):
        result = _classify(root, entry, name, max_file_bytes, known or {}, hash_new,
                           skip_unchanged)
        if result is _UNCHANGED:
            unchanged += 1
        elif isinstance(result, LandingFile):
            files.append(result)
        elif result is not None:
            rejects.append(result)
    files.sort(key=lambda f: f.name)
    rejects.sort(key=lambda r: r.source_file)
    return files, rejects, unchanged


def _walk(root: Path, rejects: list[Reject]) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Visible entries under `root` (not folders), with their POSIX names; no link is walked.

    Directory entries, not paths: they know from the listing whether they are links, which
    saves a system call per file in a landing folder of 100,000 files."""
    stack: list[tuple[str, str]] = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            rejects.append(_fs_reject(prefix.rstrip("/") or ".", "unreadable",
                                      f"the folder could not be listed ({exc.strerror})"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, name + "/"))
            else:
                yield entry, name


_UNCHANGED: Any = object()  # a file the ledger knows as it is (see discover_changed)


def _classify(root: Path, entry: os.DirEntry[str], name: str, max_file_bytes: int,
              known: Mapping[str, tuple[int, int, str]], hash_new: bool = True,
              skip_unchanged: bool = False) -> LandingFile | Reject | None:
    """A LandingFile, a Reject, or None for entries that are not input (yet); _UNCHANGED
    for a file the ledger knows as it is, with `skip_unchanged`."""
    base = entry.name
    if base.endswith("~") or base.lower().endswith(IN_PROGRESS_SUFFIXES):
        return None
    if not _utf8_name(name):
        return _fs_reject(_printable_name(name), "bad_file_name",
                          "the file name is not valid UTF-8; rename the file")
    path = Path(entry.path) if entry.is_symlink() else None
    if path is not None:
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(root):
            return _fs_reject(name, "symlink_outside_landing",
                              f"the link points outside the landing folder (to {target}); "
                              "it was not read")
        if target.is_dir():
            return None  # its files are found at their real place inside the landing folder
    try:
        st = entry.stat()  # follows a link, like os.stat
    except OSError as exc:
        return _fs_reject(name, "not_a_file", f"the entry cannot be opened ({exc.strerror})")
    if not stat.S_ISREG(st.st_mode):
        return _fs_reject(name, "not_a_file",
                          "the entry is not a regular file (a pipe, socket or device)")
    dot = base.rfind(".")  # Path.suffix, without making a Path
    suffix = base[dot:].lower() if 0 < dot < len(base) - 1 else ""
    if suffix not in SUPPORTED_SUFFIXES:
        kind = f"'{suffix}' files are" if suffix else "files without a suffix are"
        return _sized_reject(Path(entry.path), name, st.st_size, "unsupported_type",
                             f"{kind} not read; supported: "
                             f"{', '.join(sorted(SUPPORTED_SUFFIXES))}")
    if st.st_size > max_file_bytes:
        return _sized_reject(Path(entry.path), name, st.st_size, "too_large",
                             f"the file has {st.st_size:,} bytes, above the limit of "
                             f"{max_file_bytes:,}; it was not read")
    seen = known.get(name)
    unchanged = seen is not None and seen[:2] == (st.st_size, st.st_mtime_ns)
    if unchanged and skip_unchanged:
        return _UNCHANGED
    path = path or Path(entry.path)  # made only for files a run may read: they are few
    if seen is not None and unchanged:
        return LandingFile(path=path, name=name, size=st.st_size, sha256=seen[2],
                           mtime_ns=st.st_mtime_ns)
    if seen is None and not hash_new:
        return LandingFile(path=path, name=name, size=st.st_size, sha256=None,
                           mtime_ns=st.st_mtime_ns)
    try:
        digest = _sha256_of(path)
    except OSError as exc:
        return _fs_reject(name, "unreadable", f"the file could not be read ({exc.strerror})")
    return LandingFile(path=path, name=name, size=st.st_size, sha256=digest,
                       mtime_ns=st.st_mtime_ns)


def changing_files(files: list[LandingFile], pause: float = SETTLE_PAUSE,
                   window: float = SETTLE_WINDOW) -> set[str]:
    """Names of recently modified files whose size or mtime moves during a short pause.

    Only files modified in the last `window` seconds are looked at again, so an old landing
    folder costs no pause at all.
    """
    now_ns = time.time_ns()
    fresh = [f for f in files
             if f.mtime_ns is not None and now_ns - f.mtime_ns < window * 1e9]
    if not fresh:
        return set()
    time.sleep(pause)
    moving: set[str] = set()
    for f in fresh:
        try:
            st = os.stat(f.path)
        except OSError:
            continue  # gone: reading it will say so
        if (st.st_size, st.st_mtime_ns) != (f.size, f.mtime_ns):
            moving.add(f.name)
    return moving


def _sized_reject(path: Path, name: str, size: int, reason: str, detail: str) -> Reject:
    try:
        digest: str | None = _sha256_of(path)
    except OSError:
        digest = None
    return Reject(name, digest, size, None, reason, detail)


def _fs_reject(name: str, reason: str, detail: str) -> Reject:
    return Reject(name, None, None, None, reason, detail)


def _sha256_of(path: Path) -> str:
    """Streamed, so a file of any size is hashed without being held in memory."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable_name(name: str) -> str:
    return os.fsencode(name).decode("utf-8", "backslashreplace")


# --- reading ---------------------------------------------------------------------------------


class _Refused(Exception):
    """Internal: the file (or line) is a reject; carries its reason and detail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def read_landing_file(f: LandingFile, max_file_bytes: int
                      ) -> tuple[list[RawArticle], list[Reject]]:
    """Articles in one landing file, and rejects for the file or for single JSON Lines lines.

    `file_sha256` of what is returned is the hash of the bytes actually read, which differs
    from `f.sha256` only when the file changed since discovery (see `read_settled`).
    """
    read = _read_file(f, max_file_bytes, settled=False)
    return ([], []) if read is None else (read[0], read[1])


def read_settled(f: LandingFile, max_file_bytes: int
                 ) -> tuple[list[RawArticle], list[Reject]] | None:
    """Like `read_landing_file`, but None when the file changed since discovery.

    A file still being written must not be loaded half-way nor recorded as seen: returning
    None leaves it for the next run, which reads it whole.
    """
    read = read_settled_file(f, max_file_bytes)
    return None if read is None else (read[0], read[1])


def read_settled_file(f: LandingFile, max_file_bytes: int
                      ) -> tuple[list[RawArticle], list[Reject], str | None] | None:
    """`read_settled`, with the sha256 of the bytes read (None when they could not be read)."""
    return _read_file(f, max_file_bytes, settled=True)


def _read_file(f: LandingFile, max_file_bytes: int, settled: bool
               ) -> tuple[list[RawArticle], list[Reject], str | None] | None:
    size: int | None = f.size
    digest: str | None = f.sha256
    try:
        data = _read_bytes(f, max_file_bytes)
        size, digest = len(data), hashlib.sha256(data).hexdigest()
        if settled and ((f.sha256 is not None and digest != f.sha256) or _moved(f)):
            return None
        if not data:
            raise _Refused("empty_file", "the file is empty (0 bytes)")
        suffix = Path(f.name).suffix.lower()
        if suffix in JSONL_SUFFIXES:
            return (*_read_jsonl(f.name, digest, len(data), _decode_lines(data)), digest)
        text = _decode(data, html=suffix in HTML_SUFFIXES)
        if suffix in HTML_SUFFIXES:
            article = _read_html_article(f.name, digest, text)
        elif suffix in TEXT_SUFFIXES:
            article = _read_text_article(f.name, digest, text)
        else:
            raise _Refused("unsupported_type", f"'{suffix or f.name}' files are not read")
    except _Refused as refused:
        return [], [Reject(f.name, digest, size, None, refused.reason, refused.detail)], digest
    return [article], [], digest


def _moved(f: LandingFile) -> bool:
    """True when the file's size or mtime is no longer what discovery saw."""
    if f.mtime_ns is None:
        return False
    try:
        st = os.stat(f.path)
    except OSError:
        return True
    return (st.st_size, st.st_mtime_ns) != (f.size, f.mtime_ns)


def _read_bytes(f: LandingFile, max_file_bytes: int) -> bytes:
    _check_link(f)
    try:
        st = os.stat(f.path)
        if not stat.S_ISREG(st.st_mode):
            raise _Refused("not_a_file", "the entry is not a regular file")
        if st.st_size > max_file_bytes:
            raise _Refused("too_large", f"the file has {st.st_size:,} bytes, above the limit "
                                        f"of {max_file_bytes:,}; it was not read")
        with open(f.path, "rb") as fh:
            data = fh.read(max_file_bytes + 1)
    except FileNotFoundError:
        raise _Refused("not_a_file", "the file disappeared after it was found") from None
    except OSError as exc:
        raise _Refused("unreadable", f"the file could not be read ({exc.strerror})") from None
    if len(data) > max_file_bytes:
        raise _Refused("too_large", f"the file grew above the limit of {max_file_bytes:,} "
                                    "bytes while it was read; it was not loaded")
    return data


def _check_link(f: LandingFile) -> None:
    """Re-check a link found at discovery: it may have been changed to point elsewhere."""
    parts = f.name.split("/")
    if not f.path.is_symlink() or f.path.parts[-len(parts):] != tuple(parts):
        return
    root = f.path.parents[len(parts) - 1]
    if not Path(os.path.realpath(f.path)).is_relative_to(os.path.realpath(root)):
        raise _Refused("symlink_outside_landing",
                       "the link points outside the landing folder; it was not read")


# --- decoding --------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_TYPOGRAPHY = frozenset("\u00a0\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022"
                        "\u20ac\u00a3\u00a5\u00b0\u00a7\u00a9\u00ae\u2122\u00b1\u00d7\u00f7"
                        "\u00ab\u00bb\u00a1\u00bf\u00b7\u2020\u2021\u2030\u00b2\u00b3\u00b9"
                        "\u00bc\u00bd\u00be\u00b5\u00b6\u00a2\u00ad\u2039\u203a")
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
                           re.IGNORECASE)


def _decode(data: bytes, html: bool) -> str:
    """Whole-file decoding for one-article files (see the module docstring)."""
    text = _decode_bom(data)
    if text is not None:
        return text
    _check_binary(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = f"{exc.reason} at byte {exc.start}"
    if html:
        declared = _declared_charset(data)
        if declared is not None:
            return declared
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible(text):
        return text
    raise _Refused("invalid_encoding", f"the file is not valid UTF-8 ({utf8_error}) and does "
                                       "not read as plausible cp1252 text")


def _decode_bom(data: bytes) -> str | None:
    """Text when a byte-order mark names the encoding, None when there is no mark."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise _Refused("invalid_encoding", f"the file starts with a {encoding} "
                               f"byte-order mark but is not valid {encoding} ({exc.reason} "
                               f"at byte {exc.start + len(bom)})") from None
    return None


def _check_binary(data: bytes) -> None:
    if b"\x00" in data:
        raise _Refused("not_text", "the file holds NUL bytes: it is binary, or UTF-16/32 "
                                   "without a byte-order mark")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_SHARE * len(data):
        raise _Refused("not_text", f"{controls:,} of {len(data):,} bytes are control "
                                   "characters: the file is not text")


def _decode_lines(data: bytes) -> list[str | None]:
    """JSON Lines text per line; JSON is UTF-8 only, so a line that is not becomes None."""
    text = _decode_bom(data)
    if text is not None:
        return list(text.split("\n"))
    _check_binary(data)
    try:
        return list(data.decode("utf-8").split("\n"))
    except UnicodeDecodeError:
        pass
    lines: list[str | None] = []
    for raw in data.split(b"\n"):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(None)
    return lines


def _declared_charset(data: bytes) -> str | None:
    m = _HTML_CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        return data.decode(m.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None


def _plausible(text: str) -> bool:
    """Mostly ASCII, and every other character a letter or usual typography."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return False
    ascii_count = sum(1 for c in visible if c.isascii())
    if ascii_count < MIN_ASCII_SHARE * len(visible):
        return False
    return all(c.isascii() or c.isalpha() or c in _TYPOGRAPHY for c in visible)


# --- formats ---------------------------------------------------------------------------------


def _read_text_article(name: str, digest: str, text: str) -> RawArticle:
    fields, body = split_front_matter(unify_line_breaks(text))
    body = normalise_text(body)
    meta = _checked(fields)
    if not body:
        what = "only front matter" if fields else "only whitespace"
        raise _Refused("empty_file", f"the file holds {what}, no article text")
    return _article(name, name, digest, body, meta)


def _read_html_article(name: str, digest: str, markup: str) -> RawArticle:
    try:
        page = read_html(markup)
    except (ValueError, TypeError, LookupError, RecursionError, etree.LxmlError) as exc:
        raise _Refused("no_article_text",
                       f"the page could not be parsed as HTML ({type(exc).__name__})") from None
    declared = _checked(page.declared)
    text = normalise_text(page.text)
    if not text:
        raise _Refused("no_article_text", "no article text was found in the page (only "
                                          "markup, scripts, navigation or notices)")
    meta = Metadata(
        title=declared.title or page.title,
        url=declared.url or page.url,
        source=declared.source or page.source,
        published_at=declared.published_at or page.page_published_at,
        language=declared.language or page.page_language,
    )
    return _article(name, name, digest, text, meta)


def _checked(fields: dict[str, Any]) -> Metadata:
    try:
        return check_metadata(fields)
    except MetadataError as exc:
        raise _Refused("bad_metadata", f"{exc}; the article was not loaded") from None


def _article(article_id: str, name: str, digest: str, text: str, meta: Metadata) -> RawArticle:
    longest = max(map(len, text.split("\n")))
    if longest > MAX_LINE_CHARS:
        raise _Refused("line_too_long", f"a line of {longest:,} characters is above the limit "
                                        f"of {MAX_LINE_CHARS:,}: this is not article text")
    published_at = meta.published_at or text_published_at(text)
    return RawArticle(
        article_id=article_id,
        content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        title=meta.title,
        url=meta.url,
        source=meta.source,
        published_at=published_at,
        language=meta.language,
        source_file=name,
        file_sha256=digest,
    )


# --- JSON Lines ------------------------------------------------------------------------------


def _read_jsonl(name: str, digest: str, size: int, lines: list[str | None]
                ) -> tuple[list[RawArticle], list[Reject]]:
    """Each line stands alone: a bad line is a reject, the good lines still load."""
    articles: list[RawArticle] = []
    rejects: list[Reject] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if line is not None and not line.strip():
            continue
        try:
            if line is None:
                raise _Refused("invalid_encoding", f"line {number} is not valid UTF-8")
            article = _jsonl_article(name, digest, number, line)
            if article.article_id in seen:
                raise _Refused("duplicate_id", f"id {article.article_id.split('#', 1)[1]!r} "
                               f"was already used on line {seen[article.article_id]}; "
                               "the article was not loaded")
            seen[article.article_id] = number
            articles.append(article)
        except _Refused as refused:
            rejects.append(Reject(name, digest, size, number, refused.reason, refused.detail))
    if not articles and not rejects:
        return [], [Reject(name, digest, size, None, "empty_file",
                           "the file holds only whitespace, no JSON lines")]
    return articles, rejects


def _jsonl_article(name: str, digest: str, number: int, line: str) -> RawArticle:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise _Refused("bad_json", f"line {number} is not valid JSON ({_short(exc)})") from None
    if not isinstance(record, dict):
        raise _Refused("bad_json", f"line {number} is JSON but not an object "
                                   f"(it is {type(record).__name__})")
    raw_text = record.get("text")
    if not isinstance(raw_text, str) or not raw_text:
        got = "absent" if raw_text is None else f"{type(raw_text).__name__} {raw_text!r:.40}"
        raise _Refused("missing_text", f"line {number} has no non-empty string 'text' "
                                       f"(it is {got})")
    article_id = f"{name}#{_jsonl_id(record.get('id'), number)}"
    meta = _checked(record)
    text = normalise_text(raw_text)
    if not text:
        raise _Refused("no_article_text", f"line {number} has a 'text' of only whitespace")
    return _article(article_id, name, digest, text, meta)


def _jsonl_id(value: object, number: int) -> str:
    if value is None:
        return str(number)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and clean_value(value):
        return value.strip()
    raise _Refused("bad_metadata", f"id {value!r:.40} must be a non-empty string or an "
                                   "integer; the article was not loaded")


def _short(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0][:120]


__all__ = [
    "LandingFile",
    "LandingUnavailable",
    "RawArticle",
    "Reject",
    "changing_files",
    "check_landing",
    "content_hash",
    "discover",
    "normalise_text",
    "read_landing_file",
    "read_settled",
]
