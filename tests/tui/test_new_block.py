"""Making a block from the app: `a` (or enter on an empty project's offer) asks for a name and a
language, writes a working block, and the catalog shows it, highlighted, ready to launch; a block
that `sidetui new` writes from another terminal shows up live too."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from textual.widgets import Input, Select, Static

from sidetui.tui.screens.new_block import NewBlockScreen
from tests.helpers import REPO
from tests.tui.pilot_support import (
    AppFactory,
    catalog,
    catalog_names,
    driving,
    open_screen,
    run,
    shown,
    wait_until,
)


async def test_a_in_the_app_writes_a_block_that_runs(
    make_app: AppFactory, samples_project: Path
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_screen(pilot, app, "a", NewBlockScreen)
        await pilot.press(*"greet")
        assert "into actionblocks/greet/" in shown(dialog.query_one("#where", Static))
        dialog.query_one(Select).value = "javascript"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "greet" in catalog_names(app), "the new block")
        await wait_until(
            pilot, lambda: getattr(catalog(app).highlighted_entry, "name", "") == "greet", "it"
        )
        assert (samples_project / "actionblocks" / "greet" / "index.js").is_file()

        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is not app.main, "its launch dialog")
        record = await run(pilot, app)
        assert record.status.value == "completed"
        assert record.output == "Hello, world!"


async def test_a_name_that_cannot_be_written_is_explained_in_the_dialog(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with driving(app) as pilot:
        dialog = await open_screen(pilot, app, "a", NewBlockScreen)
        await pilot.press(*"no way", "enter")
        await pilot.pause()
        assert app.screen is dialog
        error = shown(dialog.query_one("#new-error", Static))
        assert "'no way' is not a block name" in error
        assert app.focused is dialog.query_one("#name", Input)


async def test_an_empty_project_offers_a_new_block_on_enter(
    make_app: AppFactory, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(project=empty)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: catalog(app).project_is_empty, "the offer")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, NewBlockScreen), "the dialog")
        await pilot.press(*"first", "ctrl+s")
        await wait_until(pilot, lambda: "first" in catalog_names(app), "the new block")
        assert not catalog(app).project_is_empty
        assert (empty / "actionblocks" / "first" / "main.py").is_file()


async def test_a_block_written_by_sidetui_new_elsewhere_shows_up_live(
    make_app: AppFactory, samples_project: Path
) -> None:
    app = make_app(watch=True)
    async with driving(app) as pilot:
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sidetui", "new", "from-cli", "--project", str(samples_project),
            cwd=REPO, stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert await asyncio.wait_for(writer.wait(), 30) == 0
        await wait_until(pilot, lambda: "from-cli" in catalog_names(app), "the new block")
