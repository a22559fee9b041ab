"""Search and filter over a whole log on disk, not only the tail in memory.

`scan_log` hands a plain-text query to GNU grep in a child process where it can (`log_grep`:
grep's speed, and the app's loop keeps the interpreter meanwhile) unless the log is small, and
scans in Python otherwise: big blocks, with C doing the work (`bytes.find` for the query,
`bytes.count` for the lines), so a rare word in a gigabyte costs little more than reading it;
only matching lines become Python strings. Either reports progress and the matches found so
far as it goes (numbered when asked: to time them from the log's times file), and stops when
asked. `search_log` runs it on a search thread.

Matching is on the bytes as written: a regular expression is applied to UTF-8 bytes, and
ignoring case folds ASCII letters on the fast path (a query with other letters is matched on
decoded text instead, with full case folding).
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import threading
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import Any

from sidetui.core.output import log_grep
from sidetui.core.output.log_query import LineQuery, SearchUpdate, shown
from sidetui.core.workers import in_search_thread

__all__ = ["LineQuery", "SearchUpdate", "log_size", "scan_in_python", "scan_log", "search_log"]

BLOCK_BYTES = 4 * 1024 * 1024
SMALL_BYTES = 1024 * 1024  # a smaller log is scanned here: starting grep costs more (~5 ms)

# A block of the log is its bytes (a bytearray), or its text where full case folding needs it:
# the scanning functions take either (typed `Any`), with the matching newline.
Searcher = Callable[[int], int]  # the offset of the first match from a position on, or -1


def scan_log(
    path: Path,
    query: LineQuery,
    report: Callable[[SearchUpdate], None],
    stop: threading.Event,
    numbered: bool = False,
) -> None:
    """Scan `path` as far as it reaches now; `report` as it goes, and once `done`; with
    `numbered`, each match's line number too."""
    if log_size(path) < SMALL_BYTES or not log_grep.scan(path, query, report, stop, numbered):
        scan_in_python(path, query, report, stop)


def log_size(path: Path) -> int:
    """The log's bytes now (0 if it cannot be read)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def scan_in_python(
    path: Path, query: LineQuery, report: Callable[[SearchUpdate], None], stop: threading.Event
) -> None:
    """`scan_log` without grep: reports after every block (its matches always numbered)."""
    state = SearchUpdate()
    try:
        with path.open("rb", buffering=0) as handle:
            state.total = handle.seek(0, 2)
            handle.seek(0)
            _scan_file(handle, query, report, stop, state)
    except OSError as error:
        state.error = f"cannot read {path.name}: {error.strerror}"
    state.done = True
    report(state.take())


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
            report(state.take())


def _scan_block(buffer: bytearray, end: int, query: LineQuery, state: SearchUpdate) -> None:
    """Add the matching lines of `buffer[:end]`: whole lines, the last one maybe unended."""
    if query.case_sensitive or query.text.isascii():
        search = _bytes_searcher(buffer, end, query)
        kept = _scan_lines(buffer, end, b"\n", search, query.invert, state)
        state.texts += shown([line.decode("utf-8", "replace") for line in kept])
    else:  # full case folding needs text
        text = buffer[:end].decode("utf-8", "replace")
        kept = _scan_lines(text, len(text), "\n", _text_searcher(text, query), query.invert, state)
        state.texts += shown(kept)


def _scan_lines(
    block: Any, end: int, newline: Any, search: Searcher, invert: bool, state: SearchUpdate
) -> list[Any]:
    """Count the lines and matches of `block[:end]`; the lines kept as text, and numbered."""
    room, base = state.room(), state.lines
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
    state.lines += count
    if invert:
        matched = {n for _, n in hits}
        numbers = [n for n in range(count) if n not in matched]
        state.found += len(numbers)
        if not numbers or not room:
            return []
        lines = block[:end].split(newline)
        state.numbers += [base + n for n in numbers[:room]]
        return [lines[n] for n in numbers[:room]]
    state.found += len(hits)
    kept = []
    for start, number in hits[:room]:
        state.numbers.append(base + number)
        stop = block.find(newline, start, end)
        kept.append(block[start : end if stop < 0 else stop])
    return kept


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


async def search_log(
    path: Path, query: LineQuery, numbered: bool = False
) -> AsyncGenerator[SearchUpdate, None]:
    """`scan_log` on a search thread, its updates as they come; leaving the loop stops it."""
    loop = asyncio.get_running_loop()
    updates: asyncio.Queue[SearchUpdate] = asyncio.Queue()
    stop = threading.Event()

    def report(update: SearchUpdate) -> None:
        loop.call_soon_threadsafe(updates.put_nowait, update)

    scan = asyncio.ensure_future(in_search_thread(scan_log, path, query, report, stop, numbered))
    try:
        while True:
            update = await updates.get()
            yield update
            if update.done:
                break
    finally:
        stop.set()
        await asyncio.shield(scan)
