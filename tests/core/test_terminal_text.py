"""Neutralising child output for a terminal: colours pass, other controls do not."""

from __future__ import annotations

import pytest

from sidetui.core.terminal_text import TerminalFilter, neutralise, strip_ansi


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x1b[1;31mred\x1b[0m", "\x1b[1;31mred\x1b[0m"),
        ("\x1b[38;2;10;20;30mrgb\x1b[m", "\x1b[38;2;10;20;30mrgb\x1b[m"),
        ("a\x1b[2Jb", "ab"),  # clear screen
        ("a\x1b[10;5Hb", "ab"),  # cursor move
        ("a\x1b[?1049hb", "ab"),  # alternate screen
        ("a\x1b]0;evil title\x07b", "ab"),  # window title
        ("a\x1b]52;c;Y29weQ==\x07b", "ab"),  # clipboard write
        ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # hyperlink
        ("a\x1bPq#0;1;2\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x1bcb", "ab"),  # full reset
        ("bell\x07!", "bell!"),
        ("tab\tnew\nline\rcr\bbs", "tab\tnew\nline\rcr\bbs"),
        ("lone escape at end \x1b", "lone escape at end "),
        ("[bold]not markup[/bold]", "[bold]not markup[/bold]"),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_strip_ansi_removes_colours_too() -> None:
    assert strip_ansi("\x1b[32mgreen\x1b[0m \x1b[2Kx") == "green x"


def test_filter_joins_sequences_split_between_writes() -> None:
    terminal = TerminalFilter()
    pieces = ["ok \x1b[3", "1mred\x1b", "[0m \x1b]0;ti", "tle\x07done"]
    assert "".join(terminal.feed(piece) for piece in pieces) + terminal.flush() == (
        "ok \x1b[31mred\x1b[0m done"
    )
