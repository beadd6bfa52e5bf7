"""Bad input, one kind per test: each ends as a reject or quarantine with a reason (or, where
the input is merely awkward, as a correctly read article), and every other file still loads.

Most kinds share one landing folder and one real pipeline run (the module fixture), which is
the point: a batch full of bad files still publishes its good articles. Kinds that need a run
of their own (a file still being written, an unreadable folder, a read-only or full disk)
follow at the end.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, ScriptedExtractor, casualty, require_extractor, write_article

from flows.extract.model import EventDate
from flows.fault_harness import compare, leftovers, snapshot
from flows.pipeline import RunSummary, run_pipeline
from flows.settings import Settings, load_settings
from flows.status import read_status

MB = 1024 * 1024
OUTSIDE_MARKER = "OUTSIDE-THE-LANDING-FOLDER-7731"

GOOD_ATTACK = ("KYIV, March 9 (Test Wire) - Russia launched 35 Shahed drones at the Kyiv region "
               "overnight, and air defence destroyed 31 of them, the air force said on "
               "Saturday.")
GOOD_TOLL = ("KHERSON, March 8 (Test Wire) - Russian shelling killed four people in Kherson "
             "on Friday, the regional governor said.")
ABSURD = ("KYIV, March 9 (Test Wire) - Russia launched 10 billion drones at the Kyiv region "
          "overnight, the air force said on Saturday.")
NEGATIVE = ("KHERSON, March 9 (Test Wire) - Russian shelling left -5 killed in Kherson on "
            "Saturday, a local channel claimed.")
OVERCOUNT = ("ODESA, March 9 (Test Wire) - Air defence destroyed 40 of the 12 drones Russia "
             "launched at Odesa overnight, the southern command said on Saturday.")
GERMAN = ("KIEW, 9. Maerz - Russland hat in der Nacht 35 Drohnen auf die Region Kiew "
          "gestartet, die Luftabwehr hat 31 davon abgeschossen, teilte die Luftwaffe mit.")
SQL = "'); DROP TABLE dim_article; --"
BYLINE = "The city council approved a new timetable for trams on {day}, the mayor said."


def story(i: int) -> str:
    """A distinct harmless text for a good line or file (distinct texts never deduplicate)."""
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    return f"Item {i}. " + BYLINE.format(day=days[i % 7])


def jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


def front(body: str, **meta: str) -> str:
    head = "\n".join(f"{k}: {v}" for k, v in meta.items())
    return f"---\n{head}\n---\n{body}\n"


def _write(landing: Path, name: str, content: str | bytes) -> None:
    path = landing / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)


def build_landing(root: Path) -> Path:
    """The mixed landing folder: good articles among every kind of bad input."""
    landing = root / "landing"
    landing.mkdir()
    w = lambda name, content: _write(landing, name, content)  # noqa: E731
    future = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    rng = random.Random(5)

    w("good/attack.txt", front(GOOD_ATTACK, title="Drones over Kyiv", published_at="2024-03-09",
                               language="en"))
    w("good/toll.md", front(GOOD_TOLL, title="Shelling in Kherson", published_at="2024-03-08"))
    w("empty.txt", b"")
    w("whitespace.md", " \n\t\r\n \u00a0 \n")
    w("photo.txt", bytes(rng.randrange(256) for _ in range(8192)))
    w("invalid-utf8.txt", b"Air defence worked through the night in Lviv "
      + b"\x81\x8d\x8f\x90\x9d and at dawn.")
    w("latin1.txt", front(story(1) + " The caf\u00e9 on the square reopened.",
                          published_at="2024-03-09").encode("latin-1"))
    w("latin1-undefined.txt", "R\u00e9sum\u00e9 of the night".encode("latin-1") + b"\x81\x9d")
    w("utf16-bom.txt", front(story(2), title="Wide text").encode("utf-16"))
    w("utf16-no-bom.txt", story(3).encode("utf-16-le"))
    w("controls.txt", bytes([1, 2, 3, 27, 127]) * 300 + b"tail")
    w("gzip.jsonl", gzip.compress(jsonl({"text": story(4)}).encode()))
    with open(landing / "huge.txt", "wb") as fh:
        chunk = b"Drones were reported over the region again. " * 1000
        for _ in range(50 * MB // len(chunk) + 1):
            fh.write(chunk)
    w("one-line.txt", "The shelling went on. " * (MB // 22 + 10))
    w("nav-only.html", "<html><head><script>var a = 1;</script><style>p{}</style></head><body>"
                       "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
                       "<script>track('page');</script><footer>All rights reserved</footer>"
                       "</body></html>")
    w("feed-malformed.jsonl", jsonl({"id": "ok", "text": story(5)},
                                    '{"id": "broken", "text": "unterminated'))
    w("feed-no-text.jsonl", jsonl({"id": "ok", "text": story(6)},
                                  {"id": "no-text", "title": "A headline only"}))
    w("feed-wrong-types.jsonl", jsonl({"id": "ok", "text": story(7)},
                                      {"id": "typed", "text": story(8), "published_at": 20240309,
                                       "title": ["not", "a", "string"], "source": {"n": 1}}))
    w("impossible-date.md", front(story(9), published_at="2024-02-30"))
    w("future-date.txt", front(story(10), published_at=future))
    w("non-english.txt", front(GERMAN, title="Drohnenangriff", published_at="2024-03-09"))
    w("absurd.txt", front(ABSURD, published_at="2024-03-09"))
    w("negative.txt", front(NEGATIVE, published_at="2024-03-09"))
    w("overcount.txt", front(OVERCOUNT, published_at="2024-03-09"))
    w("sql.txt", front(f"{SQL} {story(11)}", title=SQL, source=f"x{SQL}", url="https://e.x/?q="
                       "1%27%3B%20DROP%20TABLE%20dim_article"))
    w("feed-sql.jsonl", jsonl({"id": SQL, "text": f"{story(12)} {SQL}", "title": SQL}))
    w("two words.txt", story(13))
    w("Харків звіт.txt", story(14))
    w("-rf.txt", story(15))
    w("--help.md", story(16))
    w("line\nbreak.txt", story(17))
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{OUTSIDE_MARKER} {story(18)}", encoding="utf-8")
    (landing / "leak.txt").symlink_to(outside / "secret.txt")
    (landing / "leak-folder").symlink_to(outside, target_is_directory=True)
    w("kyiv.txt/inside.txt", story(19))
    (landing / "empty-folder.html").mkdir()
    w("incoming.txt.part", story(20))
    w("dup-first.txt", front(story(21), title="First telling", source="Wire A"))
    w("dup-second.txt", front(story(21), title="Second telling", source="Wire B",
                              published_at="2024-03-09"))
    w("zz-copy-of-attack.txt", (landing / "good" / "attack.txt").read_bytes())
    w("empty.jsonl", b"")
    w("blank-lines.jsonl", "\n\n   \n")
    w("feed-nested.jsonl", jsonl({"id": "ok", "text": story(22)},
                                 '{"text": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                                 {"id": "nested-title", "text": story(23),
                                  "title": {"a": {"b": {"c": ["d"]}}}}))
    w("long-title.md", front(story(24), title="T" * 100_000))
    w("feed-long-title.jsonl", jsonl({"id": "ok", "text": story(25)},
                                     {"id": "long", "text": story(26), "title": "T" * 100_000}))
    w("report.pdf", b"%PDF-1.7 not an article")
    (landing / "gone.txt").symlink_to(landing / "never-there.txt")
    os.mkfifo(landing / "pipe.txt")
    w("feed-not-object.jsonl", jsonl({"id": "ok", "text": story(27)}, [1, 2, 3]))
    w("feed-duplicate-id.jsonl", jsonl({"id": "same", "text": story(28)},
                                       {"id": "same", "text": story(29)}))
    w("feed-bad-language.jsonl", jsonl({"id": "ok", "text": story(30)},
                                       {"id": "lang", "text": story(31), "language": "english"}))
    w("feed-invalid-utf8.jsonl", json.dumps({"id": "ok", "text": story(32)}).encode() + b"\n"
      + b'{"id": "bad", "text": "caf\xe9 at night"}\n')
    w("front-matter-only.md", "---\ntitle: Nothing below\n---\n\n")
    return landing


@dataclass
class Batch:
    settings: Settings
    summary: RunSummary

    def query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        with duckdb.connect(str(self.settings.warehouse_path), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    def rejects(self, name: str) -> list[tuple[object, ...]]:
        """(reason, line) of a file's rejects, in line order."""
        return self.query("select reason, line from rejects where source_file = ? "
                          "order by line nulls first, reason", name)

    def reject_detail(self, name: str) -> str:
        return " ".join(str(r[0]) for r in self.query(
            "select detail from rejects where source_file = ?", name))

    def articles(self, name: str) -> list[tuple[object, ...]]:
        """(article_id, title, language, text) of the articles a file gave."""
        return self.query("select article_id, title, language, text from dim_article "
                          "where source_file = ? order by article_id", name)

    def quarantined(self, name: str) -> list[object]:
        return [r[0] for r in self.query(
            "select q.check_name from quarantine q join dim_article a using (article_key) "
            "where a.source_file = ? order by 1", name)]

    def facts(self, name: str) -> int:
        row = self.query(
            "select (select count(*) from fact_strike f join dim_article a using (article_key) "
            "where a.source_file = $1) + (select count(*) from fact_casualty f "
            "join dim_article a using (article_key) where a.source_file = $1)", name)
        return int(row[0][0])  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    require_extractor()
    root = tmp_path_factory.mktemp("bad-input")
    landing = build_landing(root)
    settings = load_settings().with_overrides(landing, root / "wh" / "warehouse.duckdb")
    yield Batch(settings, run_pipeline(settings))
    shutil.rmtree(root, ignore_errors=True)


