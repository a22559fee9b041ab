"""The live catalog: it follows the disk without losing the cursor, narrows with the filter,
marks broken entries, and sends executors' users to the capabilities they run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from rich.console import RenderableType
from textual import events

from sidetui.core.catalog.entries import Entry
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.screens.main import MainScreen
from tests.helpers import write_block
from tests.tui.pilot_support import (
    AppFactory,
    catalog,
    catalog_names,
    details,
    details_at_rest,
    details_text,
    driving,
    enter_on,
    highlight,
    main,
    type_into,
    wait_until,
)


def label_of(app: SidetuiApp, name: str) -> str:
    tree = catalog(app)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data is not None and node.data.name == name:
            return str(node.label)
    raise AssertionError(f"{name} is not in the catalog")


async def test_arrow_keys_move_the_cursor_and_details_follow(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        tree = catalog(app)
        assert app.focused is tree
        first = tree.highlighted_entry
        assert first is not None
        assert first.name == catalog_names(app)[0]
        assert first.name in details_text(app)

        await pilot.press("down", "down")
        entry = tree.highlighted_entry
        assert entry is not None
        assert entry.name == catalog_names(app)[2]
        assert entry.description in await details_at_rest(pilot, app)


async def test_entries_added_and_removed_on_disk_keep_the_cursor(
    make_app: AppFactory, samples_project: Path
) -> None:
    app = make_app(watch=True)
    async with driving(app) as pilot:
        await highlight(pilot, app, "hello-python")
        tree = catalog(app)
        line = tree.cursor_line

        write_block(samples_project, "aaa-new", "print('new')\n", {"description": "brand new"})
        await wait_until(pilot, lambda: "aaa-new" in catalog_names(app), "the new block")
        assert catalog_names(app)[0] == "aaa-new"  # above the cursor: the line moved
        assert tree.highlighted_entry is not None
        assert tree.highlighted_entry.name == "hello-python"
        assert tree.cursor_line == line + 1

        shutil.rmtree(samples_project / "colors")
        await wait_until(pilot, lambda: "colors" not in catalog_names(app), "colors gone")
        assert tree.highlighted_entry is not None
        assert tree.highlighted_entry.name == "hello-python"
        assert tree.cursor_line == line
        assert "Counts the words of a sentence" in await details_at_rest(pilot, app)


async def test_a_changed_manifest_updates_the_highlighted_entry(
    make_app: AppFactory, samples_project: Path
) -> None:
    app = make_app(watch=True)
    async with driving(app) as pilot:
        await highlight(pilot, app, "hello-python")
        manifest = samples_project / "hello-python" / "actionblock.yml"
        manifest.write_text(manifest.read_text().replace("Counts the words", "Tallies the words"))

        await wait_until(pilot, lambda: "Tallies the words" in details_text(app), "new details")
        entry = catalog(app).highlighted_entry
        assert entry is not None
        assert entry.name == "hello-python"


async def test_the_highlighted_entry_removed_moves_the_cursor_to_an_entry(
    make_app: AppFactory, samples_project: Path
) -> None:
    app = make_app(watch=True)
    async with driving(app) as pilot:
        await highlight(pilot, app, "hello-python")
        shutil.rmtree(samples_project / "hello-python")

        await wait_until(pilot, lambda: "hello-python" not in catalog_names(app), "it is gone")
        entry = catalog(app).highlighted_entry
        assert entry is not None  # on an entry, not on a group heading or nowhere
        assert entry.name in await details_at_rest(pilot, app)


async def test_the_filter_narrows_the_catalog_as_you_type(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        everything = catalog_names(app)
        box = main(app).query_one("#filter")

        await type_into(pilot, box, "pancake")
        assert catalog_names(app) == ["pancakes"]
        await pilot.press("enter")
        assert app.focused is catalog(app)
        entry = catalog(app).highlighted_entry
        assert entry is not None
        assert entry.name == "pancakes"

        await type_into(pilot, box, "")
        assert catalog_names(app) == everything


async def test_a_broken_entry_is_marked_with_its_error(
    make_app: AppFactory, samples_project: Path
) -> None:
    write_block(samples_project, "broken", "print(1)\n", "name: [unclosed\n")
    app = make_app()
    async with driving(app) as pilot:
        assert "✘ broken" in label_of(app, "broken")
        await highlight(pilot, app, "broken")
        entry = catalog(app).highlighted_entry
        assert entry is not None
        assert entry.errors
        assert entry.errors[0].splitlines()[0] in details_text(app)


async def test_enter_on_an_executor_explains_instead_of_launching(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await enter_on(pilot, app, "recipe-runner")

        assert isinstance(app.screen, MainScreen)
        assert app.manager.records == []
        assert any(
            n.message.startswith("An executor runs capabilities (types: recipe)")
            for n in app._notifications
        )


async def test_the_details_follow_the_filter_to_the_entry_it_leaves(make_app: AppFactory) -> None:
    """Filtering can put another entry under a cursor that did not move: the details show it,
    and say so when nothing matches."""
    app = make_app()
    async with driving(app) as pilot:
        await highlight(pilot, app, "codebolt-style")
        assert "codebolt-style" in details_text(app)

        await type_into(pilot, main(app).query_one("#filter"), "fails")
        await pilot.pause()
        assert catalog_names(app) == ["fails"]
        shown = await details_at_rest(pilot, app)
        assert "codebolt-style" not in shown
        assert "Does a little work, then fails" in shown

        await type_into(pilot, main(app).query_one("#filter"), "no such thing")
        await pilot.pause()
        assert catalog_names(app) == []
        shown = await details_at_rest(pilot, app)
        assert "fails" not in shown
        assert "Nothing matches 'no such thing'" in shown


async def test_keys_typed_ahead_of_the_filter_giving_back_the_focus_reach_the_catalog(
    make_app: AppFactory,
) -> None:
    """`enter` twice at once in the filter box: the first takes the focus back to the catalog,
    the second - already handed to the box - launches the entry the filter left."""
    app = make_app()
    async with driving(app) as pilot:
        await pilot.press("slash", *"hello-py")
        await pilot.pause()
        for _ in range(2):  # both queued before the app reads either
            app.post_message(events.Key("enter", None))
        for _ in range(40):
            await pilot.pause(0.05)
            if isinstance(app.screen, LaunchScreen):
                break
        dialog = app.screen
        assert isinstance(dialog, LaunchScreen)
        await wait_until(  # mounted (its first field focused) before the app closes under it
            pilot, lambda: app.focused is not None and app.focused.screen is dialog, "the dialog"
        )


async def test_a_held_arrow_key_renders_the_details_only_where_the_cursor_rests(
    make_app: AppFactory,
) -> None:
    """`down` five times, each after the last has moved the cursor (a held key): the tree follows
    each, the details render the first move (it came after a quiet spell) and then only the entry
    the cursor rests on."""
    app = make_app()
    async with driving(app) as pilot:
        pane = details(app)
        pane.settle_s = 1.0  # generous: the five moves are one burst even on a loaded machine
        await wait_until(pilot, lambda: pane.at_rest, "a quiet spell")
        followed: list[str] = []
        rendered: list[str] = []
        pane.follow = recording(pane.follow, followed)  # type: ignore[method-assign]
        pane.show = recording(pane.show, rendered)  # type: ignore[method-assign]
        names = catalog_names(app)
        for moves in range(1, 6):
            app.post_message(events.Key("down", None))
            await wait_until(pilot, lambda: len(followed) == moves, f"move {moves}")  # noqa: B023
        assert followed == names[1:6]

        shown = await details_at_rest(pilot, app)
        assert rendered == [names[1], names[5]]
        assert names[5] in shown


def recording(
    method: Callable[[Entry | None, RenderableType], None], names: list[str]
) -> Callable[[Entry | None, RenderableType], None]:
    """`method`, noting the name of each entry it is called with in `names`."""

    def recorded(entry: Entry | None, instead: RenderableType = "") -> None:
        names.append(entry.name if entry is not None else "")
        method(entry, instead)

    return recorded


async def test_a_single_press_shows_its_entry_with_the_key(make_app: AppFactory) -> None:
    """After a quiet spell one `down` renders its entry at once, not after the settling delay."""
    app = make_app()
    async with driving(app) as pilot:
        pane = details(app)
        await wait_until(pilot, lambda: pane.at_rest, "a quiet spell")
        await pilot.press("down")
        entry = catalog(app).highlighted_entry
        assert entry is not None
        assert pane.settled  # nothing left for the timer
        assert entry.description in details_text(app)
