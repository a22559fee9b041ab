"""Outside text never reaches the terminal raw from the app. A project whose names,
descriptions, README, inputs, capability, output, messages, error and result all carry the
hostile corpus is walked by keys, and every frame the app draws is read as the terminal gets it:
no escape sequence but the app's own, no control, no bidirectional override (shown as
<U+202E>), and markup shown as the text it is."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.command import CommandPalette
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot
from textual.widgets import Input

from sidetui.core import ExecutionRecord, ExecutionStatus
from sidetui.core.terminal_text import one_line
from sidetui.tui.app import SidetuiApp
from sidetui.tui.screens.launch import LaunchScreen
from tests.helpers import write_block
from tests.hostile_text import CORPUS, SHOWN_BIDI, forbidden_in
from tests.tui.pilot_support import (
    ECHO_PARAMS,
    AppFactory,
    catalog,
    open_screen,
    pane,
    settled,
    start,
    started,
    type_into,
    wait_until,
)

MARKUP = "[bold red]H[/]"
STYLE_MARKUP = "[B]I[/B]"  # markup that Textual's own `escape` leaves as markup
SHOWN = one_line(CORPUS)  # ABCDE F<U+202E>G<U+2066>[bold red]H[/]
IN_TEXT = f"ABCDEF{SHOWN_BIDI}G<U+2066>{MARKUP}"  # the same in multi-line text (no backspace)
SIZE = (200, 80)  # room for the corpus on one line in every pane, and for the README
MOVING_CONTROLS = "\b\r\t\v\f"  # in text, fine; on the terminal they move the cursor
# What Textual itself writes around what it draws: colours (SGR), cursor moves to a row and
# column, private modes (synchronized output, the cursor) and pointer shapes.
TEXTUAL_OWN = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\d+;\d+H|\x1b\[\?\d+[hl]|\x1b\]22;[a-z-]+\x07")

HOSTILE_BLOCK = f"""
import sys
from sidetui.block import BlockError, notify, on_invocation, send_message

HOSTILE = {CORPUS!r}


@on_invocation
def main(params, context):
    print(HOSTILE, flush=True)
    print(HOSTILE, file=sys.stderr, flush=True)
    send_message(HOSTILE, {{HOSTILE: HOSTILE}})
    notify(HOSTILE, HOSTILE)
    if params.get("fail"):
        raise BlockError(HOSTILE, HOSTILE)
    return {{HOSTILE: [HOSTILE, params.get(HOSTILE)]}}
"""
HOSTILE_POWER = f"""
def execute(params):
    return {{"said": {CORPUS!r}}}
"""


def hostile_project(root: Path) -> Path:
    """A project with a hostile block, a broken block whose error quotes the corpus, and a
    hostile capability; the project's folder and the hostile block's are named with it too."""
    folder_name = CORPUS.replace("\x00", "").replace("/", "|")  # what a file name can hold
    project = root / folder_name
    inputs = [
        {"name": CORPUS, "type": "string", "description": CORPUS, "default": CORPUS},
        {"name": "fail", "type": "boolean", "default": False, "description": "fail"},
    ]
    manifest = {
        "name": CORPUS,
        "description": f"{CORPUS} {STYLE_MARKUP}",
        "version": CORPUS,
        "entryPoint": "main.py",
        "metadata": {"inputs": inputs},
    }
    text = CORPUS.replace("\x00", "")  # a file with a NUL is not text: it is not shown at all
    readme = f"# hostile\n\nIts README: {text}\n\n- {text}\n"
    blocks = project / "actionblocks"
    write_block(blocks, folder_name, HOSTILE_BLOCK, manifest, {"README.md": readme})
    write_block(blocks, "broken", None, {"name": "broken", "entryPoint": f"{CORPUS}.py"})
    power = {"name": f"power {CORPUS}", "type": "power", "description": CORPUS}
    write_block(
        project / "capabilities" / "power",
        "hostile-power",
        HOSTILE_POWER,
        files={"capability.yaml": json.dumps(power), "README.md": f"Power: {text}\n"},
    )
    return project


class TerminalRecorder(HeadlessDriver):
    """Headless for input, but the app draws through it as it would to a terminal: it keeps
    every byte the app writes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.written: list[str] = []

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.written.append(data)