def test_the_batch_publishes_and_the_good_articles_load(batch: Batch) -> None:
    assert batch.summary.status == "published", batch.summary.message
    assert batch.articles("good/attack.txt")[0][:3] == ("good/attack.txt", "Drones over Kyiv",
                                                        "en")
    assert batch.query("select launched, intercepted from v_strikes where article_key in "
                       "(select article_key from dim_article "
                       "where source_file = 'good/attack.txt')") == [(35, 31)]
    assert batch.query("select killed from v_casualties where article_key in (select "
                       "article_key from dim_article where source_file = 'good/toll.md')"
                       ) == [(4,)]


def test_status_accounts_for_every_file_of_the_mixed_folder(batch: Batch) -> None:
    status = read_status(batch.settings.warehouse_path, batch.settings.landing_dir)
    assert status.files_unaccounted == []
    assert status.landing is not None and status.landing.pending == []
    # Every entry but folders and the in-progress .part file is a file seen.
    entries = [Path(folder, name) for folder, dirs, names in os.walk(batch.settings.landing_dir)
               for name in names + [d for d in dirs if Path(folder, d).is_symlink()]]
    expected = [e for e in entries if not e.name.endswith(".part")]
    assert status.landing.files == status.landing.accounted == status.files_seen
    assert status.files_seen == len(expected) >= 50


