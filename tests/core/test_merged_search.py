"""The matching lines of several logs in the order they arrived: logs and times files written as
the engine writes them, scanned by GNU grep and by the Python scan alike, the matches timed from
the times files and merged by time (those without a time last, in log order), with progress
across every log."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path

import psutil
import pytest

from sidetui.core.output import log_grep, log_search
from sidetui.core.output.line_times import LineTimes, TimesFile
from sidetui.core.output.log_file import LogFile, LogWriter
from sidetui.core.output.log_query import LineQuery, SearchUpdate
from sidetui.core.output.merged_search import (
    ArrivalOrder,
    LogsUpdate,
    TimedMatch,
    search_logs,
    timed_match,
)
from sidetui.core.output.stream import OutputStream


@pytest.fixture(params=["python", "grep"])
def scanner(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Which scanner runs: the Python scan (no grep on the PATH) or GNU grep."""
    if request.param == "python":
        monkeypatch.setenv("PATH", "/nonexistent")
    log_grep.gnu_grep.cache_clear()
    if request.param == "grep" and log_grep.gnu_grep() is None:
        pytest.skip("GNU grep is not installed")
    monkeypatch.setattr(log_search, "BLOCK_BYTES", 61)  # many blocks, cut inside lines
    monkeypatch.setattr(log_search, "SMALL_BYTES", 0)  # grep for small logs too
    yield request.param
    log_grep.gnu_grep.cache_clear()


async def written(path: Path, reads: list[tuple[float, bytes]]) -> Path:
    """A log and its times file as the engine writes them: each read at its time."""
    writer = LogWriter()
    stream = OutputStream(path.name, LogFile(path, writer), 100, 10_000, 1_000)
    stream.times = TimesFile(path, writer)
    for when, data in reads:
        stream.feed(data, when=when)
    stream.close(when=reads[-1][0] if reads else 0.0)
    await asyncio.gather(*(asyncio.wrap_future(sink.closed) for sink in stream.sinks))
    return path


async def everything(logs: list[Path], query: LineQuery) -> tuple[ArrivalOrder, list[LogsUpdate]]:
    order, updates = ArrivalOrder(), []
    async for update in search_logs(logs, query):
        order.add(update.matches)
        updates.append(update)
    return order, updates


async def test_matches_of_several_logs_come_in_the_order_they_arrived(
    tmp_path: Path, scanner: str
) -> None:
    odd = await written(
        tmp_path / "odd.stdout",
        [(1.0, b"needle 1\nhay\n"), (3.0, b"hay\nneedle "), (5.0, b"5\n"), (7.0, b"needle 7")],
    )
    even = await written(
        tmp_path / "even.stderr", [(2.0, b"hay\nNEEDLE 2\n"), (4.0, b"needle 4\nhay\nhay\n")]
    )
    untimed = tmp_path / "old.stdout"  # a log without a times file
    untimed.write_bytes(b"needle u1\nhay\nneedle u2\n")

    order, updates = await everything([odd, untimed, even], LineQuery("needle"))

    assert [m.text for m in order.matches] == [
        "needle 1",
        "NEEDLE 2",
        "needle 4",
        "needle 5",  # its newline came at 5.0
        "needle 7",  # unended: the time the log closed
        "needle u1",
        "needle u2",
    ]
    assert [m.time for m in order.matches] == [1.0, 2.0, 4.0, 5.0, 7.0, 0.0, 0.0]
    assert [(m.log, m.number) for m in order.matches][:2] == [(0, 0), (2, 1)]
    assert [m.untimed for m in order.matches] == [False] * 5 + [True] * 2
    progress = [u.progress for u in updates]
    assert [p.scanned for p in progress] == sorted(p.scanned for p in progress)
    last = progress[-1]
    size = sum(path.stat().st_size for path in (odd, untimed, even))
    assert last.done and last.scanned == last.total == size
    assert (last.lines, last.found) == (5 + 3 + 5, 7)
    assert not any(p.done for p in progress[:-1])
    assert {u.log for u in updates if u.scan.done} == {0, 1, 2}
    assert {u.log: u.timed for u in updates} == {0: True, 1: False, 2: True}


