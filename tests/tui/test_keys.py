"""Finding your way: `?` lists every key by where it works (as rebound); `/` filters the catalog
there and searches the output elsewhere; 1-6 open the output's tabs; enter launches from the
catalog and goes to the output from the executions; the footer shows whole keys at 80 columns."""

from __future__ import annotations

import asyncio

from rich.console import Console
from textual.binding import Binding
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from sidetui.tui.app import SidetuiApp
from sidetui.tui.bindings import MAIN_BINDINGS, OUTPUT_TABS
from sidetui.tui.screens.help import HelpScreen
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.widgets.catalog import CatalogTree
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.filter_box import FilterBox, OutputFilterBox
from sidetui.tui.widgets.key_footer import _width
from sidetui.tui.widgets.output_view import OutputView
from tests.tui.pilot_support import (
    SIZE,
    AppFactory,
    catalog,
    catalog_names,
    driving,
    main,
    open_screen,
    pane,
    run_to_end,
    wait_until,
)

SECTIONS = (
    "Everywhere", "Main screen", "Catalog", "Filter box", "Executions", "Output", "Search bar",
    "Launch dialog", "Inline code", "New block", "Questions",
)  # fmt: skip


def help_text(screen: HelpScreen) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(screen.query_one("#help-body").query_one(Static).content)
    return console.export_text()


def footer_keys(app: SidetuiApp) -> list[FooterKey]:
    return [key for key in app.screen.query(FooterKey) if key.display]


async def test_question_mark_lists_every_key_by_where_it_works(make_app: AppFactory) -> None:
    app = make_app(keys={"stop": "k", "tab.result": "ctrl+r"})
    async with driving(app) as pilot:
        screen = await open_screen(pilot, app, "question_mark", HelpScreen)
        text = help_text(screen)
        lines = text.splitlines()
        titles = [line.strip() for line in lines if line and not line.startswith(" ")]
        assert set(SECTIONS) <= set(titles), titles
        for binding in MAIN_BINDINGS:
            assert any(binding.id in line for line in lines), binding.id
        stop = next(line for line in lines if line.rstrip().endswith(" stop"))
        assert stop.split()[0] == "k"  # as rebound
        result_tab = next(line for line in lines if line.rstrip().endswith("tab.result"))
        assert result_tab.split()[0] == "^r"
        launch = next(line for line in lines if line.rstrip().endswith(" launch"))
        assert launch.split()[0] == "⏎" and "launch the highlighted entry" in launch
        assert any(line.split()[:1] == ["n"] and "next match" in line for line in lines)
        assert any(line.startswith("^q") for line in lines)

        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main(app), "the help to close")