# --- one test per kind -----------------------------------------------------------------------


def test_empty_file(batch: Batch) -> None:
    assert batch.rejects("empty.txt") == [("empty_file", None)]
    row = batch.query("select file_size, file_sha256 from rejects where source_file = ?",
                      "empty.txt")
    assert row == [(0, hashlib.sha256(b"").hexdigest())]


def test_whitespace_only_file(batch: Batch) -> None:
    assert batch.rejects("whitespace.md") == [("empty_file", None)]


def test_binary_bytes_with_a_txt_name(batch: Batch) -> None:
    assert batch.rejects("photo.txt") == [("not_text", None)]
    assert batch.articles("photo.txt") == []


def test_invalid_utf8(batch: Batch) -> None:
    assert batch.rejects("invalid-utf8.txt") == [("invalid_encoding", None)]
    assert "not valid UTF-8" in batch.reject_detail("invalid-utf8.txt")


def test_latin1_is_decoded_exactly_or_refused_never_garbled(batch: Batch) -> None:
    (article,) = batch.articles("latin1.txt")
    assert "The caf\u00e9 on the square reopened." in str(article[3])
    assert batch.rejects("latin1.txt") == []
    assert batch.rejects("latin1-undefined.txt") == [("invalid_encoding", None)]


def test_utf16_with_bom_is_decoded_and_without_is_refused(batch: Batch) -> None:
    (article,) = batch.articles("utf16-bom.txt")
    assert (article[1], article[3]) == ("Wide text", story(2))
    assert batch.rejects("utf16-no-bom.txt") == [("not_text", None)]


