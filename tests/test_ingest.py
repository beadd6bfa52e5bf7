"""Ingest stage: landing files become raw articles or rejects, without Prefect or DuckDB."""

from __future__ import annotations

import hashlib
import json
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flows.ingest import (
    LandingFile,
    RawArticle,
    Reject,
    content_hash,
    discover,
    normalise_text,
    read_landing_file,
)
from flows.ingest_formats import drop_boilerplate, split_front_matter, text_published_at

CAP = 64 * 1024

STORY = (
    "KHARKIV, Jan 9 - Russian artillery hit a bus depot on the edge of the city overnight, "
    "killing one mechanic and wounding two drivers, the regional governor said.\n\n"
    "Fire crews worked until dawn to put out the blaze, he added."
)


def land(root: Path, name: str, content: str | bytes) -> Path:
    """Write a landing file (folders included) and return its path."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def ingest(root: Path, cap: int = CAP) -> tuple[list[RawArticle], list[Reject]]:
    """discover + read every file, as the flow does."""
    files, rejects = discover(root, cap)
    articles: list[RawArticle] = []
    for f in files:
        got, refused = read_landing_file(f, cap)
        articles += got
        rejects += refused
    return articles, rejects


def one(root: Path, name: str, content: str | bytes) -> tuple[list[RawArticle], list[Reject]]:
    land(root, name, content)
    return ingest(root)


def only_reject(rejects: list[Reject]) -> Reject:
    assert len(rejects) == 1, rejects
    return rejects[0]


def days_from_now(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


# --- normalise_text / content_hash -----------------------------------------------------------


def test_normalise_newlines_trailing_space_and_strip() -> None:
    raw = "  \r\nFirst line.   \r\nSecond line.\t\rThird line.\u2028Fourth.\n\n  "
    assert normalise_text(raw) == "First line.\nSecond line.\nThird line.\nFourth."


def test_normalise_composes_to_nfc() -> None:
    decomposed = "Kharkiv cafe\u0301"
    assert normalise_text(decomposed) == "Kharkiv caf\u00e9"


def test_normalise_keeps_two_blank_lines_at_most() -> None:
    assert normalise_text("a\n\n\n\n\n\nb") == "a\n\n\nb"
    assert normalise_text("a\n\n\nb") == "a\n\n\nb"
    assert normalise_text("a\n \n\t\n  \n \nb") == "a\n\n\nb"


def test_normalise_drops_controls_and_inner_bom() -> None:
    assert normalise_text("\ufeffDrones\x07 over\x1f the\ufeff city") == "Drones over the city"


@pytest.mark.parametrize("raw", [
    STORY,
    "x \r\n\r\n\r\n\r\n y\u2029\u0065\u0301  \x0c\x00 ",
    "\n\n\u00a0 text with nbsp\u00a0 \n\n\n\n\n",
])
def test_normalise_is_idempotent(raw: str) -> None:
    once = normalise_text(raw)
    assert normalise_text(once) == once


def test_content_hash_ignores_line_endings_and_trailing_space() -> None:
    windows = STORY.replace("\n", "  \r\n")
    assert content_hash(windows) == content_hash(STORY)
    expected = hashlib.sha256(normalise_text(STORY).encode("utf-8")).hexdigest()
    assert content_hash(STORY) == expected
    assert content_hash(STORY.replace("two drivers", "three drivers")) != content_hash(STORY)


def test_same_story_saved_twice_shares_the_dedup_key(tmp_path: Path) -> None:
    land(tmp_path, "first.txt", STORY)
    land(tmp_path, "copy.md", "\ufeff" + STORY.replace("\n", "\r\n") + "\r\n\r\n")
    land(tmp_path, "feed.jsonl", json.dumps({"id": "k1", "text": STORY}) + "\n")
    articles, rejects = ingest(tmp_path)
    assert rejects == []
    assert len(articles) == 3
    assert len({a.content_sha256 for a in articles}) == 1
    assert articles[0].content_sha256 == content_hash(articles[0].text)


# --- discover --------------------------------------------------------------------------------


def test_discover_walks_recursively_sorted_with_hashes(tmp_path: Path) -> None:
    land(tmp_path, "b.txt", "Second story text.")
    land(tmp_path, "a/deep/c.md", "Nested story text.")
    land(tmp_path, "A.HTML", "<html><body><p>Upper-case suffix.</p></body></html>")
    land(tmp_path, "feed.JSONL", '{"text": "x"}\n')
    land(tmp_path, "page.htm", "<html><body><p>Short suffix.</p></body></html>")
    files, rejects = discover(tmp_path, CAP)
    assert rejects == []
    names = [f.name for f in files]
    assert names == sorted(names)
    assert set(names) == {"A.HTML", "a/deep/c.md", "b.txt", "feed.JSONL", "page.htm"}
    for f in files:
        assert f.path.is_absolute()
        assert f.path == tmp_path.resolve() / f.name
        data = f.path.read_bytes()
        assert f.size == len(data)
        assert f.sha256 == hashlib.sha256(data).hexdigest()


def test_hidden_and_in_progress_files_are_skipped_silently(tmp_path: Path) -> None:
    for name in [".draft.txt", ".cache/story.txt", "story.txt.part", "story.TMP",
                 "page.html.crdownload", "feed.jsonl.partial", "notes.txt~"]:
        land(tmp_path, name, "Text that is not ready yet.")
    land(tmp_path, "ready.txt", "Text that is ready.")
    files, rejects = discover(tmp_path, CAP)
    assert [f.name for f in files] == ["ready.txt"]
    assert rejects == []


@pytest.mark.parametrize("name", ["report.pdf", "memo.docx", "README", "data.json",
                                  "story.txt.bak"])
def test_unsupported_types_are_rejected(tmp_path: Path, name: str) -> None:
    land(tmp_path, name, b"%PDF-1.7 something")
    files, rejects = discover(tmp_path, CAP)
    assert files == []
    reject = only_reject(rejects)
    assert (reject.source_file, reject.reason) == (name, "unsupported_type")
    assert reject.file_size == 18
    assert reject.file_sha256 == hashlib.sha256(b"%PDF-1.7 something").hexdigest()


def test_directory_named_like_an_article_is_walked(tmp_path: Path) -> None:
    land(tmp_path, "kyiv.txt/inside.txt", STORY)
    (tmp_path / "empty.html").mkdir()
    articles, rejects = ingest(tmp_path)
    assert rejects == []
    assert [a.article_id for a in articles] == ["kyiv.txt/inside.txt"]


@pytest.mark.parametrize("name", [
    "two words.txt",
    "Харків звіт.txt",
    "-rf.txt",
    "--help.md",
    "line\nbreak.txt",
    "sub dir/ünïcode – dash.md",
])
def test_awkward_file_names(tmp_path: Path, name: str) -> None:
    articles, rejects = one(tmp_path, name, STORY)
    assert rejects == []
    assert len(articles) == 1
    assert articles[0].article_id == name
    assert articles[0].source_file == name
    assert articles[0].text == normalise_text(STORY)


def test_undecodable_file_name_is_rejected_not_crashed(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"bad\xffname.txt")
    try:
        with open(raw, "wb") as fh:
            fh.write(STORY.encode())
    except OSError:
        pytest.skip("file system refuses non-UTF-8 names")
    files, rejects = discover(tmp_path, CAP)
    assert files == []
    reject = only_reject(rejects)
    assert reject.reason == "bad_file_name"
    reject.source_file.encode("utf-8")  # storable as text


def test_symlink_outside_landing_is_rejected_unread(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    outside = land(tmp_path, "secret/notes.txt", STORY)
    land(landing, "real.txt", STORY)
    (landing / "leak.txt").symlink_to(outside)
    (landing / "folder-link").symlink_to(outside.parent, target_is_directory=True)
    files, rejects = discover(landing, CAP)
    assert [f.name for f in files] == ["real.txt"]
    assert [(r.source_file, r.reason) for r in rejects] == [
        ("folder-link", "symlink_outside_landing"), ("leak.txt", "symlink_outside_landing")]
    assert all(r.file_sha256 is None and r.file_size is None for r in rejects)


def test_symlink_inside_landing_is_read(tmp_path: Path) -> None:
    target = land(tmp_path, "2024/story.txt", STORY)
    (tmp_path / "latest.txt").symlink_to(target)
    (tmp_path / "this-year").symlink_to(target.parent, target_is_directory=True)
    articles, rejects = ingest(tmp_path)
    assert rejects == []
    assert [a.article_id for a in articles] == ["2024/story.txt", "latest.txt"]


def test_link_retargeted_after_discovery_is_not_read(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    target = land(landing, "a.txt", STORY)
    outside = land(tmp_path, "elsewhere.txt", "Not for the warehouse.")
    link = landing / "link.txt"
    link.symlink_to(target)
    files, _ = discover(landing, CAP)
    linked = next(f for f in files if f.name == "link.txt")
    link.unlink()
    link.symlink_to(outside)
    articles, rejects = read_landing_file(linked, CAP)
    assert articles == []
    assert only_reject(rejects).reason == "symlink_outside_landing"


def test_broken_symlink_and_fifo_are_not_files(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    files, rejects = discover(tmp_path, CAP)
    assert files == []
    assert [(r.source_file, r.reason) for r in rejects] == [
        ("gone.txt", "not_a_file"), ("pipe.txt", "not_a_file")]


def test_file_over_the_cap_is_rejected_with_streamed_hash(tmp_path: Path) -> None:
    big = ("Drones flew over the region. " * 200).encode()
    land(tmp_path, "big.txt", big)
    land(tmp_path, "small.txt", STORY)
    files, rejects = discover(tmp_path, len(big) - 1)
    assert [f.name for f in files] == ["small.txt"]
    reject = only_reject(rejects)
    assert reject.reason == "too_large"
    assert reject.file_size == len(big)
    assert reject.file_sha256 == hashlib.sha256(big).hexdigest()
    assert f"{len(big) - 1:,}" in reject.detail


def test_file_that_grew_past_the_cap_after_discovery(tmp_path: Path) -> None:
    path = land(tmp_path, "growing.txt", STORY)
    files, _ = discover(tmp_path, 1000)
    path.write_text(STORY * 10)
    articles, rejects = read_landing_file(files[0], 1000)
    assert articles == []
    assert only_reject(rejects).reason == "too_large"


def test_file_removed_after_discovery(tmp_path: Path) -> None:
    path = land(tmp_path, "gone.txt", STORY)
    files, _ = discover(tmp_path, CAP)
    path.unlink()
    articles, rejects = read_landing_file(files[0], CAP)
    assert articles == []
    assert only_reject(rejects).reason == "not_a_file"


def test_missing_landing_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        discover(tmp_path / "nope", CAP)


# --- decoding --------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    articles, rejects = one(tmp_path, "empty.txt", b"")
    assert articles == []
    reject = only_reject(rejects)
    assert (reject.reason, reject.file_size) == ("empty_file", 0)
    assert reject.file_sha256 == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("name", ["blank.txt", "blank.md", "blank.jsonl"])
def test_whitespace_only_file(tmp_path: Path, name: str) -> None:
    articles, rejects = one(tmp_path, name, " \n\t\r\n   \n\u00a0\n")
    assert articles == []
    assert only_reject(rejects).reason == "empty_file"


def test_binary_bytes_named_txt(tmp_path: Path) -> None:
    rng = random.Random(7)
    articles, rejects = one(tmp_path, "photo.txt", bytes(rng.randrange(256) for _ in range(4096)))
    assert articles == []
    assert only_reject(rejects).reason == "not_text"


def test_control_characters_without_nul_are_not_text(tmp_path: Path) -> None:
    blob = bytes([0x01, 0x02, 0x03, 0x1B, 0x7F]) * 50 + b"abc" * 50
    articles, rejects = one(tmp_path, "dump.txt", blob)
    assert articles == []
    assert only_reject(rejects).reason == "not_text"


def test_utf16_without_bom_is_not_text(tmp_path: Path) -> None:
    articles, rejects = one(tmp_path, "wide.txt", STORY.encode("utf-16-le"))
    assert only_reject(rejects).reason == "not_text"


def test_legacy_cyrillic_bytes_are_invalid_encoding(tmp_path: Path) -> None:
    text = "Российские войска атаковали город ночью, сообщили власти."
    articles, rejects = one(tmp_path, "cyr.txt", text.encode("cp1251"))
    assert articles == []
    reject = only_reject(rejects)
    assert reject.reason == "invalid_encoding"
    assert "UTF-8" in reject.detail


def test_cp1252_text_is_read_when_plausible(tmp_path: Path) -> None:
    text = ("The caf\u00e9 owner in Zaporizhzhia said \u201cnobody was hurt\u201d \u2013 "
            "repairs will cost \u20ac40,000.")
    articles, rejects = one(tmp_path, "latin.txt", text.encode("cp1252"))
    assert rejects == []
    assert articles[0].text == text


def test_cp1252_undefined_byte_is_invalid_encoding(tmp_path: Path) -> None:
    data = "Plain words and a caf\u00e9.".encode("cp1252") + b"\x81"
    articles, rejects = one(tmp_path, "odd.txt", data)
    assert only_reject(rejects).reason == "invalid_encoding"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_byte_order_marks(tmp_path: Path, encoding: str) -> None:
    text = "Kyiv \u2013 \u041a\u0438\u0457\u0432: " + STORY
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    articles, rejects = one(tmp_path, "bom.txt", data)
    assert rejects == []
    assert articles[0].text == normalise_text(text)
    assert not articles[0].text.startswith("\ufeff")


def test_broken_utf16_after_bom_is_invalid_encoding(tmp_path: Path) -> None:
    data = b"\xff\xfe" + "Story".encode("utf-16-le") + b"\x00\xd8"  # lone high surrogate
    articles, rejects = one(tmp_path, "broken.txt", data)
    assert only_reject(rejects).reason == "invalid_encoding"


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    body = "Российские дроны атаковали порт ночью, сообщили региональные власти в понедельник."
    page = (f'<html><head><meta charset="windows-1251"><title>Порт</title></head>'
            f"<body><article><p>{body}</p></article></body></html>")
    articles, rejects = one(tmp_path, "ru.html", page.encode("cp1251"))
    assert rejects == []
    assert body in articles[0].text


# --- front matter ----------------------------------------------------------------------------


def test_front_matter_with_quotes_and_unknown_keys(tmp_path: Path) -> None:
    text = (
        "---\n"
        'title: "Governor: \\"two killed\\" in Kherson"\n'
        "Source: 'Wire Service''s Kyiv desk'\n"
        "url: https://example.net/kherson?id=1#top\n"
        "published_at: \"2024-01-07T10:15:00+02:00\"\n"
        "language: en-GB\n"
        "author: Someone\n"
        "tags:\n  - war\n"
        "---\n\n" + STORY + "\n"
    )
    articles, rejects = one(tmp_path, "fm.md", text)
    assert rejects == []
    a = articles[0]
    assert a.title == 'Governor: "two killed" in Kherson'
    assert a.source == "Wire Service's Kyiv desk"
    assert a.url == "https://example.net/kherson?id=1#top"
    assert a.published_at == datetime(2024, 1, 7, 10, 15)
    assert a.language == "en"
    assert a.text == normalise_text(STORY)
    assert "title:" not in a.text


def test_unclosed_front_matter_is_text(tmp_path: Path) -> None:
    text = "---\ntitle: Not closed\n" + STORY
    articles, rejects = one(tmp_path, "open.txt", text)
    assert rejects == []
    assert articles[0].title is None
    assert articles[0].text.startswith("---\ntitle: Not closed")


def test_front_matter_only_is_empty(tmp_path: Path) -> None:
    articles, rejects = one(tmp_path, "meta.txt", "---\ntitle: Nothing else\n---\n\n  \n")
    reject = only_reject(rejects)
    assert reject.reason == "empty_file"
    assert "front matter" in reject.detail


def test_split_front_matter_keeps_body_exactly() -> None:
    fields, body = split_front_matter("---\nTITLE: A\nnot a pair\n---\nLine one\n---\nLine two")
    assert fields == {"title": "A"}
    assert body == "Line one\n---\nLine two"


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-01-07", datetime(2024, 1, 7)),
    ("2024-01-07 10:15", datetime(2024, 1, 7, 10, 15)),
    ("2024-01-07T10:15:30Z", datetime(2024, 1, 7, 10, 15, 30)),
    ("2024-01-07T23:40:00-05:00", datetime(2024, 1, 7, 23, 40)),
    ("'2024-01-07T10:15+0530'", datetime(2024, 1, 7, 10, 15)),
])
def test_published_at_forms(tmp_path: Path, value: str, expected: datetime) -> None:
    articles, rejects = one(tmp_path, "d.txt", f"---\npublished_at: {value}\n---\n{STORY}")
    assert rejects == []
    assert articles[0].published_at == expected
    assert articles[0].published_at.tzinfo is None


@pytest.mark.parametrize("value", ["2024-02-30", "2023-13-01", "7 January 2024", "yesterday",
                                   "2024-01-07T25:00"])
def test_bad_published_at_rejects_the_article(tmp_path: Path, value: str) -> None:
    articles, rejects = one(tmp_path, "d.txt", f"---\npublished_at: {value}\n---\n{STORY}")
    assert articles == []
    reject = only_reject(rejects)
    assert reject.reason == "bad_metadata"
    assert value in reject.detail
    assert "not loaded" in reject.detail


def test_future_published_at_is_rejected(tmp_path: Path) -> None:
    future = days_from_now(10).strftime("%Y-%m-%dT%H:%M:%SZ")
    articles, rejects = one(tmp_path, "f.txt", f"---\npublished_at: {future}\n---\n{STORY}")
    reject = only_reject(rejects)
    assert reject.reason == "bad_metadata"
    assert future in reject.detail and "future" in reject.detail


def test_published_at_within_a_day_ahead_is_accepted(tmp_path: Path) -> None:
    soon = days_from_now(0.5).replace(microsecond=0)
    value = soon.strftime("%Y-%m-%dT%H:%M:%SZ")
    articles, rejects = one(tmp_path, "s.txt", f"---\npublished_at: {value}\n---\n{STORY}")
    assert rejects == []
    assert articles[0].published_at == soon.replace(tzinfo=None)


@pytest.mark.parametrize("value", ["English", "e", "123", "eng-"])
def test_bad_language_is_rejected(tmp_path: Path, value: str) -> None:
    articles, rejects = one(tmp_path, "l.txt", f"---\nlanguage: {value}\n---\n{STORY}")
    reject = only_reject(rejects)
    assert reject.reason == "bad_metadata"
    assert "language" in reject.detail


def test_no_metadata_gives_nones(tmp_path: Path) -> None:
    articles, rejects = one(tmp_path, "plain.txt", STORY)
    a = articles[0]
    assert (a.title, a.url, a.source, a.published_at, a.language) == (None,) * 5
    assert a.file_sha256 == hashlib.sha256(STORY.encode()).hexdigest()


# --- dates read from the text ----------------------------------------------------------------


@pytest.mark.parametrize(("head", "expected"), [
    ("Updated: 7 January 2024 10:15 GMT", datetime(2024, 1, 7, 10, 15)),
    ("Published 2024-01-07", datetime(2024, 1, 7)),
    ("By Staff Reporter\nKYIV, January 7, 2024 - officials said", datetime(2024, 1, 7)),
    ("Posted on 07.01.2024 at 08:05", datetime(2024, 1, 7, 8, 5)),
    ("KYIV, 5 January 2024 -\nUpdated on Sunday, 7 January 2024", datetime(2024, 1, 7)),
    ("Sunday 14th Jan. 2024, 9:30 pm", datetime(2024, 1, 14, 21, 30)),
    ("Published 6 January 2024\nUpdated 7 January 2024 18:00", datetime(2024, 1, 6)),
    ("Updated 7 January 2024 08:00\nUpdated 7 January 2024 18:00\nUpdated 6 January 2024",
     datetime(2024, 1, 7, 18)),
    ("Updated 8 January 2024\nKYIV, January 7, 2024 - a dateline", datetime(2024, 1, 8)),
    ("KYIV, 31.02.2024 - impossible\nLater line dated 05.01.2024", datetime(2024, 1, 5)),
])
def test_date_from_the_top_of_the_text(head: str, expected: datetime) -> None:
    assert text_published_at(head + "\n" + STORY) == expected


@pytest.mark.parametrize("head", [
    "KYIV, Jan 7 - no year in this dateline",
    "a\nb\nc\nd\ne\nPublished 2024-01-07",
    "An opening sentence that runs on for quite a long while before it finally mentions "
    "that on "
    "January 7, 2024 something happened.",
])
def test_no_date_from_the_text(head: str) -> None:
    assert text_published_at(head + "\n" + STORY) is None


def test_future_date_in_the_text_is_skipped() -> None:
    future = days_from_now(30).strftime("%Y-%m-%d")
    assert text_published_at(f"Published {future}\nUpdated 2024-01-07\n{STORY}") == datetime(
        2024, 1, 7)


def test_dateline_fallback_in_files_and_metadata_precedence(tmp_path: Path) -> None:
    land(tmp_path, "dated.txt", "Updated: 7 January 2024 10:15 GMT\n\n" + STORY)
    land(tmp_path, "declared.txt",
         "---\npublished_at: 2024-01-05\n---\nPublished 2024-01-07\n\n" + STORY)
    articles, rejects = ingest(tmp_path)
    assert rejects == []
    by_id = {a.article_id: a for a in articles}
    assert by_id["dated.txt"].published_at == datetime(2024, 1, 7, 10, 15)
    assert by_id["declared.txt"].published_at == datetime(2024, 1, 5)


# --- HTML ------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8">
<title>Drone attack on river port | Northern Courier</title>
<meta property="og:title" content="Drone attack on river port leaves two injured">
<meta property="og:site_name" content="Northern Courier">
<meta property="article:published_time" content="2024-03-14T06:40:00+02:00">
<link rel="canonical" href="https://courier.example.com/europe/drone-attack-river-port">
<script>window.dataLayer = []; function track(){ return 1; }</script>
<style>.x { color: red }</style>
</head><body class="article-page has-comments">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a href="/">Northern Courier</a>
<nav><ul><li><a href="/europe">Europe</a></li><li><a href="/markets">Markets</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<div id="app-loader">Loading...</div>
<noscript>Please enable JavaScript in your browser to read this site.</noscript>
<main id="main"><article>
<h1>Drone attack on river port leaves two injured</h1>
<div class="share-tools"><a href="#">Share on social media</a><a href="#">Email</a></div>
<p>ODESA, March 14 - Russian forces sent 17 attack drones against the Odesa region overnight
and air defence crews destroyed 14 of them, the regional military administration said.</p>
<figure><img src="port.jpg"><figcaption>Smoke above grain silos in a file picture from last
summer.</figcaption></figure>
<p>Falling debris damaged a storage hall in the river port and two dock workers were taken to
hospital with cuts, the administration added in a statement.</p>
<p>Rescue teams needed about three hours to contain the fire, and shipping through the port
resumed later in the morning, officials said.</p>
<div role="complementary"><p>Background: the port handles about a third of the region's
grain exports each year, according to its operator.</p></div>
<p>Please enable JavaScript to watch this video.</p>
</article>
<section class="related-stories"><h2>Related stories</h2><ul>
<li><a href="/x">Grain corridor traffic picks up again</a></li>
<li><a href="/y">Power engineers restore lines after storm</a></li></ul></section>
<div class="newsletter-signup"><p>Sign up for our newsletter to get the morning briefing.</p>
</div></main>
<div id="cookie-banner"><p>We use cookies to personalise content and ads. By clicking Accept
all cookies you agree to our cookie policy.</p><button>Accept all cookies</button></div>
<footer><p>Copyright 2024 Northern Courier. All rights reserved.</p></footer>
</body></html>
"""