class Terminal:
    """What the app wrote to its terminal, read from a mark on."""

    def __init__(self, app: SidetuiApp):
        self.app = app

    @property
    def _written(self) -> list[str]:
        driver = self.app._driver
        assert isinstance(driver, TerminalRecorder)
        return driver.written

    def mark(self) -> int:
        return len(self._written)

    def drawn(self, since: int = 0) -> str:
        """The text drawn since `since`, Textual's own sequences taken out: what is left is
        what the app was given to show."""
        return TEXTUAL_OWN.sub("", "".join(self._written[since:]))

    def assert_clean(self, since: int = 0) -> str:
        drawn = self.drawn(since)
        leaked = forbidden_in(drawn) + [c.encode() for c in MOVING_CONTROLS if c in drawn]
        assert leaked == [], f"{leaked} reached the terminal: {_around(drawn, leaked[0])}"
        return drawn

    async def assert_shows(self, pilot: Pilot[None], since: int, *texts: str) -> None:
        """Once the app has drawn each of `texts` (since the mark `since`), nothing forbidden
        was drawn with them (checked as soon as it is)."""

        def done() -> bool:
            drawn = self.drawn(since)
            return bool(forbidden_in(drawn)) or all(text in drawn for text in texts)

        try:
            await wait_until(pilot, done, f"{texts} drawn")
        except AssertionError as error:
            raise AssertionError(f"{error}; drawn last: {self.drawn(since)[-2000:]!r}") from None
        self.assert_clean(since)


def _around(drawn: str, leaked: bytes) -> str:
    at = drawn.encode().find(leaked)
    return repr(drawn.encode()[max(0, at - 80) : at + 80].decode(errors="replace"))


@asynccontextmanager
async def recording(app: SidetuiApp) -> AsyncIterator[tuple[Pilot[None], Terminal]]:
    app.driver_class = TerminalRecorder
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        await started(pilot, app)
        yield pilot, Terminal(app)


async def cursor_to(pilot: Pilot[None], app: SidetuiApp, name: str) -> None:
    """Move the catalog cursor with the arrow keys to the entry `name`."""
    tree = catalog(app)
    tree.focus()
    await pilot.press("home")
    for _ in range(tree.last_line + 1):
        entry = tree.highlighted_entry
        if entry is not None and one_line(entry.name) == one_line(name):
            await pilot.pause()
            return
        await pilot.press("down")
    raise AssertionError(f"{name!r} is not in the catalog")


async def launched(pilot: Pilot[None], app: SidetuiApp, *keys: str) -> ExecutionRecord:
    """In the open launch dialog, press `keys`, then start: the execution once settled."""
    await pilot.press(*keys)
    record = await start(pilot, app)
    return await settled(pilot, app, record.side_execution_id)


