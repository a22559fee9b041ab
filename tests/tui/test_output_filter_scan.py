"""The output filter over a big log on disk: progress while the scan runs, matches streaming in
block by block, lines arriving after the scan tested as they come; over several logs (a merged
view), progress across them and the matches in the order they arrived."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sidetui.core.output import log_grep, log_search
from sidetui.core.output.line_times import TimesFile
from sidetui.core.output.log_file import LogFile, LogWriter
from sidetui.core.output.log_search import BLOCK_BYTES, LineQuery
from sidetui.core.output.stream import OutputStream
from sidetui.tui.widgets.line_filter import Content, LineFilter
from sidetui.tui.widgets.log_source import LogSource
from sidetui.tui.widgets.logs_filter import LogsFilter, filter_of


@pytest.fixture(params=["no grep", "grep"])
def grep(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Whether GNU grep is on the PATH (the scan hands plain text to it) or not."""
    if request.param == "no grep":
        monkeypatch.setenv("PATH", "/nonexistent")
    log_grep.gnu_grep.cache_clear()
    monkeypatch.setattr(log_search, "SMALL_BYTES", 0)  # grep for small logs too
    if request.param == "grep" and log_grep.gnu_grep() is None:
        pytest.skip("GNU grep is not installed")
    yield request.param == "grep"
    log_grep.gnu_grep.cache_clear()


async def test_a_big_log_is_scanned_with_progress_and_matches_stream_in(
    tmp_path: Path, grep: bool
) -> None:
    log = tmp_path / "big.stdout.log"
    line = b"x" * 70 + b" line end\n"
    lines = 5 * BLOCK_BYTES // len(line)  # five blocks and more
    with log.open("wb") as out:
        for block in range(5):
            out.write(f"needle in block {block}\n".encode() + line * (lines // 5))
    line_filter = LineFilter(LineQuery("NEEDLE"), log, "key")
    seen: list[tuple[str, int]] = []
    await line_filter.run(lambda: seen.append((line_filter.summary(), len(line_filter.lines))))

    counts = [count for _, count in seen]
    assert counts == sorted(counts) and counts[-1] == 5
    if not grep:  # block by block (grep reports every 0.1 s: once or twice here)
        assert any("scanning" in summary and "%" in summary for summary, _ in seen), seen
        assert 0 < counts[0] < counts[-1]  # as they were found
    assert line_filter.lines == [f"needle in block {block}" for block in range(5)]
    total = 5 + 5 * (lines // 5)
    assert seen[-1][0] == f"filter 'NEEDLE': 5 of {total:,} lines"

    tail = [*line_filter.lines[-2:], "hay", "a new needle", "a needle still being writ"]
    shown = line_filter.apply(
        Content("key", tail, total - 2, times=[1.0, 2.0, 3.0, 4.0, 0.0], partial=True)
    )
    assert list(shown.lines)[-2:] == ["needle in block 4", "a new needle"]
    assert list(shown.times or [])[-1] == 4.0


async def test_many_logs_are_scanned_with_progress_across_them_matches_in_arrival_order(
    tmp_path: Path, grep: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_search, "BLOCK_BYTES", 4096)  # each log a few blocks
    hay = b"hay and more hay\n" * 600
    sources = []
    for index, name in enumerate(("odd.stdout", "even.stderr")):
        writer, path = LogWriter(), tmp_path / name
        stream = OutputStream(
            name, LogFile(path, writer), 10, 10_000, 1_000, TimesFile(path, writer)
        )
        for step in range(3):
            stream.feed(f"needle {name} {step}\n".encode() + hay, when=10.0 + 2 * step + index)
        stream.close(when=20.0)
        await asyncio.gather(*(asyncio.wrap_future(sink.closed) for sink in stream.sinks))
        sources.append(LogSource(name, stream, path, (name[:4], "#ffffff"), index == 1))
    logs_filter = filter_of(LineQuery("NEEDLE"), Content("key", [], logs=sources))
    assert isinstance(logs_filter, LogsFilter)
    seen: list[tuple[str, int]] = []
    await logs_filter.run(lambda: seen.append((logs_filter.summary(), logs_filter.scan.found)))

    counts = [count for _, count in seen]
    assert counts == sorted(counts) and counts[-1] == 6
    if not grep:  # block by block, log after log
        assert any("scanning" in summary and "%" in summary for summary, _ in seen), seen
        assert 0 < counts[0] < counts[-1]
    total = 2 * 3 * 601
    assert seen[-1][0] == f"filter 'NEEDLE': 6 of {total:,} lines"
    shown = logs_filter.apply(Content("key", [], logs=sources))
    names = ("odd.stdout", "even.stderr")
    assert list(shown.lines) == [f"needle {name} {step}" for step in range(3) for name in names]
    assert list(shown.times or []) == [10.0, 11.0, 12.0, 13.0, 14.0, 15.0]
    assert [label for label, _ in shown.labels or []] == ["odd.", "even"] * 3
    assert list(shown.stderr or []) == [False, True] * 3


async def test_a_log_without_times_keeps_its_own_order_after_the_timed_lines(
    tmp_path: Path,
) -> None:
    timed_path, plain_path = tmp_path / "timed.stdout", tmp_path / "plain.stdout"
    timed = OutputStream(
        "stdout", LogFile(timed_path), 10, 10_000, 1_000, TimesFile(timed_path, None)
    )
    timed.feed(b"needle t1\n", when=5.0)
    timed.close(when=6.0)
    plain = OutputStream("stdout", LogFile(plain_path), 1, 10_000, 1_000)  # no times on disk
    plain.feed(b"needle p1\nhay\nhay\n", when=1.0)  # its needle is only on disk now
    sources = [LogSource("t", timed, timed_path), LogSource("p", plain, plain_path)]
    logs_filter = LogsFilter(LineQuery("needle"), sources, "key")
    await logs_filter.run(lambda: None)
    plain.feed(b"needle p2\n", when=2.0)  # after the scan: tested as it comes, after p1 still
    shown = logs_filter.apply(Content("key", [], logs=sources))
    assert list(shown.lines) == ["needle t1", "needle p1", "needle p2"]
    assert list(shown.times or []) == [5.0, 0.0, 0.0]  # untimed: no time shown


async def test_a_log_that_cannot_be_read_falls_back_to_its_lines_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "gone.stdout"
    stream = OutputStream("stdout", LogFile(path), 10, 10_000, 1_000, TimesFile(path, None))
    stream.feed(b"needle m1\nhay\n", when=3.0)
    sources = [LogSource("g", stream, path)]
    logs_filter = LogsFilter(LineQuery("needle"), sources, "key")
    path.unlink()  # after the filter began, before its scan read it
    await logs_filter.run(lambda: None)
    shown = logs_filter.apply(Content("key", [], logs=sources))
    assert list(shown.lines) == ["needle m1"]
    assert list(shown.times or []) == [3.0]  # its time in memory