BOILERPLATE = ["Loading", "JavaScript", "cookie", "Skip to content", "Markets", "Related",
               "Grain corridor", "newsletter", "rights reserved", "grain silos", "Share",
               "dataLayer", "color: red", "Background"]


def test_html_article_text_without_boilerplate(tmp_path: Path) -> None:
    articles, rejects = one(tmp_path, "port.html", PAGE)
    assert rejects == []
    a = articles[0]
    assert "sent 17 attack drones against the Odesa region" in a.text
    assert "two dock workers were taken to\nhospital" not in a.text  # source wrapping undone
    assert "two dock workers were taken to hospital with cuts" in a.text
    assert "shipping through the port resumed" in a.text
    for phrase in BOILERPLATE:
        assert phrase.lower() not in a.text.lower(), phrase
    assert a.title == "Drone attack on river port leaves two injured"
    assert a.url == "https://courier.example.com/europe/drone-attack-river-port"
    assert a.source == "Northern Courier"
    assert a.published_at == datetime(2024, 3, 14, 6, 40)
    assert a.language == "en"
    assert a.content_sha256 == content_hash(a.text)


def test_html_front_matter_like_meta_tags_win(tmp_path: Path) -> None:
    page = PAGE.replace(
        "<title>", '<meta name="source" content="Courier wire desk">'
        '<meta name="published_at" content="2024-03-15 07:00"><meta name="language" '
        'content="EN"><title>')
    articles, rejects = one(tmp_path, "port.html", page)
    assert rejects == []
    a = articles[0]
    assert (a.source, a.published_at, a.language) == (
        "Courier wire desk", datetime(2024, 3, 15, 7, 0), "en")


