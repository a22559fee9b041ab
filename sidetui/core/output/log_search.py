"""Search and filter over a whole log on disk, not only the tail in memory.

The scan reads big blocks and lets C do the work: `bytes.find` for the query, `bytes.count` for
line numbers, so a rare word in a gigabyte costs little more than reading it; only matching
lines become Python strings. It runs on a search thread (`search_log`), reports progress and the
matches found so far after every block, and stops when its caller goes away.

Matching is on the bytes as written: a regular expression is applied to UTF-8 bytes, and
ignoring case folds ASCII letters on that fast path (a query with other letters is matched on
decoded text instead, with full case folding).
"""

from __future__ import annotations

import asyncio
import io
import re
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sidetui.core.output.stream import collapse_cr
from sidetui.core.workers import in_search_thread

BLOCK_BYTES = 4 * 1024 * 1024
MAX_KEPT = 100_000  # matching lines kept as text; more are only counted
LINE_MAX = 4096  # characters kept of a matching line

# A block of the log is its bytes (a bytearray), or its text where full case folding needs it:
# the scanning functions take either (typed `Any`), with the matching newline.
Searcher = Callable[[int], int]  # the offset of the first match from a position on, or -1


@dataclass(frozen=True)
class LineQuery:
    """Which lines to keep: those containing `text` (a regular expression with `regex`), with
    or without case; with `invert`, those that do not."""

    text: str
    regex: bool = False
    case_sensitive: bool = False
    invert: bool = False

    def problem(self) -> str | None:
        """Why the query cannot be used (a bad regular expression), or None."""
        if self.regex:
            try:
                re.compile(self.text)
            except re.error as error:
                return f"not a valid regular expression: {error}"
        return None

    def matches(self, line: str) -> bool:
        """Whether one decoded line is kept (for lines that arrive live)."""
        if self.regex:
            flags = 0 if self.case_sensitive else re.IGNORECASE
            found = re.search(self.text, line, flags) is not None
        elif self.case_sensitive:
            found = self.text in line
        else:
            found = self.text.casefold() in line.casefold()
        return found != self.invert


@dataclass(frozen=True)
class LineMatch:
    number: int  # 0-based line number in the log
    text: str


@dataclass
class SearchUpdate:
    """The matches found since the previous update, and how far the scan got."""

    matches: list[LineMatch] = field(default_factory=list)
    scanned: int = 0  # bytes read so far
    total: int = 0  # bytes of the log when the scan began: what it covers
    lines: int = 0  # lines scanned so far
    found: int = 0  # matching lines so far, kept as text or not
    done: bool = False
    error: str | None = None


def scan_log(
    path: Path, query: LineQuery, report: Callable[[SearchUpdate], None], stop: threading.Event
) -> None:
    """Scan `path` as far as it reaches now; `report` after each block, and once `done`."""
    state = SearchUpdate()
    try:
        with path.open("rb", buffering=0) as handle:
            state.total = handle.seek(0, 2)
            handle.seek(0)
            _scan_file(handle, query, report, stop, state)
    except OSError as error:
        state.error = f"cannot read {path.name}: {error.strerror}"
    state.done = True
    report(_take(state))


def _scan_file(
    handle: io.FileIO,
    query: LineQuery,
    report: Callable[[SearchUpdate], None],
    stop: threading.Event,
    state: SearchUpdate,
) -> None:
    """Read into one buffer (no copies of the blocks), scan its whole lines, keep the rest."""
    buffer, filled = bytearray(BLOCK_BYTES), 0
    while state.scanned < state.total and not stop.is_set():
        if filled == len(buffer):  # one line longer than the buffer: make room
            buffer.extend(bytes(len(buffer)))
        with memoryview(buffer) as view:
            want = min(len(buffer) - filled, state.total - state.scanned)
            read = handle.readinto(view[filled : filled + want]) or 0
        if not read:
            break  # the log shrank meanwhile
        state.scanned += read
        filled += read
        last = state.scanned >= state.total
        end = filled if last else buffer.rfind(b"\n", 0, filled) + 1
        if end:
            _scan_block(buffer, end, query, state)
            buffer[: filled - end] = buffer[end:filled]
            filled -= end
            report(_take(state))


def _take(state: SearchUpdate) -> SearchUpdate:
    """What to report now; `state` goes on counting, without those matches."""
    update = replace(state)
    state.matches = []
    return update


