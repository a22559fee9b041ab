"""Search and filter over a whole log on disk: the lines a plain line-by-line filter would keep,
numbered as in the log, across blocks, with progress, capped, and stoppable."""

from __future__ import annotations

import random
import re
import threading
from pathlib import Path

import pytest

from sidetui.core.output import log_search
from sidetui.core.output.log_search import LineQuery, SearchUpdate, scan_log, search_log

WORDS = ["alpha", "Beta", "gamma", "ÄRGER", "ärger", "error", "Error:", "ok", "x" * 50]


def scan(path: Path, query: LineQuery) -> list[SearchUpdate]:
    updates: list[SearchUpdate] = []
    scan_log(path, query, updates.append, threading.Event())
    return updates


def found(path: Path, query: LineQuery) -> list[tuple[int, str]]:
    return [(m.number, m.text) for u in scan(path, query) for m in u.matches]


def reference(path: Path, query: LineQuery) -> list[tuple[int, str]]:
    """What a plain line-by-line filter keeps."""
    lines = path.read_bytes().decode("utf-8", "replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [(n, line) for n, line in enumerate(lines) if query.matches(line)]


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(log_search, "BLOCK_BYTES", 997)  # many blocks, cut inside lines
    rng = random.Random(7)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6))) for _ in range(3_000)]
    path = tmp_path / "run.stdout"
    path.write_text("\n".join(lines) + "\nlast line without newline Error: ärger")
    return path


@pytest.mark.parametrize(
    "query",
    [
        LineQuery("error"),
        LineQuery("Error", case_sensitive=True),
        LineQuery("ärger"),  # beyond ASCII: ÄRGER matches too
        LineQuery("ärger", case_sensitive=True),
        LineQuery(r"^alpha\b", regex=True),
        LineQuery(r"gamma\s+ok$", regex=True, case_sensitive=True),
        LineQuery("ok", invert=True),
        LineQuery("x" * 50),
    ],
    ids=lambda q: (
        f"{q.text[:12]}{'/re' if q.regex else ''}{'/case' if q.case_sensitive else ''}"
        f"{'/invert' if q.invert else ''}"
    ),
)
def test_the_scan_keeps_what_a_line_filter_keeps(log: Path, query: LineQuery) -> None:
    expected = reference(log, query)
    assert expected  # the query means something here
    assert found(log, query) == expected


def test_progress_is_reported_per_block_and_ends_done(log: Path) -> None:
    updates = scan(log, LineQuery("alpha"))
    assert len(updates) > 10
    assert [u.scanned for u in updates] == sorted(u.scanned for u in updates)
    assert updates[-1].done and updates[-1].scanned == updates[-1].total == log.stat().st_size
    assert updates[-1].lines == 3_001
    assert updates[-1].found == len(reference(log, LineQuery("alpha")))


def test_past_the_cap_matches_are_counted_not_kept(log: Path, monkeypatch) -> None:
    monkeypatch.setattr(log_search, "MAX_KEPT", 25)
    updates = scan(log, LineQuery("ok", invert=True))
    kept = [m for u in updates for m in u.matches]
    assert len(kept) == 25
    assert updates[-1].found == len(reference(log, LineQuery("ok", invert=True))) > 25


def test_a_progress_bar_line_shows_its_last_state(tmp_path: Path) -> None:
    path = tmp_path / "bar.stdout"
    path.write_bytes(b"fetch 10%\rfetch 50%\rfetch 100%\r\nother\n")
    assert found(path, LineQuery("fetch")) == [(0, "fetch 100%")]


def test_a_bad_regular_expression_is_refused_with_the_reason() -> None:
    problem = LineQuery("(unclosed", regex=True).problem()
    assert problem is not None and "not a valid regular expression" in problem
    assert LineQuery("(plain text is fine)").problem() is None


def test_a_missing_log_ends_with_an_error_not_an_exception(tmp_path: Path) -> None:
    updates = scan(tmp_path / "gone.stdout", LineQuery("x"))
    assert updates[-1].done and updates[-1].error and "gone.stdout" in updates[-1].error


def test_the_scan_covers_the_log_as_it_was_when_it_began(tmp_path: Path) -> None:
    path = tmp_path / "growing.stdout"
    path.write_text("match 1\n")
    updates: list[SearchUpdate] = []

    def report(update: SearchUpdate) -> None:
        updates.append(update)
        with path.open("a") as handle:
            handle.write("match later\n")  # written while the scan runs

    scan_log(path, LineQuery("match"), report, threading.Event())
    assert [m.text for u in updates for m in u.matches] == ["match 1"]


async def test_the_async_search_streams_updates_and_stops_when_left(log: Path) -> None:
    updates = [u async for u in search_log(log, LineQuery("gamma"))]
    assert updates[-1].done
    assert [(m.number, m.text) for u in updates for m in u.matches] == reference(
        log, LineQuery("gamma")
    )
    async for update in search_log(log, LineQuery("gamma")):
        assert not update.done
        break  # leaving early stops the scan; nothing hangs


def test_a_regex_runs_on_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "u.stdout"
    path.write_text("grüße 1\nplain 2\n")
    assert found(path, LineQuery(r"gr.+e \d", regex=True)) == [(0, "grüße 1")]
    assert re.search(r"gr.+e \d", "grüße 1")