def test_html_bad_declared_meta_date_is_rejected(tmp_path: Path) -> None:
    page = PAGE.replace("<title>", '<meta name="published_at" content="2024-03-32"><title>')
    articles, rejects = one(tmp_path, "port.html", page)
    reject = only_reject(rejects)
    assert reject.reason == "bad_metadata"
    assert "2024-03-32" in reject.detail


def test_html_page_date_tags_are_best_effort(tmp_path: Path) -> None:
    page = PAGE.replace("2024-03-14T06:40:00+02:00", "Thursday morning").replace(
        "<p>ODESA", "<p>Published 2024-03-13</p>\n<p>ODESA")
    articles, rejects = one(tmp_path, "port.html", page)
    assert rejects == []
    assert articles[0].published_at == datetime(2024, 3, 13)


SCRIPT_AND_NAV = """<!DOCTYPE html><html><head><title>Northern Courier</title>
<script src="/bundle.js"></script>
<script>document.getElementById('root').innerHTML = 'Loading...';</script></head>
<body><nav><a href="/">Home</a> <a href="/europe">Europe</a> <a href="/sport">Sport</a></nav>
<div id="root">Loading...</div>
<noscript>You need to enable JavaScript to run this app.</noscript></body></html>"""


@pytest.mark.parametrize("page", [
    SCRIPT_AND_NAV,
    "<html><head><title>Empty</title></head><body></body></html>",
    "<html><body><div class='cookie-notice'><p>We use cookies.</p></div></body></html>",
    "<<<>>>",
])
def test_html_without_article_text(tmp_path: Path, page: str) -> None:
    articles, rejects = one(tmp_path, "app.html", page)
    assert articles == []
    assert only_reject(rejects).reason == "no_article_text"


