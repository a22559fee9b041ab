"""Child output made safe for a terminal: SGR colours kept, every other control neutralised.

A child may print anything; what reaches the user's terminal must not move the cursor, clear the
screen, change the title, switch buffers or ring bells. Only `ESC [ ... m` (colours and styles)
passes, plus tab, newline, carriage return and backspace.
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
    """,
    re.VERBOSE,
)
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
_UNFINISHED = re.compile(r"(?:\x1b(?:\[[0-?]*[\ -/]*|\][^\x07\x1b]*|[PX^_][^\x1b]*)?)\Z")
_HOLD_MAX = 512


def neutralise(text: str, keep_sgr: bool = True) -> str:
    """`text` without control sequences, SGR colours kept when `keep_sgr`."""
    return _ESCAPES.sub(lambda m: m.group() if keep_sgr and _SGR.fullmatch(m.group()) else "", text)


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
