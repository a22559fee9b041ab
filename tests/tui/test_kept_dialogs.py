"""A closed launch dialog stays mounted, hidden, until the next one opens: closing it does not
remove it (Textual lays the main screen out again after removing a screen, which used to land
just as the launched child printed its first line)."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widget import Widget

from tests.tui.pilot_support import AppFactory, driving, main, open_dialog, wait_until


async def test_a_closed_dialog_is_kept_and_removed_when_the_next_opens(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    removed: list[Widget] = []
    prune = App._prune

    def counted(app: App[None], *nodes: Widget, parent: object = None) -> object:
        removed.extend(nodes)
        return prune(app, *nodes, parent=parent)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "_prune", counted)
    app = make_app()
    async with driving(app) as pilot:
        first = await open_dialog(pilot, app, "colors")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main(app), "the main screen again")
        await pilot.pause(0.2)
        assert first not in removed  # not removed: no layout of the main screen for it
        assert first.is_attached and first not in app.screen_stack  # kept, hidden

        second = await open_dialog(pilot, app, "countdown")
        await wait_until(pilot, lambda: not first.is_attached, "the first dialog removed")
        assert first in removed and app.screen is second
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main(app), "the main screen again")
        assert second.is_attached and second not in removed  # kept in its turn