async def test_slash_filters_in_the_catalog_and_searches_elsewhere(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        assert isinstance(app.focused, CatalogTree)
        await pilot.press("slash")
        assert app.focused is main(app).query_one("#filter", Input)
        await pilot.press(*"fails")
        assert catalog_names(app) == ["fails"]
        await pilot.press("escape")  # clears the filter, back to the catalog
        assert isinstance(app.focused, CatalogTree)
        assert main(app).query_one("#filter", Input).value == ""
        assert len(catalog_names(app)) > 1

        await run_to_end(pilot, app, "hello-python")
        await pilot.click("#executions")
        await pilot.press("slash")
        search = main(app).query_one("#search", Input)
        assert search.display and app.focused is search


async def test_number_keys_open_the_output_tabs(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "hello-python")
        await pilot.click("#executions")
        for number, tab in enumerate(OUTPUT_TABS, start=1):
            await pilot.press(str(number))
            await wait_until(pilot, lambda tab=tab: pane(app).tab == tab, f"the {tab} tab")
        await pilot.press("1")
        await wait_until(pilot, lambda: pane(app).tab == "stdout", "stdout again")
        assert pane(app).preferred_tab == "stdout"


async def test_enter_on_an_execution_goes_to_its_output(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        await run_to_end(pilot, app, "hello-python")
        await pilot.click("#executions")
        assert isinstance(app.focused, ExecutionsTable)
        await pilot.press("enter")
        assert isinstance(app.focused, OutputView)


async def test_the_focused_part_of_the_screen_is_lit(make_app: AppFactory) -> None:
    """The border between the parts takes the accent colour where the focus is."""
    app = make_app()
    async with driving(app) as pilot:
        accent = Color.parse(app.current_theme.accent or "")
        left, right = main(app).query_one("#left"), pane(app)

        def lit(colour: Color) -> bool:
            return max(abs(a - b) for a, b in zip(colour.rgb, accent.rgb, strict=True)) < 8

        assert lit(left.styles.border_right[1])
        assert not lit(right.styles.border_top[1])
        await pilot.click("#output")
        await pilot.pause()
        assert not lit(left.styles.border_right[1])
        assert lit(right.styles.border_top[1])


async def test_the_footer_shows_whole_keys_at_80_columns(make_app: AppFactory) -> None:
    """Wherever the focus is, the footer's keys fit 80 columns whole, help and quit among them;
    in the catalog, launch and filter too."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: catalog(app).highlighted_entry is not None, "the catalog")
        for focus, wanted in (
            ("#executions", {"Keys", "Quit", "Output"}),
            ("#output", {"Keys", "Quit", "Search"}),
            ("#catalog", {"Keys", "Quit", "Launch", "Filter"}),
        ):
            main(app).query_one(focus).focus()
            await wait_until(
                pilot,
                lambda wanted=wanted: wanted <= {k.description for k in footer_keys(app)},
                f"the footer's keys for {focus}",
            )
            shown = footer_keys(app)
            used = sum(_width(key) + 1 for key in shown)
            assert used <= 80, [(k.key_display, k.description) for k in shown]


async def test_enter_in_the_catalog_is_called_launch_and_launches(make_app: AppFactory) -> None:
    app = make_app()
    async with driving(app) as pilot:
        enter = next(b for b in CatalogTree.BINDINGS if isinstance(b, Binding))
        assert (enter.key, enter.description, enter.id) == ("enter", "Launch", "launch")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LaunchScreen), "the dialog")


async def test_every_binding_has_an_id_and_a_description() -> None:
    classes = (SidetuiApp, CatalogTree, ExecutionsTable, HelpScreen, LaunchScreen)
    bindings = [*MAIN_BINDINGS, *(b for cls in classes for b in cls.BINDINGS)]
    for binding in bindings:
        assert isinstance(binding, Binding)
        assert binding.id and binding.description, binding
    assert SIZE == (120, 36)


def test_every_key_that_can_be_rebound_has_an_id_of_its_own() -> None:
    """The configuration rebinds a key by its id: two keys sharing one would move together
    (the catalog's `/` and the output's `&` once both answered to `filter`)."""
    owners = (SidetuiApp, CatalogTree, ExecutionsTable, FilterBox, OutputFilterBox, LaunchScreen)
    ids = [b.id for b in MAIN_BINDINGS if b.id]
    for owner in owners:
        ids += [b.id for b in owner.BINDINGS if isinstance(b, Binding) and b.id]
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


async def steady_footer(pilot: Pilot[None], app: SidetuiApp) -> list[FooterKey]:
    """The footer's keys once they stay the same objects for a few frames."""
    keys: list[FooterKey] = []
    for _ in range(100):
        await pilot.pause(0.1)
        now = footer_keys(app)
        if now == keys:
            return keys
        keys = now
    raise AssertionError("the footer never settled")


async def test_the_footer_is_composed_again_only_when_its_keys_change(
    make_app: AppFactory,
) -> None:
    """The screen tells the footer of a change of bindings on every focus move and state
    change; the footer keeps its keys (no remount, no restyle) unless what it shows changed."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: catalog(app).highlighted_entry is not None, "the catalog")
        await asyncio.wait_for(app.engine_ready.wait(), 30)
        main(app).query_one("#executions").focus()
        await wait_until(pilot, lambda: "Output" in {k.description for k in footer_keys(app)}, "")
        keys = await steady_footer(pilot, app)  # what earlier changes brought, composed
        for _ in range(3):
            app.screen.refresh_bindings()
            await pilot.pause()
        assert footer_keys(app) == keys and all(key.is_attached for key in keys)
        main(app).query_one("#catalog").focus()
        await wait_until(pilot, lambda: "Launch" in {k.description for k in footer_keys(app)}, "")
        assert not any(key.is_attached for key in keys)  # new keys for the catalog