async def test_a_log_that_cannot_be_read_says_so_and_the_others_are_scanned(
    tmp_path: Path, scanner: str
) -> None:
    present = await written(tmp_path / "present.stdout", [(1.0, b"needle here\n")])
    order, updates = await everything([tmp_path / "deleted.stdout", present], LineQuery("needle"))
    assert [m.text for m in order.matches] == ["needle here"]
    failed = [u for u in updates if u.log == 0 and u.scan.done]
    assert failed and failed[0].scan.error and "cannot read" in failed[0].scan.error
    assert updates[-1].progress.done and updates[-1].progress.found == 1


async def test_no_logs_no_updates() -> None:
    assert (await everything([], LineQuery("x")))[1] == []


async def test_both_scanners_number_each_match_as_its_line_in_the_log(
    tmp_path: Path, scanner: str
) -> None:
    rng = random.Random(5)
    lines = [rng.choice(["alpha", "beta gamma", "", "ALPHA x", "ärger"]) for _ in range(400)]
    path = tmp_path / "run.stdout"
    path.write_bytes(("\n".join(lines) + "\nalpha, unended").encode())
    for query in (LineQuery("alpha"), LineQuery("alpha", invert=True), LineQuery("ärger")):
        updates: list[SearchUpdate] = []
        log_search.scan_log(path, query, updates.append, threading.Event(), numbered=True)
        numbers = [n for u in updates for n in u.numbers]
        texts = [t for u in updates for t in u.texts]
        everyone = [*lines, "alpha, unended"]
        assert numbers == [n for n, line in enumerate(everyone) if query.matches(line)], query
        assert texts == [everyone[n] for n in numbers]


async def test_a_line_is_timed_by_the_read_that_brought_its_newline(tmp_path: Path) -> None:
    log = await written(
        tmp_path / "x.stdout", [(1.0, b"a\nb"), (2.0, b"c"), (3.0, b"\nd\ne\n"), (4.0, b"f")]
    )
    times = LineTimes.read(log)
    assert [times.of_line(n) for n in range(5)] == [1.0, 3.0, 3.0, 3.0, 4.0]  # f: at the close


def test_the_order_puts_late_finds_in_their_places_and_keeps_the_newest() -> None:
    order = ArrivalOrder(max_kept=4)
    order.add([timed_match(t, 0, n, f"a{t:g}") for n, t in enumerate((1.0, 3.0, 5.0))])
    order.add([timed_match(None, 1, 0, "b?"), timed_match(4.0, 1, 1, "b4")])
    assert [m.text for m in order.matches] == ["a3", "b4", "a5", "b?"]
    assert order.let_go == 1
    order.add([timed_match(0.5, 2, 0, "too early")])  # older than every kept one: let go
    assert [m.text for m in order.matches] == ["a3", "b4", "a5", "b?"] and order.let_go == 2
    same = [TimedMatch(False, 9.0, 1, 3, "x"), TimedMatch(False, 9.0, 0, 7, "y")]
    order.add(same)
    assert [m.text for m in order.matches[-3:]] == ["y", "x", "b?"]  # equal times: by log


async def test_leaving_the_search_early_ends_the_scan_that_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if log_grep.gnu_grep() is None:
        pytest.skip("GNU grep is not installed")
    monkeypatch.setattr(log_grep, "REPORT_EVERY", 0.0)
    monkeypatch.setattr(log_grep, "READ_BYTES", 4096)  # grep waits on the full pipe meanwhile
    big = tmp_path / "big.stdout"
    big.write_bytes(b"every line matches here\n" * 400_000)
    async with aclosing(search_logs([big, big], LineQuery("here"))) as search:
        async for update in search:
            assert not update.progress.done and children()
            break
    assert children() == []


def children() -> list[psutil.Process]:
    return [p for p in psutil.Process().children() if p.name() in ("grep", "wc")]
