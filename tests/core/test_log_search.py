"""Search and filter over a whole log on disk: the lines a plain line-by-line filter would keep,
in order, across blocks, with progress, the lines counted, capped, and stoppable - by the Python
scan and by GNU grep alike."""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable
from contextlib import aclosing
from pathlib import Path

import psutil
import pytest

from sidetui.core.output import log_grep, log_query, log_search
from sidetui.core.output.log_search import LineQuery, SearchUpdate, scan_log, search_log

WORDS = ["alpha", "Beta", "gamma", "ÄRGER", "ärger", "error", "Error:", "ok", "x" * 50]
Scan = Callable[[Path, LineQuery], list[SearchUpdate]]


def python_scan(path: Path, query: LineQuery) -> list[SearchUpdate]:
    updates: list[SearchUpdate] = []
    log_search.scan_in_python(path, query, updates.append, threading.Event())
    return updates


def grep_scan(path: Path, query: LineQuery) -> list[SearchUpdate]:
    if log_grep.gnu_grep() is None:
        pytest.skip("GNU grep is not installed")
    updates: list[SearchUpdate] = []
    assert log_grep.scan(path, query, updates.append, threading.Event())
    return updates


@pytest.fixture(params=[python_scan, grep_scan], ids=["python", "grep"])
def scan(request: pytest.FixtureRequest) -> Scan:
    return request.param  # type: ignore[no-any-return]


def found(updates: list[SearchUpdate]) -> list[str]:
    return [text for u in updates for text in u.texts]


def reference(path: Path, query: LineQuery, size: int | None = None) -> list[str]:
    """What a plain line-by-line filter keeps (of the first `size` bytes)."""
    lines = path.read_bytes()[:size].split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [text for line in lines if query.matches(text := line.decode("utf-8", "replace"))]


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(log_search, "BLOCK_BYTES", 997)  # many blocks, cut inside lines
    monkeypatch.setattr(log_grep, "READ_BYTES", 997)  # grep's output read in small pieces
    rng = random.Random(7)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6))) for _ in range(3_000)]
    lines[17] += " \xff\xfe broken UTF-8 ärger"
    path = tmp_path / "run.stdout"
    text = "\n".join(lines) + "\nlast line without newline Error: ärger"
    path.write_bytes(text.encode().replace("\xff\xfe".encode(), b"\xff\xfe"))
    return path


QUERIES = [
    LineQuery("error"),
    LineQuery("Error", case_sensitive=True),
    LineQuery("ärger"),  # beyond ASCII: ÄRGER matches too
    LineQuery("ärger", case_sensitive=True),
    LineQuery(r"^alpha\b", regex=True),
    LineQuery(r"gamma\s+ok$", regex=True, case_sensitive=True),
    LineQuery("ok", invert=True),
    LineQuery("x" * 50),
]


def query_id(query: LineQuery) -> str:
    flags = [("/re", query.regex), ("/case", query.case_sensitive), ("/invert", query.invert)]
    return query.text[:12] + "".join(word for word, on in flags if on)


@pytest.mark.parametrize("query", QUERIES, ids=query_id)
def test_the_scan_keeps_what_a_line_filter_keeps(log: Path, query: LineQuery) -> None:
    expected = reference(log, query)
    assert expected  # the query means something here
    updates: list[SearchUpdate] = []
    scan_log(log, query, updates.append, threading.Event())
    assert found(updates) == expected
    assert updates[-1].lines == 3_001 and updates[-1].found == len(expected)


@pytest.mark.parametrize("query", [q for q in QUERIES if log_grep.handles(q)], ids=query_id)
def test_grep_and_the_python_scan_agree(log: Path, query: LineQuery) -> None:
    by_grep, in_python = grep_scan(log, query), python_scan(log, query)
    assert found(by_grep) == found(in_python) == reference(log, query)
    assert by_grep[-1].lines == in_python[-1].lines == 3_001


def test_grep_takes_only_what_it_matches_as_python_does() -> None:
    assert log_grep.handles(LineQuery("error")) and log_grep.handles(
        LineQuery("ä", case_sensitive=True)
    )
    assert not log_grep.handles(LineQuery("ä"))  # full case folding: Python
    assert not log_grep.handles(LineQuery("a.c", regex=True))  # Python's regular expressions


def test_progress_is_reported_per_block_and_ends_done(log: Path) -> None:
    updates = python_scan(log, LineQuery("alpha"))
    assert len(updates) > 10
    assert [u.scanned for u in updates] == sorted(u.scanned for u in updates)
    assert updates[-1].done and updates[-1].scanned == updates[-1].total == log.stat().st_size
    assert updates[-1].lines == 3_001
    assert updates[-1].found == len(reference(log, LineQuery("alpha")))


def test_grep_reports_how_far_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_grep, "REPORT_EVERY", 0.0)
    monkeypatch.setattr(log_grep, "READ_BYTES", 4096)  # grep waits on the full pipe meanwhile
    path = tmp_path / "big.stdout"
    path.write_bytes(b"every line matches here\n" * 400_000)  # 9.6 MB
    updates = grep_scan(path, LineQuery("here"))
    progress = [u.scanned for u in updates]
    assert progress == sorted(progress)
    assert any(0 < scanned < path.stat().st_size for scanned in progress)
    assert updates[-1].done and updates[-1].scanned == updates[-1].total == path.stat().st_size
    assert updates[-1].found == updates[-1].lines == 400_000