def test_control_characters_and_gzip_are_not_text(batch: Batch) -> None:
    assert batch.rejects("controls.txt") == [("not_text", None)]
    assert batch.rejects("gzip.jsonl") == [("not_text", None)]


def test_a_50_mb_file_is_refused_unread_with_size_and_hash(batch: Batch) -> None:
    path = batch.settings.landing_dir / "huge.txt"
    assert path.stat().st_size > 50 * MB > batch.settings.max_file_bytes
    assert batch.rejects("huge.txt") == [("too_large", None)]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert batch.query("select file_size, file_sha256 from rejects where source_file = ?",
                       "huge.txt") == [(path.stat().st_size, digest)]


def test_one_1_mb_line(batch: Batch) -> None:
    assert batch.rejects("one-line.txt") == [("line_too_long", None)]
    assert "above the limit" in batch.reject_detail("one-line.txt")


def test_html_that_is_only_scripts_and_navigation(batch: Batch) -> None:
    assert batch.rejects("nav-only.html") == [("no_article_text", None)]


def test_a_malformed_jsonl_line_and_the_good_line_loads(batch: Batch) -> None:
    assert batch.rejects("feed-malformed.jsonl") == [("bad_json", 2)]
    assert [a[0] for a in batch.articles("feed-malformed.jsonl")] == ["feed-malformed.jsonl#ok"]


def test_jsonl_without_text(batch: Batch) -> None:
    assert batch.rejects("feed-no-text.jsonl") == [("missing_text", 2)]
    assert len(batch.articles("feed-no-text.jsonl")) == 1


def test_wrong_types_in_metadata(batch: Batch) -> None:
    assert batch.rejects("feed-wrong-types.jsonl") == [("bad_metadata", 2)]
    detail = batch.reject_detail("feed-wrong-types.jsonl")
    assert all(k in detail for k in ("published_at", "title", "source"))


def test_impossible_published_at(batch: Batch) -> None:
    assert batch.rejects("impossible-date.md") == [("bad_metadata", None)]
    assert "2024-02-30" in batch.reject_detail("impossible-date.md")


def test_future_published_at(batch: Batch) -> None:
    assert batch.rejects("future-date.txt") == [("bad_metadata", None)]
    assert "future" in batch.reject_detail("future-date.txt")


def test_non_english_text_is_kept_without_facts(batch: Batch) -> None:
    (article,) = batch.articles("non-english.txt")
    assert article[2] == "de"
    assert batch.facts("non-english.txt") == 0


def test_absurd_figure_is_quarantined(batch: Batch) -> None:
    assert batch.quarantined("absurd.txt") == ["drones_in_one_attack_plausible"]
    assert batch.facts("absurd.txt") == 0
    (values,) = batch.query("select offending_values from quarantine where check_name = "
                            "'drones_in_one_attack_plausible'")
    assert "10000000000" in str(values[0])


def test_negative_figure_is_never_published(batch: Batch) -> None:
    assert batch.query("select count(*) from fact_casualty where killed < 0 or injured < 0"
                       ) == [(0,)]
    assert len(batch.articles("negative.txt")) == 1


