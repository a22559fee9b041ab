"""Each line keeps the time it arrived: in memory, in events, on disk beside the byte-exact log,
and read back for runs from the history."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from sidetui.core import OutputBatch, SideExecutionManager
from sidetui.core.output import line_times
from sidetui.core.output.line_times import (
    LineTimes,
    TimesFile,
    counts_lines,
    newlines_before,
    times_path,
)
from sidetui.core.output.log_file import LogFile, LogWriter
from sidetui.core.output.log_tail import read_tail
from sidetui.core.output.stream import UNKNOWN_TIME, OutputStream
from tests.helpers import write_block


def stream_with_times(folder: Path, lines: int = 100, size: int = 10_000) -> OutputStream:
    writer = LogWriter()
    path = folder / "x.stdout"
    return OutputStream(
        "stdout", LogFile(path, writer), lines, size, 1_000, TimesFile(path, writer)
    )


async def closed(stream: OutputStream) -> None:
    stream.close(when=50.0)
    await asyncio.gather(*(asyncio.wrap_future(sink.closed) for sink in stream.sinks))


def test_a_line_has_the_time_of_the_read_that_brought_its_newline(tmp_path: Path) -> None:
    stream = stream_with_times(tmp_path)
    stream.feed(b"one\ntw", when=10.0)
    stream.feed(b"o\nthree\nfo", when=11.0)
    stream.feed(b"ur\n", when=12.0)
    assert stream.lines() == ["one", "two", "three", "four"]
    assert stream.line_times() == [10.0, 11.0, 11.0, 12.0]


def test_times_follow_the_tail_when_old_lines_are_dropped(tmp_path: Path) -> None:
    stream = stream_with_times(tmp_path, lines=3)
    for second in range(10):
        stream.feed(b"%d\n" % second, when=float(second))
    assert stream.lines() == ["7", "8", "9"]
    assert stream.line_times() == [7.0, 8.0, 9.0]


def test_times_survive_a_tail_cut_inside_a_line(tmp_path: Path) -> None:
    stream = stream_with_times(tmp_path, size=20)
    stream.feed(b"a long first line here\nshort\n", when=1.0)
    stream.feed(b"next\n", when=2.0)
    assert stream.lines()[-2:] == ["short", "next"]
    assert stream.line_times()[-2:] == [1.0, 2.0]
    assert len(stream.line_times()) == len(stream.lines())


async def test_the_times_file_reads_back_beside_a_byte_exact_log(tmp_path: Path) -> None:
    stream = stream_with_times(tmp_path)
    stream.feed(b"one\ntw", when=10.0)
    stream.feed(b"o\n", when=11.25)
    stream.feed(b"no newline yet", when=12.0)
    await closed(stream)
    assert stream.log.path.read_bytes() == b"one\ntwo\nno newline yet"
    times = LineTimes.read(stream.log.path)
    assert times.at(3) == 10.0  # "one\n"
    assert times.at(7) == 11.25  # "two\n" ended in the second read
    back = read_tail(stream.log.path, 100, 10_000, 1_000)
    assert back.lines() == ["one", "two", "no newline yet"]
    assert back.line_times() == [10.0, 11.25, 50.0]


def test_a_log_without_times_reads_back_with_unknown_times(tmp_path: Path) -> None:
    log = tmp_path / "old.stdout"
    log.write_bytes(b"from before\ntimes were kept\n")
    back = read_tail(log, 100, 10_000, 1_000)
    assert back.lines() == ["from before", "times were kept"]
    assert back.line_times() == [UNKNOWN_TIME, UNKNOWN_TIME]
    assert not times_path(log).exists()


async def test_a_run_keeps_times_in_events_on_disk_and_in_order(project, config) -> None:
    ticks = "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.2)\n"
    write_block(project / "actionblocks", "ticks", ticks, {"entryPoint": "main.py"})
    async with SideExecutionManager(project, config=config) as manager:
        subscription = manager.subscribe()
        response = await manager.start_with_action_block("ticks")
        record = await manager.wait_until_settled(response.data["sideExecutionId"])
        subscription.close()
        batches = [e async for e in subscription if isinstance(e, OutputBatch)]
    seen = [t for batch in batches if batch.stream == "stdout" for t in batch.times]
    assert len(seen) == 3
    assert seen[1] - seen[0] >= 0.15 and seen[2] - seen[1] >= 0.15
    assert record.stdout is not None and record.stdout.line_times() == seen
    stored = read_tail(Path(str(record.log_paths["stdout"])), 100, 10_000, 1_000)
    assert stored.lines() == ["0", "1", "2"]
    assert stored.line_times() == [int(t * 1000) / 1000 for t in seen]  # kept to the ms


@pytest.mark.parametrize("tail_bytes", [64 * 1024, 64], ids=["all in the tail", "tail, then all"])
async def test_the_times_number_the_lines_at_any_offset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail_bytes: int
) -> None:
    """Random reads, long lines cut in the tail, a partial end: the records count the log's
    newlines exactly, so a scan can number the lines it covers without a pass over the log."""
    monkeypatch.setattr(line_times, "TAIL_BYTES", tail_bytes)
    stream = stream_with_times(tmp_path, size=200)
    rng = random.Random(3)
    data = b"".join(
        b"x" * rng.choice([0, 3, 40, 900]) + b"\n" * rng.choice([0, 1, 1, 2]) for _ in range(2_000)
    )
    at = 0
    while at < len(data):
        step = rng.randint(1, 700)
        stream.feed(data[at : at + step], when=float(at))
        at += step
    await closed(stream)
    log_path = stream.log.path
    assert counts_lines(log_path)
    with log_path.open("rb") as log:
        for position in [0, 1, *rng.sample(range(len(data)), 60), len(data)]:
            expected = data[:position].count(b"\n")
            assert newlines_before(log.fileno(), log_path, position) == expected, position


def test_a_log_whose_times_do_not_count_lines_says_so(tmp_path: Path) -> None:
    log = tmp_path / "older.stdout"
    log.write_bytes(b"one\ntwo\n")
    with log.open("rb") as handle:
        assert newlines_before(handle.fileno(), log, 4) is None  # no times file
        times_path(log).write_bytes(b"0 1000\n")  # written before lines were counted
        assert newlines_before(handle.fileno(), log, 4) is None
    assert not counts_lines(log)
    assert LineTimes.read(log).at(3) == 1.0


def test_records_reach_the_disk_at_least_once_a_second_while_reads_come(tmp_path: Path) -> None:
    log = tmp_path / "slow.stdout"
    times = TimesFile(log, None)  # written at once when the batch goes
    times.record(0, 10.0, 0)
    times.record(5, 10.5, 1)
    assert not times_path(log).exists()  # a small batch waits
    times.record(9, 11.0, 2)  # a second after the first: the batch goes
    assert LineTimes.read(log).counts == [0, 1, 2]
    assert [LineTimes.read(log).of_line(n) for n in range(3)] == [10.0, 10.5, 11.0]