def test_past_the_cap_matches_are_counted_not_kept(
    log: Path, scan: Scan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_query, "MAX_KEPT", 25)
    updates = scan(log, LineQuery("ok", invert=True))
    assert len(found(updates)) == 25
    assert updates[-1].found == len(reference(log, LineQuery("ok", invert=True))) > 25


def test_a_progress_bar_line_shows_its_last_state(tmp_path: Path, scan: Scan) -> None:
    path = tmp_path / "bar.stdout"
    path.write_bytes(b"fetch 10%\rfetch 50%\rfetch 100%\r\nother\n")
    assert found(scan(path, LineQuery("fetch"))) == ["fetch 100%"]


def test_a_bad_regular_expression_is_refused_with_the_reason() -> None:
    problem = LineQuery("(unclosed", regex=True).problem()
    assert problem is not None and "not a valid regular expression" in problem
    assert LineQuery("(plain text is fine)").problem() is None


def test_a_missing_log_ends_with_an_error_not_an_exception(tmp_path: Path) -> None:
    updates: list[SearchUpdate] = []
    scan_log(tmp_path / "gone.stdout", LineQuery("x"), updates.append, threading.Event())
    assert updates[-1].done and updates[-1].error and "gone.stdout" in updates[-1].error


def test_the_scan_covers_the_log_as_it_was_when_it_began(tmp_path: Path, scan: Scan) -> None:
    path = tmp_path / "growing.stdout"
    path.write_text("match 1\n")
    assert found(scan(path, LineQuery("match"))) == ["match 1"]
    updates: list[SearchUpdate] = []

    def report(update: SearchUpdate) -> None:
        updates.append(update)
        with path.open("a") as handle:
            handle.write("match later\n")  # written while the scan runs

    log_search.scan_in_python(path, LineQuery("match"), report, threading.Event())
    assert found(updates) == ["match 1"]


def test_grep_covers_as_far_as_it_read_when_the_log_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_grep, "REPORT_EVERY", 0.0)
    monkeypatch.setattr(log_grep, "READ_BYTES", 4096)  # grep waits on the full pipe meanwhile
    path = tmp_path / "growing.stdout"
    path.write_bytes(b"a match here\nnot this one\n" * 60_000)
    size = path.stat().st_size
    updates: list[SearchUpdate] = []

    def report(update: SearchUpdate) -> None:
        if not updates:
            with path.open("ab") as handle:
                handle.write(b"a match later\n" * 1_000 + b"a match still being writ")
        updates.append(update)

    if log_grep.gnu_grep() is None:
        pytest.skip("GNU grep is not installed")
    assert log_grep.scan(path, LineQuery("match"), report, threading.Event())
    end = updates[-1]
    assert end.done and end.scanned == end.total > size  # what it covers, all it read
    covered = path.read_bytes()[: end.total]
    assert end.lines == covered.count(b"\n") + (not covered.endswith(b"\n"))
    assert found(updates) == reference(path, LineQuery("match"), end.total)
    assert end.found == len(found(updates)) > 60_000


def grep_children() -> list[psutil.Process]:
    return [p for p in psutil.Process().children() if p.name() in ("grep", "wc")]


async def test_the_async_search_streams_updates_and_stops_when_left(log: Path) -> None:
    updates = [u async for u in search_log(log, LineQuery("gamma"))]
    assert updates[-1].done
    assert found(updates) == reference(log, LineQuery("gamma"))
    async with aclosing(search_log(log, LineQuery("gamma"))) as search:
        async for _ in search:
            break  # leaving early stops the scan; nothing hangs
    assert grep_children() == []  # a grep of a scan left early is ended


async def test_leaving_a_grep_scan_ends_grep(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(log_grep, "REPORT_EVERY", 0.0)
    monkeypatch.setattr(log_grep, "READ_BYTES", 4096)  # grep waits on the full pipe meanwhile
    if log_grep.gnu_grep() is None:
        pytest.skip("GNU grep is not installed")
    path = tmp_path / "big.stdout"
    path.write_bytes(b"every line matches here\n" * 400_000)
    async with aclosing(search_log(path, LineQuery("here"))) as search:
        async for update in search:
            assert not update.done and grep_children()
            break
    assert grep_children() == []


def test_a_regex_runs_on_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "u.stdout"
    path.write_text("grüße 1\nplain 2\n")
    updates: list[SearchUpdate] = []
    scan_log(path, LineQuery(r"gr.+e \d", regex=True), updates.append, threading.Event())
    assert found(updates) == ["grüße 1"]
    assert re.search(r"gr.+e \d", "grüße 1")


def test_lines_beyond_ascii_and_broken_utf8(tmp_path: Path, scan: Scan) -> None:
    path = tmp_path / "u.stdout"
    path.write_bytes("ärger\n\xff grüße\nÄRGER again\n".encode("utf-8", "surrogateescape"))
    expected = reference(path, LineQuery("ÄRGER", case_sensitive=True))
    assert expected == ["ÄRGER again"]
    assert found(scan(path, LineQuery("ÄRGER", case_sensitive=True))) == expected
    assert found(python_scan(path, LineQuery("ärger"))) == reference(path, LineQuery("ärger"))