def test_negative_figure_read_by_an_extractor_is_quarantined(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    night = EventDate(date(2024, 3, 9), "day")
    scripted.add("-5 killed", lambda t, p: [casualty(t, t.split("\n")[-1], -5, None, night)])
    scripted.add("four people", lambda t, p: [casualty(t, t.split("\n")[-1], 4, None, night)])
    write_article(wh_settings.landing_dir, "negative.txt", NEGATIVE.split(" - ", 1)[1])
    write_article(wh_settings.landing_dir, "toll.txt", GOOD_TOLL.split(" - ", 1)[1])
    assert run_pipeline(wh_settings).status == "published"
    with duckdb.connect(str(wh_settings.warehouse_path), read_only=True) as con:
        assert con.execute("select killed from fact_casualty").fetchall() == [(4,)]
        assert con.execute("select check_name from quarantine").fetchall() == [
            ("killed_not_negative",)]


def test_more_intercepted_than_launched_is_quarantined(batch: Batch) -> None:
    assert batch.quarantined("overcount.txt") == ["intercepted_not_above_launched"]


def test_sql_looking_text_and_metadata_are_stored_verbatim_and_harmless(batch: Batch) -> None:
    (article,) = batch.articles("sql.txt")
    assert article[1] == SQL and str(article[3]).startswith(SQL)
    assert batch.query("select source from dim_article where source_file = 'sql.txt'") == [
        (f"x{SQL}",)]
    assert [a[0] for a in batch.articles("feed-sql.jsonl")] == [f"feed-sql.jsonl#{SQL}"]
    # dim_article is still there, with every other article in it.
    assert batch.query("select count(*) from dim_article")[0][0] == batch.summary.articles_new


@pytest.mark.parametrize("name", ["two words.txt", "Харків звіт.txt", "-rf.txt", "--help.md",
                                  "line\nbreak.txt"])
def test_awkward_file_names_load_under_their_own_name(batch: Batch, name: str) -> None:
    assert [a[0] for a in batch.articles(name)] == [name]
    assert batch.rejects(name) == []


def test_symlink_outside_the_landing_folder_is_not_followed(batch: Batch) -> None:
    assert batch.rejects("leak.txt") == [("symlink_outside_landing", None)]
    assert batch.rejects("leak-folder") == [("symlink_outside_landing", None)]
    assert batch.query("select count(*) from dim_article where text like ?",
                       f"%{OUTSIDE_MARKER}%") == [(0,)]


def test_a_directory_named_like_an_article(batch: Batch) -> None:
    assert [a[0] for a in batch.articles("kyiv.txt/inside.txt")] == ["kyiv.txt/inside.txt"]
    assert batch.rejects("kyiv.txt") == [] and batch.rejects("empty-folder.html") == []


def test_an_in_progress_suffix_is_left_alone(batch: Batch) -> None:
    assert batch.articles("incoming.txt.part") == [] and batch.rejects("incoming.txt.part") == []


def test_the_same_text_twice_with_different_metadata(batch: Batch) -> None:
    assert [a[1] for a in batch.articles("dup-first.txt")] == ["First telling"]
    assert batch.rejects("dup-second.txt") == [("duplicate", None)]
    assert batch.articles("dup-second.txt") == []
    assert batch.rejects("zz-copy-of-attack.txt") == [("duplicate", None)]


def test_an_empty_jsonl(batch: Batch) -> None:
    assert batch.rejects("empty.jsonl") == [("empty_file", None)]
    assert batch.rejects("blank-lines.jsonl") == [("empty_file", None)]


def test_deeply_nested_json(batch: Batch) -> None:
    assert batch.rejects("feed-nested.jsonl") == [("bad_json", 2), ("bad_metadata", 3)]
    assert [a[0] for a in batch.articles("feed-nested.jsonl")] == ["feed-nested.jsonl#ok"]


def test_a_100_kb_title(batch: Batch) -> None:
    assert batch.rejects("long-title.md") == [("bad_metadata", None)]
    assert "100,000 characters" in batch.reject_detail("long-title.md")
    assert batch.rejects("feed-long-title.jsonl") == [("bad_metadata", 2)]


def test_unsupported_type(batch: Batch) -> None:
    assert batch.rejects("report.pdf") == [("unsupported_type", None)]


def test_broken_link_and_fifo_are_not_files(batch: Batch) -> None:
    assert batch.rejects("gone.txt") == [("not_a_file", None)]
    assert batch.rejects("pipe.txt") == [("not_a_file", None)]


def test_jsonl_line_that_is_not_an_object(batch: Batch) -> None:
    assert batch.rejects("feed-not-object.jsonl") == [("bad_json", 2)]


def test_jsonl_duplicate_id(batch: Batch) -> None:
    assert batch.rejects("feed-duplicate-id.jsonl") == [("duplicate_id", 2)]


def test_bad_language_code(batch: Batch) -> None:
    assert batch.rejects("feed-bad-language.jsonl") == [("bad_metadata", 2)]


def test_jsonl_line_that_is_not_utf8(batch: Batch) -> None:
    assert batch.rejects("feed-invalid-utf8.jsonl") == [("invalid_encoding", 2)]
    assert len(batch.articles("feed-invalid-utf8.jsonl")) == 1


def test_front_matter_only(batch: Batch) -> None:
    assert batch.rejects("front-matter-only.md") == [("empty_file", None)]


def test_every_reject_names_its_file_and_reason(batch: Batch) -> None:
    rows = batch.query("select source_file, reason, detail, file_sha256, file_size, line "
                       "from rejects")
    assert len(rows) == sum(batch.summary.rejected.values()) > 30
    for name, reason, detail, sha, size, _line in rows:
        assert name and reason and detail
        if reason not in ("symlink_outside_landing", "not_a_file"):
            assert sha is not None and size is not None, (name, reason)


# --- kinds that need runs of their own -------------------------------------------------------


def test_a_file_still_being_written_is_picked_up_next_run(
        wh_settings: Settings, scripted: ScriptedExtractor) -> None:
    landing = wh_settings.landing_dir
    write_article(landing, "ready.txt", story(40))
    part = landing / "slow.txt.part"
    part.write_text(story(41))
    growing = landing / "growing.txt"
    stop = threading.Event()

    def writer() -> None:
        with open(growing, "a", encoding="utf-8") as fh:
            i = 0
            while not stop.is_set():
                fh.write(f"Line {i} of a long dispatch still arriving over the wire.\n")
                fh.flush()
                i += 1
                time.sleep(0.05)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while not growing.exists() or growing.stat().st_size == 0:
            time.sleep(0.01)
        first = run_pipeline(wh_settings)
    finally:
        stop.set()
        thread.join()
    assert first.status == "published"
    status = read_status(wh_settings.warehouse_path, landing)
    assert status.landing is not None and status.landing.pending == ["growing.txt"]
    assert status.articles == 1  # ready.txt only; nothing half-read was recorded

    part.rename(landing / "slow.txt")
    time.sleep(0.3)
    second = run_pipeline(wh_settings)
    assert second.articles_new == 2
    status = read_status(wh_settings.warehouse_path, landing)
    assert status.landing is not None and status.landing.pending == []
    with duckdb.connect(str(wh_settings.warehouse_path), read_only=True) as con:
        (text,) = con.execute("select text from dim_article where source_file = "
                              "'growing.txt'").fetchone() or ("",)
    assert text == growing.read_text().strip()  # the whole file, once


def _without_dac(cmd: list[str]) -> list[str]:
    """Run `cmd` so file permissions apply: as root, without the capabilities that skip them."""
    if os.geteuid() != 0:
        return cmd
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be made to bite")
    return ["setpriv", "--inh-caps=-all",
            "--bounding-set=-dac_override,-dac_read_search", "--", *cmd]


def _cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_without_dac([sys.executable, "-m", "flows.cli", *args]),
                          capture_output=True, text=True, timeout=300, cwd=REPO,
                          env={**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")})


def test_a_landing_folder_that_is_missing_or_not_a_folder(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    (tmp_path / "a-file").write_text("not a folder")
    for landing, message in ((tmp_path / "missing", "landing folder not found"),
                             (tmp_path / "a-file", "does not exist or is not a folder")):
        done = _cli(["run", "--landing", str(landing), "--warehouse", str(warehouse)], tmp_path)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr
    assert not warehouse.exists()


def test_a_landing_folder_that_cannot_be_read(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "a.txt").write_text(story(42))
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    landing.chmod(0o000)
    try:
        done = _cli(["run", "--landing", str(landing), "--warehouse", str(warehouse)], tmp_path)
    finally:
        landing.chmod(0o755)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "cannot be read" in done.stderr and "Permission denied" in done.stderr
    assert not warehouse.exists()


def test_a_warehouse_path_in_a_read_only_directory(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "a.txt").write_text(story(43))
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        done = _cli(["run", "--landing", str(landing), "--warehouse",
                     str(folder / "warehouse.duckdb")], tmp_path)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "cannot write in the warehouse folder" in done.stderr
    assert list(folder.iterdir()) == []


FULL_DISK_RUN = textwrap.dedent("""
    import sys
    from pathlib import Path
    from flows.pipeline import run_pipeline
    from flows.settings import load_settings
    settings = load_settings().with_overrides(Path(sys.argv[1]), Path(sys.argv[2]))
    try:
        print(run_pipeline(settings).status)
    except Exception as exc:
        print(f"failed: {type(exc).__name__}: {exc}")
        sys.exit(1)
""")


def _limited(limit: int) -> None:
    """In the child: files may not grow past `limit` bytes (EFBIG instead of a signal)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _two_batches(root: Path) -> tuple[Path, list[Path]]:
    samples = sorted((REPO / "samples" / "landing").iterdir())
    landing = root / "landing"
    landing.mkdir(parents=True)
    for path in samples[:4]:
        shutil.copy2(path, landing / path.name)
    return landing, samples[4:9]


def _reference(root: Path, landing: Path, later: list[Path]) -> Path:
    """The warehouse a healthy disk gives for the same two batches."""
    ref_landing = root / "ref-landing"
    shutil.copytree(landing, ref_landing)
    settings = load_settings().with_overrides(ref_landing, root / "ref" / "warehouse.duckdb")
    run_pipeline(settings)
    for path in later:
        shutil.copy2(path, ref_landing / path.name)
    assert run_pipeline(settings).status == "published"
    return settings.warehouse_path


@pytest.mark.parametrize(("big_article", "full_file"), [
    (False, ".warehouse.duckdb.next"),  # room for the work database, not for the candidate
    (True, "warehouse.work.duckdb"),  # a 3 MB article: the raw load itself cannot be written
])
def test_a_full_disk_loses_and_half_publishes_nothing(tmp_path: Path, big_article: bool,
                                                      full_file: str) -> None:
    require_extractor()
    landing, later = _two_batches(tmp_path)
    settings = load_settings().with_overrides(landing, tmp_path / "wh" / "warehouse.duckdb")
    assert run_pipeline(settings).status == "published"
    before = snapshot(settings.warehouse_path)
    if big_article:
        big = tmp_path / "long-dispatch.txt"
        big.write_text("\n".join(f"Paragraph {i}: " + story(i) for i in range(30_000)))
        later = [*later, big]
    for path in later:
        shutil.copy2(path, landing / path.name)

    done = subprocess.run([sys.executable, "-c", FULL_DISK_RUN, str(landing),
                           str(settings.warehouse_path)], capture_output=True, text=True,
                          timeout=300, preexec_fn=lambda: _limited(MB))
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "failed:" in done.stdout and "File too large" in done.stdout
    assert full_file in done.stdout
    assert compare(before, snapshot(settings.warehouse_path)).none  # the old file, whole
    assert leftovers(settings) == []

    assert run_pipeline(settings).status == "published"  # room again: the run completes
    diff = compare(snapshot(_reference(tmp_path, landing, later)),
                   snapshot(settings.warehouse_path))
    assert diff.none, diff


def test_a_full_tmpfs_loses_and_half_publishes_nothing(tmp_path: Path) -> None:
    require_extractor()
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                       check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot mount a tmpfs here (needs root); the size-limit test covers it")
    try:
        landing, later = _two_batches(mount)
        settings = load_settings().with_overrides(landing, mount / "wh" / "warehouse.duckdb")
        assert run_pipeline(settings).status == "published"
        before = snapshot(settings.warehouse_path)
        for path in later:
            shutil.copy2(path, landing / path.name)
        used = sum(p.stat().st_size for p in mount.rglob("*") if p.is_file())
        # Room for the work database to grow a little, not for a second published file.
        size_kb = (used + settings.warehouse_path.stat().st_size // 2) // 1024
        subprocess.run(["mount", "-o", f"remount,size={size_kb}k", str(mount)], check=True,
                       capture_output=True, timeout=30)

        with pytest.raises(Exception, match="(?i)space|disk|write|I/O"):
            run_pipeline(settings)
        assert compare(before, snapshot(settings.warehouse_path)).none
        assert leftovers(settings) == []

        subprocess.run(["mount", "-o", "remount,size=64m", str(mount)], check=True,
                       capture_output=True, timeout=30)
        assert run_pipeline(settings).status == "published"
        reference = _reference(tmp_path, landing, later)
        diff = compare(snapshot(reference), snapshot(settings.warehouse_path))
        assert diff.none, diff
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def test_codecs_used_here_are_what_the_files_claim() -> None:
    """The fixtures above must really be the encodings they are named after."""
    assert front("x").encode("utf-16").startswith(codecs.BOM_UTF16_LE)
    assert b"\x81" not in "\u00e9".encode("latin-1")