def test_drop_boilerplate_lines_and_related_list() -> None:
    text = ("Loading...\nRussian drones hit a depot.\nPlease enable JavaScript to continue.\n"
            "Officials said nobody was hurt.\nRelated stories\n- Grain exports grow\n"
            "- Power cuts ease\nThe governor later said repairs had begun.\nAdvertisement")
    assert drop_boilerplate(text) == (
        "Russian drones hit a depot.\nOfficials said nobody was hurt.\n"
        "The governor later said repairs had begun.")


def test_drop_boilerplate_keeps_long_sentences_that_mention_cookies() -> None:
    line = ("A bakery that has sold cookies on the main square for forty years was destroyed, "
            "its owner said, adding that we use cookies as a symbol of normal life. " * 4)
    assert drop_boilerplate(line) == line


# --- JSON Lines ------------------------------------------------------------------------------


def jsonl(*lines: object) -> str:
    return "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)


def test_jsonl_good_lines_load_around_bad_ones(tmp_path: Path) -> None:
    content = jsonl(
        {"id": "a-1", "text": STORY, "title": "Depot hit", "source": "Wire",
         "published_at": "2024-01-09", "language": "en", "url": "https://example.org/a"},
        '{"id": "a-2", "text": "Broken line',
        "",
        {"text": "An article without an id, on line four."},
        [1, 2, 3],
        {"id": 17, "text": "Integer ids are fine."},
        "   ",
    ) + "\n"
    articles, rejects = one(tmp_path, "feed.jsonl", content)
    assert [a.article_id for a in articles] == ["feed.jsonl#a-1", "feed.jsonl#4",
                                                "feed.jsonl#17"]
    first = articles[0]
    assert (first.title, first.source, first.published_at, first.language, first.url) == (
        "Depot hit", "Wire", datetime(2024, 1, 9), "en", "https://example.org/a")
    assert all(a.source_file == "feed.jsonl" for a in articles)
    digest = hashlib.sha256(content.encode()).hexdigest()
    assert all(a.file_sha256 == digest for a in articles)
    assert [(r.line, r.reason) for r in rejects] == [(2, "bad_json"), (5, "bad_json")]
    assert all(r.file_sha256 == digest and r.file_size == len(content) for r in rejects)
    assert "line 2" in rejects[0].detail


