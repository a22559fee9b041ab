"""The main screen: catalog and details on the left, executions and their output on the right.

It reacts to the adapter's messages and runs the user's actions against the manager; engine calls
run in workers, so the screen never waits on a child.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, TextArea

from sidetui.core import Entry, ExecutionRecord, ExecutionStatus, SideExecutionManager
from sidetui.core.catalog.entries import Executor
from sidetui.core.terminal_text import strip_ansi
from sidetui.tui.adapter import EngineAdapter
from sidetui.tui.launch_request import LaunchRequest
from sidetui.tui.messages import (
    ExecutionSettled,
    ExecutionUpdated,
    OutputArrived,
    RegistryUpdated,
)
from sidetui.tui.plain import PlainNotifications
from sidetui.tui.presentation import Presentation
from sidetui.tui.screens.confirm import clearing, stopping_all
from sidetui.tui.screens.inline_code import InlineCodeScreen
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.screens.output_actions import OutputActions
from sidetui.tui.widgets.catalog import CatalogTree
from sidetui.tui.widgets.details import EntryDetails
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.output_pane import OutputPane

_SINGLE_KEY_ACTIONS = frozenset(
    {"stop", "stop_all", "rerun", "inline_code", "search", "search_next", "search_previous",
     "follow", "copy", "open_log", "clear_finished"}
)  # fmt: skip
ENDINGS = {
    ExecutionStatus.COMPLETED: "information",
    ExecutionStatus.FAILED: "error",
    ExecutionStatus.TIMEOUT: "warning",
}


class MainScreen(PlainNotifications, OutputActions):
    """Browse, launch, watch and stop."""

    # Priority: a key runs its action at once rather than after crossing every widget's queue
    # (under a flood of output that is the difference between 10 ms and 300 ms); `check_action`
    # lets the keys through to a text field while one has the focus.
    BINDINGS = [
        Binding("s", "stop", "Stop", id="stop", priority=True),
        Binding("S", "stop_all", "Stop all", id="stop_all", priority=True),
        Binding("r", "rerun", "Re-run", id="rerun", priority=True),
        Binding("i", "inline_code", "Code", id="inline_code", priority=True),
        Binding("slash", "search", "Search", id="search", priority=True),
        Binding("n", "search_next", "Next match", id="search_next", show=False, priority=True),
        Binding(
            "N",
            "search_previous",
            "Previous match",
            id="search_previous",
            show=False,
            priority=True,
        ),
        Binding("f", "follow", "Follow", id="follow", priority=True),
        Binding("c", "copy", "Copy", id="copy", priority=True),
        Binding("o", "open_log", "Pager", id="open_log", priority=True),
        Binding("x", "clear_finished", "Clear", id="clear_finished", priority=True),
    ]

    def __init__(self, manager: SideExecutionManager, presentation: Presentation):
        super().__init__()
        self.manager = manager
        self.presentation = presentation
        self.adapter: EngineAdapter | None = None
        self._requests: dict[str, LaunchRequest] = {}
        self._last_params: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        colours = self.presentation.colours
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Input(placeholder="filter the catalog", id="filter")
                yield CatalogTree(colours, id="catalog")
                yield EntryDetails(self.presentation, id="details")
            with Vertical(id="right"):
                yield ExecutionsTable(self.presentation, id="executions")
                yield OutputPane(self.presentation, self.manager.config, id="pane")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one(CatalogTree).focus()
        self.set_interval(1.0, self.query_one(ExecutionsTable).tick)

    def engine_ready(self, adapter: EngineAdapter) -> None:
        """The manager is open: show what it found."""
        self.adapter = adapter
        self.query_one(CatalogTree).set_entries(self.manager.registry.entries())
        table = self.query_one(ExecutionsTable)
        for record in reversed(self.manager.past_records()):
            table.upsert(record)
        if self.manager.history is not None and self.manager.history.problem:
            self.notify(self.manager.history.problem, title="History", severity="warning")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Single-key actions step aside while a text field has the focus (typing a filter)."""
        typing = isinstance(self.focused, Input | TextArea)
        return not (typing and action in _SINGLE_KEY_ACTIONS)

    # -- what the engine says --------------------------------------------------------------------

    def on_execution_updated(self, message: ExecutionUpdated) -> None:
        record = message.record
        table = self.query_one(ExecutionsTable)
        table.upsert(record)
        pane = self.query_one(OutputPane)
        if pane.record is record:
            pane.status_changed()
        severity = ENDINGS.get(record.status)
        if severity and table.selected_id != record.side_execution_id:
            reason = f": {record.error.message}" if record.error else ""
            self.notify(f"{record.action_block} {record.status.value}{reason}", severity=severity)  # type: ignore[arg-type]

    def on_execution_settled(self, message: ExecutionSettled) -> None:
        self.query_one(ExecutionsTable).update_record(message.record)
        pane = self.query_one(OutputPane)
        if pane.record is message.record:
            pane.status_changed()

    def on_output_arrived(self, message: OutputArrived) -> None:
        pane = self.query_one(OutputPane)
        if pane.record is not None and pane.record.side_execution_id in message.execution_ids:
            pane.refresh_output()

    def on_registry_updated(self, message: RegistryUpdated) -> None:
        self.query_one(CatalogTree).set_entries(self.manager.registry.entries())

    # -- what the widgets say --------------------------------------------------------------------

    def on_catalog_tree_entry_highlighted(self, message: CatalogTree.EntryHighlighted) -> None:
        tree = self.query_one(CatalogTree)
        instead = Text(f"Nothing matches {tree.filter!r}.", style="dim") if tree.filter else ""
        self.query_one(EntryDetails).show(message.entry, instead)

    def on_catalog_tree_launch_requested(self, message: CatalogTree.LaunchRequested) -> None:
        self.open_launch(message.entry)

    def on_executions_table_selected(self, message: ExecutionsTable.Selected) -> None:
        self.query_one(OutputPane).show_execution(message.record)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.query_one(CatalogTree).set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self._search(event.value, forward=True)
        elif event.input.id == "filter":
            self.query_one(CatalogTree).focus()

    # -- launching -------------------------------------------------------------------------------

    def launchable_entries(self) -> list[Entry]:
        return [e for e in self.manager.registry.entries() if not isinstance(e, Executor)]

    def live_records(self) -> list[ExecutionRecord]:
        return [r for r in self.manager.records if not r.status.is_final]

    def open_launch(self, entry: Entry) -> None:
        if isinstance(entry, Executor):
            types = ", ".join(entry.supported_types) or "none"
            self.notify(f"An executor runs capabilities (types: {types}): launch one of those.")
            return
        if entry.errors:
            problem = strip_ansi(entry.errors[0])
            self.notify(
                f"{strip_ansi(entry.name)} is broken and cannot run: {problem}",
                title="Not launched",
                severity="error",
            )
            return
        previous = self._last_params.get(str(entry.path))
        self.app.push_screen(LaunchScreen(entry, previous), self._launch_dialog_closed)

    def _launch_dialog_closed(self, request: LaunchRequest | None) -> None:
        if request is not None:
            self.launch(request)

    def launch(self, request: LaunchRequest) -> None:
        self._guarded(self._launch(request))

    async def _launch(self, request: LaunchRequest) -> None:
        response = await request.start(self.manager)
        data = response.data or {}
        execution_id = data.get("sideExecutionId")
        if execution_id is None:
            self.notify(response.message, title="Not started", severity="error")
            return
        self._requests[execution_id] = request
        if request.kind != "code":
            entry_key = next(
                (str(e.path) for e in self.launchable_entries() if e.name == request.target),
                request.target,
            )
            self._last_params[entry_key] = request.params
        record = self.manager.get_record(execution_id)
        if record is not None:
            self.query_one(ExecutionsTable).upsert(record, select=True)
        if not response.success:
            self.notify(response.message, title="Failed to start", severity="error")

    # -- actions ---------------------------------------------------------------------------------

    def _selected(self) -> ExecutionRecord | None:
        return self.query_one(ExecutionsTable).selected_record

    def action_stop(self) -> None:
        record = self._selected()
        if record is None:
            self.notify("No execution is selected.")
        else:
            self.stop_execution(record.side_execution_id)

    def stop_execution(self, execution_id: str) -> None:
        record = self.manager.get_record(execution_id)
        if record is None or record.status.is_final:
            return
        again = record.status is ExecutionStatus.STOPPING
        shown = self.presentation.execution_id(execution_id)
        self.notify(f"{'Killing' if again else 'Stopping'} {shown}", timeout=2)
        self._guarded(self.manager.stop(execution_id))

    def action_stop_all(self) -> None:
        """Stop every live execution, once the person says yes."""
        live = self.live_records()
        if not live:
            self.notify("Nothing is running.", timeout=2)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.notify(f"Stopping {len(live)} execution(s)", timeout=2)
                self._guarded(self.manager.stop_all())

        self.app.push_screen(stopping_all(len(live)), answered)

    def action_rerun(self) -> None:
        record = self._selected()
        if record is None:
            self.notify("No execution is selected.")
            return
        request = self._requests.get(record.side_execution_id) or LaunchRequest.again(record)
        if request is None:
            self.notify("The code of earlier inline runs is not kept: use i to write it again.")
            return
        self.launch(request)

    def action_inline_code(self) -> None:
        previous = next((r for r in reversed(self._requests.values()) if r.kind == "code"), None)
        self.app.push_screen(InlineCodeScreen(previous), self._launch_dialog_closed)

    def action_clear_finished(self) -> None:
        """Remove finished executions from the table and the history (their logs stay), once
        the person says yes."""
        table = self.query_one(ExecutionsTable)
        finished = table.finished_ids()
        if not finished:
            self.notify("Nothing has finished.", timeout=2)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                cleared = {i for i in finished if self.manager.forget(i)}
                table.remove_executions(cleared)
                for execution_id in cleared:
                    self._requests.pop(execution_id, None)
                self.notify(f"Cleared {len(cleared)} finished execution(s).", timeout=2)

        self.app.push_screen(clearing(len(finished)), answered)

    def _guarded(self, work: Awaitable[Any]) -> None:
        """Run engine work in the background; a failure is shown, never fatal."""

        async def guarded() -> None:
            try:
                await work
            except Exception as error:  # shown to the person; the app stays up
                self.notify(f"{type(error).__name__}: {error}", title="Error", severity="error")

        self.run_worker(guarded(), group="engine", exit_on_error=False)
