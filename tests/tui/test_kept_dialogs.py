"""A closed launch dialog stays mounted, hidden, until the next one opens: closing it does not
lay the main screen out again (Textual does, when it removes a screen), which used to land just
as the launched child printed its first line."""

from __future__ import annotations

import pytest

from sidetui.tui.screens.main import MainScreen
from tests.tui.pilot_support import AppFactory, driving, main, open_dialog, wait_until


async def test_a_closed_dialog_is_kept_without_a_layout_and_removed_when_the_next_opens(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    layouts: list[object] = []
    laid_out = MainScreen._refresh_layout

    def counted(screen: MainScreen, *args: object, **kwargs: object) -> None:
        layouts.append(screen)
        laid_out(screen, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(MainScreen, "_refresh_layout", counted)
    app = make_app()
    async with driving(app) as pilot:
        first = await open_dialog(pilot, app, "colors")
        layouts.clear()
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main(app), "the main screen again")
        await pilot.pause(0.2)
        assert first.is_attached and first not in app.screen_stack  # kept, hidden
        assert layouts == []  # the screen below was repainted, not laid out again

        second = await open_dialog(pilot, app, "countdown")
        await wait_until(pilot, lambda: not first.is_attached, "the first dialog removed")
        assert app.screen is second
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main(app), "the main screen again")
        assert second.is_attached  # kept in its turn