@pytest.mark.parametrize(("record", "reason"), [
    ({"id": "x", "title": "No text here"}, "missing_text"),
    ({"text": None}, "missing_text"),
    ({"text": ""}, "missing_text"),
    ({"text": 42}, "missing_text"),
    ({"text": ["a", "b"]}, "missing_text"),
    ({"text": " \n\t "}, "no_article_text"),
    ({"text": STORY, "published_at": 12345}, "bad_metadata"),
    ({"text": STORY, "title": ["x"]}, "bad_metadata"),
    ({"text": STORY, "source": {"name": "Wire"}}, "bad_metadata"),
    ({"text": STORY, "language": True}, "bad_metadata"),
    ({"text": STORY, "published_at": "2024-02-30"}, "bad_metadata"),
    ({"text": STORY, "id": True}, "bad_metadata"),
    ({"text": STORY, "id": " "}, "bad_metadata"),
])
def test_jsonl_line_rejects(tmp_path: Path, record: dict[str, object], reason: str) -> None:
    content = jsonl({"id": "ok", "text": "A good line that loads."}, record)
    articles, rejects = one(tmp_path, "feed.jsonl", content)
    assert [a.article_id for a in articles] == ["feed.jsonl#ok"]
    reject = only_reject(rejects)
    assert (reject.line, reject.reason) == (2, reason)


