"""The sidetui application: it wires the engine, the adapter and the main screen together, and
owns the app's lifecycle (start the engine, quit with confirmation, stop everything on exit).
A state folder it cannot use ends it at once, `refusal` saying why (exit status 2)."""

from __future__ import annotations

import asyncio
import signal

from textual import events
from textual.app import App
from textual.binding import Binding

from sidetui.commands.exit_codes import EXIT_REFUSED
from sidetui.config import Settings
from sidetui.core import SideExecutionManager
from sidetui.core.state_dir import StateDirError
from sidetui.core.terminal_text import one_line
from sidetui.tui.adapter import EngineAdapter
from sidetui.tui.collector import CollectorPause
from sidetui.tui.commands import SidetuiCommands
from sidetui.tui.plain import PlainNotifications
from sidetui.tui.presentation import Presentation
from sidetui.tui.screens.confirm import quitting
from sidetui.tui.screens.help import HelpScreen
from sidetui.tui.screens.main import MainScreen


class SidetuiApp(PlainNotifications, App[None]):
    """Browse, launch, watch and stop side executions."""

    CSS_PATH = "app.tcss"
    TITLE = "sidetui"
    COMMANDS = App.COMMANDS | {SidetuiCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Keys", id="help", tooltip="this list of every key"),
        Binding("q", "quit", "Quit", id="quit",
                tooltip="quit; with executions running, asks first (yes stops them all)"),
        Binding("ctrl+q", "quit", "Quit", id="quit.now", show=False, priority=True,
                tooltip="quit, from anywhere (a text field too); asks the same question"),
    ]  # fmt: skip

    def __init__(
        self,
        manager: SideExecutionManager,
        settings: Settings,
        looks: type[Presentation] = Presentation,
    ):
        super().__init__()
        self.manager = manager
        self.settings = settings
        self.looks = looks
        self.sub_title = one_line(manager.project_dir.name)
        self.main: MainScreen | None = None
        self.collector = CollectorPause(self)
        self.engine_ready = asyncio.Event()
        self.refusal: str | None = None  # why it would not start, when it would not

    @property
    def keymap(self) -> dict[str, str]:
        """Keys rebound from the configuration, by binding id."""
        return self.settings.keys

    async def on_mount(self) -> None:
        self.set_keymap(self.settings.keys)
        presentation = self.looks(self.manager.project_dir, self.get_css_variables())
        self.main = MainScreen(self.manager, presentation)
        await self.push_screen(self.main)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self.exit)
        signal.signal(signal.SIGHUP, lambda *_: self._terminal_hung_up(loop))
        for problem in self.settings.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=8)
        self.run_worker(self._run_engine(self.main), name="engine", exit_on_error=True)

    def _terminal_hung_up(self, loop: asyncio.AbstractEventLoop) -> None:
        """The terminal is gone: stop everything and exit. The kernel follows a hang-up's SIGHUP
        with SIGCONT, on which Textual's driver would enter application mode again and leave an
        input thread spinning on the dead terminal, keeping the process alive; so SIGCONT goes
        back to its default first (plain handlers run in signal order: SIGHUP's before SIGCONT's).
        """
        signal.signal(signal.SIGCONT, signal.SIG_DFL)
        loop.call_soon_threadsafe(self.exit)

    async def _run_engine(self, main: MainScreen) -> None:
        adapter = EngineAdapter(self.manager, main)
        adapter.subscribe()  # the first scan's catalog shows before the engine is fully open
        following = asyncio.create_task(adapter.run())
        try:
            await self.manager.open(history_open=main.show_history, watch_later=True)
        except StateDirError as error:  # no history, no logs: nothing could be kept
            following.cancel()
            self.refusal = f"sidetui: {one_line(error.strerror or str(error))}"
            self.exit(return_code=EXIT_REFUSED)  # the command line says why, on one line
            return
        except BaseException:
            following.cancel()
            raise
        main.engine_ready(adapter)
        self.engine_ready.set()
        main.call_after_refresh(self._start_watching)  # once the catalog is on screen
        await following

    def _start_watching(self) -> None:
        self.run_worker(self.manager.start_watching(), name="watcher", exit_on_error=True)

    async def action_quit(self) -> None:
        live = [r for r in self.manager.records if not r.status.is_final]
        if not live:
            self.exit()
            return
        self.push_screen(quitting(len(live)), self._quit_answered)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def _quit_answered(self, stop_all: bool | None) -> None:
        if stop_all:
            self.run_worker(self._stop_all_and_exit(), group="engine", exit_on_error=False)

    async def _stop_all_and_exit(self) -> None:
        self.notify("Stopping every execution…", timeout=5)
        await self.manager.stop_all()
        self.exit()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.collector.key()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self.collector.close()
        await self.manager.close()
