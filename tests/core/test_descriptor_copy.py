"""The CLI's live copy of a child's output: byte-exact through a pipe, neutralised on a
terminal, and each line stamped with its arrival time when asked."""

from __future__ import annotations

import asyncio
import os
import re

from sidetui.core.output.descriptor_copy import DescriptorCopy, clock_stamp
from sidetui.core.output.log_file import LogWriter


async def copied(pieces: list[bytes], terminal: bool, stamps: list[bytes] | None = None) -> bytes:
    read_end, write_end = os.pipe()
    stamp = iter(stamps).__next__ if stamps else None
    copy = DescriptorCopy(write_end, LogWriter(), terminal, stamp)
    for piece in pieces:
        copy.write(piece)
    copy.close()
    await asyncio.wrap_future(copy.closed)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        return handle.read()


async def test_a_pipe_gets_the_bytes_exactly() -> None:
    raw = [b"\x1b]0;title\x07col\x1b[31mour\n", b"\xff\xfe half-", b"line\n"]
    assert await copied(raw, terminal=False) == b"".join(raw)


async def test_a_terminal_gets_colours_but_no_other_sequences() -> None:
    out = await copied([b"\x1b]0;title\x07col\x1b[31mour\x1b[0m\n\x1b[2J"], terminal=True)
    assert out == b"col\x1b[31mour\x1b[0m\n"


async def test_lines_are_stamped_where_they_start_even_across_reads() -> None:
    stamps = [b"[1] ", b"[2] ", b"[3] "]
    out = await copied([b"one\ntw", b"o\nthree\n"], terminal=False, stamps=stamps)
    assert out == b"[1] one\n[1] two\n[2] three\n"


async def test_a_line_that_looks_like_a_stamp_is_left_alone() -> None:
    out = await copied([b"a\n[9] "], terminal=False, stamps=[b"[9] "])
    assert out == b"[9] a\n[9] [9] "


def test_the_clock_stamp_is_local_time_to_the_millisecond() -> None:
    assert re.fullmatch(rb"\d\d:\d\d:\d\d\.\d{3} ", clock_stamp())