def test_jsonl_wrong_types_are_all_named(tmp_path: Path) -> None:
    content = jsonl({"text": STORY, "published_at": 12345, "title": ["x"]})
    articles, rejects = one(tmp_path, "feed.jsonl", content)
    detail = only_reject(rejects).detail
    assert "published_at" in detail and "12345" in detail and "title" in detail


def test_jsonl_future_published_at(tmp_path: Path) -> None:
    future = days_from_now(3).date().isoformat()
    content = jsonl({"text": STORY, "published_at": future})
    articles, rejects = one(tmp_path, "feed.jsonl", content)
    assert articles == []
    reject = only_reject(rejects)
    assert (reject.line, reject.reason) == (1, "bad_metadata")
    assert future in reject.detail


def test_jsonl_duplicate_id(tmp_path: Path) -> None:
    content = jsonl({"id": "same", "text": "First telling."}, {"id": "same", "text": "Second."})
    articles, rejects = one(tmp_path, "feed.jsonl", content)
    assert [a.text for a in articles] == ["First telling."]
    reject = only_reject(rejects)
    assert (reject.line, reject.reason) == (2, "duplicate_id")


def test_jsonl_crlf_and_unicode_line_separator_inside_strings(tmp_path: Path) -> None:
    record = json.dumps({"id": "u", "text": "Part one.\u2028Part two."}, ensure_ascii=False)
    content = record + "\r\n" + json.dumps({"text": "Next."}) + "\r\n"
    articles, rejects = one(tmp_path, "feed.jsonl", content)
    assert rejects == []
    assert [a.text for a in articles] == ["Part one.\nPart two.", "Next."]
    assert articles[1].article_id == "feed.jsonl#2"


