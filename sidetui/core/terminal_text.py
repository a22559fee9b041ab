"""Outside text made safe for a terminal: the one place it is neutralised, in the app and the CLI.

A child may print anything, and a project's names, descriptions, READMEs and errors may hold
anything: what reaches the user's terminal must not move the cursor, clear the screen, set the
title, write the clipboard (OSC 52), switch buffers or ring bells. Every escape and control
sequence is removed - `ESC [ ... m` (colours) passes only where output is shown as output - and
bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which can make text read
differently from what it is, are shown as `<U+202E>` instead of applied. Tab, newline, carriage
return and backspace pass; `one_line` makes a single line of a field.
"""

from __future__ import annotations

import re

_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[\ -/]*[@-~]            # CSI: ESC [ params intermediates final
    | \x9b[0-?]*[\ -/]*[@-~]            # 8-bit CSI
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC: title, hyperlinks, clipboard...
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?        # DCS, SOS, PM, APC strings
    | \x1b[\ -/]*[0-~]?                 # any other ESC sequence (or a lone ESC)
    | [\x00-\x07\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f\x80-\x9a\x9c-\x9f]   # other C0 / C1 controls
    | (?P<bidi>[\u202a-\u202e\u2066-\u2069])       # bidirectional overrides and isolates
    """,
    re.VERBOSE,
)
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\t\b]")
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
_UNFINISHED = re.compile(r"(?:\x1b(?:\[[0-?]*[\ -/]*|\][^\x07\x1b]*|[PX^_][^\x1b]*)?)\Z")
_HOLD_MAX = 512


def neutralise(text: str, keep_sgr: bool = True) -> str:
    """`text` without control sequences, SGR colours kept when `keep_sgr`, bidirectional
    controls shown as `<U+202E>`."""
    return _ESCAPES.sub(lambda m: _replacement(m, keep_sgr), text)


def one_line(text: str) -> str:
    """A field (a name, a description, an error) for one line of a terminal: neutralised, no
    colours, line breaks shown as ` ↵ ` and tabs as spaces."""
    plain = neutralise(text, keep_sgr=False)
    return _LINE_BREAKS.sub(lambda m: " " if m.group() in "\t\b" else " ↵ ", plain)


def _replacement(match: re.Match[str], keep_sgr: bool) -> str:
    if bidi := match.group("bidi"):
        return f"<U+{ord(bidi):04X}>"
    return match.group() if keep_sgr and _SGR.fullmatch(match.group()) else ""


def strip_ansi(text: str) -> str:
    """Plain text: every escape and control sequence removed, colours too."""
    return neutralise(text, keep_sgr=False)


class TerminalFilter:
    """`neutralise` for a stream that may split an escape sequence between two writes."""

    def __init__(self, keep_sgr: bool = True):
        self.keep_sgr = keep_sgr
        self._held = ""

    def feed(self, text: str) -> str:
        text = self._held + text
        self._held = ""
        unfinished = _UNFINISHED.search(text)
        if unfinished and unfinished.group() and len(unfinished.group()) <= _HOLD_MAX:
            self._held = unfinished.group()
            text = text[: unfinished.start()]
        return neutralise(text, self.keep_sgr)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return neutralise(held, self.keep_sgr)
