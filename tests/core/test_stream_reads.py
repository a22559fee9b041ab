"""Reading part of a stream's tail without cutting all of it: `lines_before` gives exactly the
lines the whole tail numbers so, and `reads` tells what the newest lines' reads brought."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sidetui.core.output import LogFile, OutputStream

PIECES = [b"plain line\n", b"caf\xc3", b"\xa9 split\n", b"bar 1%\rbar 99%\r\n", b"\xff bad\n",
          b"no newline yet ", b"x" * 300 + b"\n", b"\n", b"a\nb\nc\n",
          b"\xe6\x97\xa5\xe6\x9c"]  # fmt: skip


def fed(tmp_path: Path, seed: int, reads: int, lines: int = 40, size: int = 2_000) -> OutputStream:
    stream = OutputStream("stdout", LogFile(tmp_path / f"{seed}.log"), lines, size, 120)
    chance = random.Random(seed)
    for when in range(reads):
        stream.feed(b"".join(chance.choices(PIECES, k=chance.randint(1, 6))), float(when))
    return stream


def numbered(stream: OutputStream) -> dict[int, tuple[str, float]]:
    """Every line of the whole tail by its number, with its time."""
    pairs = zip(stream.lines(), stream.line_times(), strict=True)
    return {stream.first_line_number + i: pair for i, pair in enumerate(pairs)}


@pytest.mark.parametrize("seed", range(40))
def test_lines_before_an_end_are_the_whole_tails_lines_of_those_numbers(
    tmp_path: Path, seed: int
) -> None:
    stream = fed(tmp_path, seed, reads=30)
    end = stream.lines_total
    chance = random.Random(seed)
    for when in range(30, 30 + chance.randint(0, 4)):  # more came after the feed looked
        stream.feed(b"later %d\n" % when * chance.randint(1, 3), float(when))
    counts = [1, 2, 5, 17, 39, 40, 1_000]
    got = {count: stream.lines_before(end, count) for count in counts}  # the tail is not cut yet
    whole = numbered(stream)
    for count in counts:
        wanted = [whole[n] for n in range(end - count, end) if n in whole]
        assert list(zip(*got[count], strict=True)) == wanted, count


def test_lines_before_reads_the_cut_tail_once_it_is_cut(tmp_path: Path) -> None:
    stream = fed(tmp_path, 7, reads=30)
    whole = stream.lines()
    assert stream.lines_before(stream.lines_total, 3)[0] == whole[-3:]
    assert stream.lines_before(stream.lines_total, 0) == ([], [])
    assert stream.lines_before(stream.lines_total + 1, 3) == ([], [])  # not written yet


def test_reads_are_the_newest_lines_times_newest_first(tmp_path: Path) -> None:
    stream = OutputStream("stdout", LogFile(tmp_path / "x.log"), 1_000, 1_000_000, 1_000)
    for when, batch in enumerate([3, 1, 4, 1, 5, 9, 2, 6]):
        stream.feed(b"half a line, ", when - 0.5)  # a read without a newline brings no line
        stream.feed(b"line\n" * batch, float(when))
    assert stream.reads(8) == [(7.0, 6), (6.0, 2)]
    assert stream.reads(1) == [(7.0, 1)]
    assert stream.reads(0) == []
    newest = [when for when, count in stream.reads(17) for _ in range(count)]
    assert newest == stream.line_times()[::-1][:17]
    assert sum(count for _, count in stream.reads(10_000)) == stream.lines_total == 31
