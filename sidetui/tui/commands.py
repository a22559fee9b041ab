"""The command palette: `Launch <name>` for every catalog entry, `Stop <id>` for every live
execution, `Stop all`, and every action of the main screen. Names and descriptions come from the
project: they are neutralised and never read as markup (the palette reads a plain string as
markup, so titles go in as Content and help with every bracket escaped)."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from sidetui.core import Entry
from sidetui.core.catalog.entries import Capability, Executor
from sidetui.core.terminal_text import one_line

if TYPE_CHECKING:
    from sidetui.tui.screens.main import MainScreen

ACTIONS = (
    ("Stop all", "stop_all", "stop every live execution and its whole tree"),
    ("Re-run", "rerun", "start the selected execution again with the same params"),
    ("Watch and rerun", "watch", "rerun the selected execution's block on each edit (or stop)"),
    ("Inline code", "inline_code", "run a JavaScript or Python snippet"),
    ("Search output", "search", "find text in the output"),
    ("Toggle follow", "follow", "follow the end of the output, or stay put"),
    ("Copy output", "copy", "copy the output (or the selection) to the clipboard"),
    ("Open log in pager", "open_log", "the whole log file in $PAGER"),
    ("Clear finished", "clear_finished", "remove finished executions from the table"),
    ("Stop selected", "stop", "stop the selected execution and its whole tree"),
    ("New block", "new_block", "create an ActionBlock in this project from a template"),
    ("History of every project", "history_scope", "this project's executions, or every one's"),
    ("Filter the catalog", "focus_filter", "type to narrow the catalog"),
)


class SidetuiCommands(Provider):
    """Commands that depend on what the app holds now."""

    def _main(self) -> MainScreen | None:
        from sidetui.tui.screens.main import MainScreen

        found = [s for s in self.app.screen_stack if isinstance(s, MainScreen)]
        return found[0] if found else None

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        main = self._main()
        if main is None:
            return []
        commands: list[tuple[str, Callable[[], object], str]] = []
        for entry in main.launchable_entries():
            commands.append(
                (f"Launch {one_line(entry.name)}", partial(main.open_launch, entry), _what(entry))
            )
        for record in main.live_records():
            shown = main.presentation.execution_id(record.side_execution_id)
            commands.append(
                (
                    f"Stop {shown}",
                    partial(main.stop_execution, record.side_execution_id),
                    one_line(record.action_block),
                )
            )
        for title, action, help_text in ACTIONS:
            commands.append((title, partial(main.run_action, action), help_text))
        return commands

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=_literal(help_text))

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _highlighted(matcher, title), callback, title, _literal(help_text))


def _highlighted(matcher: Matcher, title: str) -> Content:
    """`title` with the letters the query matched lit, as the text it is (Textual's own
    `Matcher.highlight` reads it as markup)."""
    score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    content = Content(title)
    for offset in offsets if score else ():
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _literal(text: str) -> str:
    """Markup that shows `text` as it is: every `[` escaped (Textual's `escape` leaves `[B]`,
    `[$name]` and `[ x ]` to be read as styles)."""
    return text.replace("[", "\\[")


def _what(entry: Entry) -> str:
    if isinstance(entry, Capability):
        return f"{one_line(entry.type)} capability"
    if isinstance(entry, Executor):
        return "executor"
    summary = textwrap.shorten(one_line(entry.description), 60, placeholder="…")
    return f"ActionBlock · {summary}" if summary else "ActionBlock"