def test_jsonl_invalid_utf8_line_does_not_sink_the_file(tmp_path: Path) -> None:
    good = json.dumps({"id": "g", "text": "Clean line."}).encode()
    bad = b'{"id": "b", "text": "caf\xe9"}'
    articles, rejects = one(tmp_path, "feed.jsonl", good + b"\n" + bad + b"\n")
    assert [a.article_id for a in articles] == ["feed.jsonl#g"]
    assert [(r.line, r.reason) for r in rejects] == [(2, "invalid_encoding")]


def test_jsonl_dateline_fallback(tmp_path: Path) -> None:
    content = jsonl({"text": "Published 2024-01-07\n" + STORY})
    articles, _ = one(tmp_path, "feed.jsonl", content)
    assert articles[0].published_at == datetime(2024, 1, 7)


# --- never raises ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".htm", ".jsonl"])
def test_random_bytes_never_raise(tmp_path: Path, suffix: str) -> None:
    rng = random.Random(suffix)
    alphabet = b'<>/"{}[]:,-\n\r\t abcdeXYZ019\xc3\xa9\xff\xfe\x00---#'
    for i in range(40):
        size = rng.randrange(0, 400)
        blob = bytes(rng.choice(alphabet) for _ in range(size))
        if i % 2:
            blob = blob.replace(b"\x00", b" ")
        land(tmp_path, f"f{i:02d}{suffix}", blob)
    files, rejects = discover(tmp_path, CAP)
    assert len(files) == 40 and rejects == []
    for f in files:
        articles, refused = read_landing_file(f, CAP)
        assert articles or refused
        for a in articles:
            assert a.text and a.text == normalise_text(a.text)
        for r in refused:
            assert r.reason and r.detail and r.source_file == f.name