async def test_every_place_that_shows_outside_text_shows_it_neutralised(
    make_app: AppFactory, tmp_path: Path
) -> None:
    project = hostile_project(tmp_path)
    app = make_app(project, deterministic=False)
    async with recording(app) as (pilot, terminal):
        await terminal.assert_shows(pilot, 0, f"sidetui — {one_line(project.name)}")  # header

        mark = terminal.mark()  # the catalog and the details: name, description, README, inputs
        await cursor_to(pilot, app, CORPUS)
        await terminal.assert_shows(pilot, mark, f"├ {SHOWN}", f"version {SHOWN}")
        await terminal.assert_shows(pilot, mark, "path    actionblocks/ABCDE F")  # its folder
        await terminal.assert_shows(pilot, mark, f"Its README: {IN_TEXT}")

        mark = terminal.mark()  # the launch dialog: title, description, labels, default
        await open_screen(pilot, app, "enter", LaunchScreen)
        await terminal.assert_shows(pilot, mark, f"Launch {SHOWN}", f"{SHOWN}  string  ABCDE F")
        await terminal.assert_shows(pilot, mark, f"{SHOWN}  (kept unless you type another)")

        record = await launched(pilot, app)  # its output, messages, result and details
        assert record.status is ExecutionStatus.COMPLETED, record.error
        assert record.params[CORPUS] == CORPUS  # the default, kept as it is
        for key, tab in (("2", "stderr"), ("3", "merged"), ("4", "messages"), ("5", "result"),
                         ("6", "details"), ("1", "stdout")):  # fmt: skip
            mark = terminal.mark()
            await pilot.press(key)
            await wait_until(pilot, lambda tab=tab: pane(app).tab == tab, f"the {tab} tab")
            await terminal.assert_shows(pilot, mark, SHOWN_BIDI, MARKUP)

        mark = terminal.mark()  # the error it fails with, its code and its stderr
        await cursor_to(pilot, app, CORPUS)
        await open_screen(pilot, app, "enter", LaunchScreen)
        record = await launched(pilot, app, "tab", "space")  # fail: on
        assert record.status is ExecutionStatus.FAILED
        await wait_until(pilot, lambda: pane(app).tab == "result", "the result tab")
        await terminal.assert_shows(pilot, mark, f"{IN_TEXT}", "its last lines on stderr")

        mark = terminal.mark()  # a refusal quoting outside text, in a notification
        await cursor_to(pilot, app, "broken")
        await pilot.press("enter")
        await terminal.assert_shows(pilot, mark, "cannot run", SHOWN_BIDI)

        mark = terminal.mark()  # the capability: details, launch dialog, result
        await cursor_to(pilot, app, f"power {SHOWN}")
        await terminal.assert_shows(pilot, mark, f"Power: {IN_TEXT}")
        await open_screen(pilot, app, "enter", LaunchScreen)
        await terminal.assert_shows(pilot, mark, f"Launch power {SHOWN}")
        record = await launched(pilot, app)
        assert record.status is ExecutionStatus.COMPLETED, record.error
        await pilot.press("5")
        await terminal.assert_shows(pilot, mark, '"said": "A\\u001b]52', f"{SHOWN_BIDI}G<U+2066>[b")

        mark = terminal.mark()  # the command palette: its entries, listed and searched
        await open_screen(pilot, app, "ctrl+p", CommandPalette)
        help_line = f"ActionBlock · {SHOWN} {STYLE_MARKUP}"
        await terminal.assert_shows(pilot, mark, f"Launch {SHOWN}", help_line)
        mark = terminal.mark()
        await pilot.press(*"Launch")
        await terminal.assert_shows(pilot, mark, f"Launch {SHOWN}")
        await pilot.press("escape")

        terminal.assert_clean()


async def test_inputs_of_any_name_get_a_field_of_their_own(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Names that cannot name a widget, that repeat, or that are the dialog's own."""
    names = ["timeout", "two words", "__params__", "title", "title"]
    inputs = [{"name": name, "type": "string"} for name in names]
    project = tmp_path / "project"
    manifest = {"entryPoint": "main.py", "metadata": {"inputs": inputs}}
    write_block(project / "actionblocks", "odd-names", ECHO_PARAMS, manifest)
    app = make_app(project)
    async with recording(app) as (pilot, _):
        await cursor_to(pilot, app, "odd-names")
        dialog = await open_screen(pilot, app, "enter", LaunchScreen)
        fields = list(dialog.query("#fields Input").results(Input))
        assert [field.id for field in fields] == [
            "in-field-0", "in-field-1", "in-field-2", "in-title", "in-field-4", "in-timeout",
        ]  # fmt: skip
        for field, text in zip(fields, ("a", "b", "c", "d", "e", "9000"), strict=True):
            await type_into(pilot, field, text)
        record = await launched(pilot, app)
    assert record.timeout == 9000
    assert record.params == {"timeout": "a", "two words": "b", "__params__": "c", "title": "e"}
