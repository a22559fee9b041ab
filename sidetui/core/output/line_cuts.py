"""How a line of output is cut for a terminal: `\\r` rewrites (a progress bar), a length bound."""

from __future__ import annotations

from typing import Any, AnyStr


def collapse_cr(line: AnyStr) -> AnyStr:
    """A line rewritten with `\\r` (a progress bar) shows its last version; `\\r\\n` is `\\n`."""
    cr: Any = b"\r" if isinstance(line, bytes) else "\r"
    line = line.rstrip(cr)
    cut = line.rfind(cr)
    return line[cut + 1 :] if cut >= 0 else line


def after_last_cr(data: bytes) -> bytes:
    """What a terminal line shows after `\\r` rewrites, keeping a trailing `\\r` for later."""
    cut = data.rstrip(b"\r").rfind(b"\r")
    return data[cut + 1 :] if cut >= 0 else data


def shorten(line: bytes, dropped: int, line_max: int) -> bytes:
    """`line` (of which `dropped` more bytes were not kept) within `line_max` bytes, cut between
    characters, with a note of what was cut."""
    if len(line) <= line_max and not dropped:
        return line
    keep = line_max
    while True:
        note = f"…[+{dropped + len(line) - keep} bytes, whole in the log file]".encode()
        if keep + len(note) <= line_max or keep == 0:
            return line[:keep] + note
        keep = max(0, line_max - len(note))
        while 0 < keep < len(line) and line[keep] & 0xC0 == 0x80:  # not inside a character
            keep -= 1


def cut_lines(
    raw: bytes, ends: list[float], most: int, most_bytes: int, line_max: int
) -> tuple[list[str], list[float]]:
    """The newest complete lines of `raw` (which ends with a newline) and their times (`ends`,
    one per newline), at most `most` lines and `most_bytes` bytes, each within `line_max` bytes,
    decoded (undecodable bytes U+FFFD) and shown as a terminal shows `\\r` rewrites."""
    lines = raw.split(b"\n")[-most - 1 : -1]
    ends = ends[len(ends) - len(lines) :]
    if b"\r" in raw:
        lines = [collapse_cr(line) for line in lines]
    if lines and max(map(len, lines)) > line_max:
        lines = [shorten(line, 0, line_max) for line in lines]
    size = sum(map(len, lines))
    skip = 0
    while size > most_bytes and skip < len(lines) - 1:
        size -= len(lines[skip])
        skip += 1
    text = b"\n".join(lines[skip:]).decode("utf-8", "replace")
    return (text.split("\n") if lines[skip:] else []), ends[skip:]
