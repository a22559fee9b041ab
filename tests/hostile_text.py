"""One corpus of hostile text, for every place that shows outside text: escape sequences that
write the clipboard or set the title (BEL- and ST-terminated), clear the screen, an 8-bit CSI,
bells and other controls, a bidirectional override, and Rich markup."""

from __future__ import annotations

CORPUS = (
    "A\x1b]52;c;aGFja2Vk\x07B"  # OSC 52: write the clipboard, BEL-terminated
    "\x1b]0;pwned\x1b\\C"  # OSC 0: set the title, ST-terminated
    "\x1b[2J\x1b[HD"  # clear the screen, cursor home
    "\x9b31mE"  # 8-bit CSI
    "\x07\x00\x08F"  # bell, NUL, backspace
    "\u202eG\u2066"  # right-to-left override, isolate
    "[bold red]H[/]"  # markup, which must stay text
)
# Bytes that must never reach a terminal from outside text (UTF-8): ESC, BEL, NUL, 8-bit CSI/ST/OSC,
# and the bidirectional controls themselves.
FORBIDDEN = (b"\x1b", b"\x07", b"\x00", b"\xc2\x9b", b"\xc2\x9c", b"\xc2\x9d", "\u202e".encode(),
             "\u2066".encode())  # fmt: skip
SHOWN_BIDI = "<U+202E>"


def forbidden_in(data: bytes | str) -> list[bytes]:
    raw = data.encode() if isinstance(data, str) else data
    return [b for b in FORBIDDEN if b in raw]