def test_landing_file_is_plain_data() -> None:
    f = LandingFile(path=Path("/x/a.txt"), name="a.txt", size=1, sha256="0" * 64)
    with pytest.raises(AttributeError):
        f.size = 2  # type: ignore[misc]


def test_discovery_trusts_a_known_size_and_mtime_and_hashes_anything_else(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.ingest as ingest

    (tmp_path / "same.txt").write_text("Drones hit the port.", encoding="utf-8")
    (tmp_path / "touched.txt").write_text("Shelling hit the market.", encoding="utf-8")
    (tmp_path / "new.txt").write_text("A new report.", encoding="utf-8")
    st_same, st_touched = os.stat(tmp_path / "same.txt"), os.stat(tmp_path / "touched.txt")
    known = {"same.txt": (st_same.st_size, st_same.st_mtime_ns, "a" * 64),
             "touched.txt": (st_touched.st_size, st_touched.st_mtime_ns - 1, "b" * 64)}
    hashed: list[str] = []
    real = ingest._sha256_of
    monkeypatch.setattr(ingest, "_sha256_of", lambda p: hashed.append(p.name) or real(p))

    files, _ = discover(tmp_path, CAP, known)

    by_name = {f.name: f.sha256 for f in files}
    assert by_name["same.txt"] == "a" * 64  # taken from the ledger, not read
    assert by_name["touched.txt"] == hashlib.sha256(
        (tmp_path / "touched.txt").read_bytes()).hexdigest()
    assert sorted(hashed) == ["new.txt", "touched.txt"]


def test_a_page_headline_stays_apart_from_the_first_paragraph() -> None:
    from flows.ingest_formats import read_html

    headline = "Drones hit Sumy overnight, 12 shot down"
    body = ("SUMY, Ukraine, May 4 (Northgate Wire) - Russia sent 15 attack drones at Sumy "
            "overnight and air defence shot down 12 of them, the regional governor said.")
    page = read_html(
        f"<html><head><title>{headline} | Northgate Wire</title></head><body>"
        f"<nav>Home News Sport</nav><article><h1>{headline}</h1><p>{body}</p>"
        f"<p>Two houses were damaged in the city, officials said on Saturday.</p>"
        f"</article></body></html>")

    assert page.text.startswith(headline + "\n\nSUMY, Ukraine")


def test_discovery_can_leave_new_names_unhashed_for_the_reader_to_hash(
        tmp_path: Path) -> None:
    from flows.load import read_chunk

    (tmp_path / "fresh.txt").write_text("Drones hit the port overnight.", encoding="utf-8")
    files, _ = discover(tmp_path, CAP, {}, hash_new=False)
    assert [f.sha256 for f in files] == [None]

    chunk = read_chunk(files, CAP)

    digest = hashlib.sha256((tmp_path / "fresh.txt").read_bytes()).hexdigest()
    assert [f.sha256 for f in chunk.settled] == [digest]
    assert chunk.tables is not None and chunk.n_articles == 1
    assert chunk.tables["incoming_articles"].column("file_sha256").to_pylist() == [digest]
    assert chunk.tables["incoming_files"].column("file_sha256").to_pylist() == [digest]
