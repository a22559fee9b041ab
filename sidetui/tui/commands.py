"""The command palette: `Launch <name>` for every catalog entry, `Stop <id>` for every live
execution, `Stop all`, and every action of the main screen."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sidetui.core import Entry
from sidetui.core.catalog.entries import Capability, Executor

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
                (f"Launch {entry.name}", partial(main.open_launch, entry), _what(entry))
            )
        for record in main.live_records():
            shown = main.presentation.execution_id(record.side_execution_id)
            commands.append(
                (
                    f"Stop {shown}",
                    partial(main.stop_execution, record.side_execution_id),
                    record.action_block,
                )
            )
        for title, action, help_text in ACTIONS:
            commands.append((title, partial(main.run_action, action), help_text))
        return commands

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def _what(entry: Entry) -> str:
    if isinstance(entry, Capability):
        return f"{entry.type} capability"
    if isinstance(entry, Executor):
        return "executor"
    summary = textwrap.shorten(entry.description, 60, placeholder="…")
    return f"ActionBlock · {summary}" if summary else "ActionBlock"