def _scan_block(buffer: bytearray, end: int, query: LineQuery, state: SearchUpdate) -> None:
    """Add the matching lines of `buffer[:end]`: whole lines, the last one maybe unended."""
    if query.case_sensitive or query.text.isascii():
        _scan_lines(buffer, end, b"\n", _bytes_searcher(buffer, end, query), query.invert, state)
    else:  # full case folding needs text
        text = buffer[:end].decode("utf-8", "replace")
        _scan_lines(text, len(text), "\n", _text_searcher(text, query), query.invert, state)


def _scan_lines(
    block: Any, end: int, newline: Any, search: Searcher, invert: bool, state: SearchUpdate
) -> None:
    room = max(0, MAX_KEPT - state.found)  # matches kept as text so far: min(found, MAX_KEPT)
    hits: list[tuple[int, int]] = []  # (start offset, number within the block) of each line
    counted = number = position = 0
    while (hit := search(position)) >= 0:
        start = block.rfind(newline, 0, hit) + 1
        number += block.count(newline, counted, start)
        counted = start  # the counts add up to one pass over the block
        hits.append((start, number))
        position = block.find(newline, hit, end) + 1
        if position == 0:
            break
    count = number + block.count(newline, counted, end)
    count += 1 if end and block[end - 1 : end] != newline else 0
    if invert:
        matched = {n for _, n in hits}
        numbers = [n for n in range(count) if n not in matched]
        if numbers and room:
            lines = block[:end].split(newline)
            state.matches += [LineMatch(state.lines + n, _text(lines[n])) for n in numbers[:room]]
        state.found += len(numbers)
    else:
        for start, n in hits[:room]:
            stop = block.find(newline, start, end)
            state.matches.append(
                LineMatch(state.lines + n, _text(block[start : end if stop < 0 else stop]))
            )
        state.found += len(hits)
    state.lines += count


def _bytes_searcher(block: bytearray, end: int, query: LineQuery) -> Searcher:
    """The offset of the first match in `block[:end]` at or after a position, or -1."""
    if query.regex:
        flags = re.MULTILINE | (0 if query.case_sensitive else re.IGNORECASE)
        return _first_match(re.compile(query.text.encode(), flags), block, end, b"\n")
    needle = query.text.encode()
    if query.case_sensitive:
        return lambda start: block.find(needle, start, end)
    lowered, lowered_needle = block[:end].lower(), needle.lower()  # ASCII letters
    return lambda start: lowered.find(lowered_needle, start)


def _text_searcher(block: str, query: LineQuery) -> Searcher:
    """As `_bytes_searcher`, ignoring case beyond ASCII (the query is not ASCII)."""
    source = query.text if query.regex else re.escape(query.text)
    return _first_match(re.compile(source, re.MULTILINE | re.IGNORECASE), block, len(block), "\n")


def _first_match(pattern: re.Pattern[Any], block: Any, end: int, newline: Any) -> Searcher:
    """Matches of `pattern` that lie within one line (`\\s` may not run into the next)."""

    def first(start: int) -> int:
        while (found := pattern.search(block, start, end)) is not None:
            if newline not in block[found.start() : found.end()]:
                return found.start()
            line_start = block.rfind(newline, 0, found.start()) + 1
            line_end = block.find(newline, found.start(), end)
            line_end = end if line_end < 0 else line_end
            within = pattern.search(block, line_start, line_end)
            if within is not None:
                return within.start()
            start = line_end + 1
        return -1

    return first


def _text(line: bytes | bytearray | str) -> str:
    raw = line.encode() if isinstance(line, str) else bytes(line)
    return collapse_cr(raw).decode("utf-8", "replace")[:LINE_MAX]


async def search_log(path: Path, query: LineQuery) -> AsyncIterator[SearchUpdate]:
    """`scan_log` on a search thread, its updates as they come; leaving the loop stops it."""
    loop = asyncio.get_running_loop()
    updates: asyncio.Queue[SearchUpdate] = asyncio.Queue()
    stop = threading.Event()

    def report(update: SearchUpdate) -> None:
        loop.call_soon_threadsafe(updates.put_nowait, update)

    scan = asyncio.ensure_future(in_search_thread(scan_log, path, query, report, stop))
    try:
        while True:
            update = await updates.get()
            yield update
            if update.done:
                break
    finally:
        stop.set()
        await asyncio.shield(scan)
