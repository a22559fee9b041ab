"""The main screen: catalog and details on the left, executions and their output on the right.

It reacts to the adapter's messages and to the history feed, and runs the person's actions
(`ExecutionActions`, `OutputActions`); engine calls run in workers, so the screen never waits on
a child.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, TextArea

from sidetui.config import Settings
from sidetui.core import ExecutionRecord, SideExecutionManager
from sidetui.core.terminal_text import one_line
from sidetui.tui.adapter import EngineAdapter
from sidetui.tui.bindings import MAIN_BINDINGS, SINGLE_KEY_ACTIONS
from sidetui.tui.block_watches import BlockWatches
from sidetui.tui.end_notice import EndNotices
from sidetui.tui.frame_pacer import PacedFrames
from sidetui.tui.history_feed import HistoryFeed
from sidetui.tui.kept_dialogs import KeptDialogs
from sidetui.tui.keys import binding_with_id, keys_of
from sidetui.tui.launch_request import LaunchRequest
from sidetui.tui.messages import ExecutionSettled, ExecutionUpdated, RegistryUpdated
from sidetui.tui.plain import PlainNotifications
from sidetui.tui.presentation import Presentation
from sidetui.tui.screens.execution_actions import ExecutionActions
from sidetui.tui.screens.new_block import NewBlockScreen
from sidetui.tui.screens.output_actions import OutputActions
from sidetui.tui.widgets.all_output import AllOutput
from sidetui.tui.widgets.catalog import CatalogTree
from sidetui.tui.widgets.details import EntryDetails
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.filter_box import FilterBox
from sidetui.tui.widgets.key_footer import KeyFooter
from sidetui.tui.widgets.output_pane import OutputPane
from sidetui.tui.widgets.split_panes import OutputPanes

HISTORY_POLL_S = 1.0
WELCOME = (
    "No ActionBlocks in this project yet.\n\n"
    "An ActionBlock is a folder with a manifest (its name, the inputs it takes) and an entry "
    "point: sidetui runs it as a child process with JSON params and shows what it prints.\n\n"
    "Press enter on + new block (or {new}, anywhere) to create one from a template - Python, "
    "JavaScript or codeboltjs - or run `sidetui new NAME` in a terminal: it shows here at once."
)


class MainScreen(PacedFrames, PlainNotifications, ExecutionActions, OutputActions):
    """Browse, launch, watch and stop."""

    BINDINGS = list[BindingType](MAIN_BINDINGS)

    def __init__(self, manager: SideExecutionManager, presentation: Presentation):
        super().__init__()
        self.manager = manager
        self.presentation = presentation
        self.feed = HistoryFeed(manager)
        self.watches = BlockWatches(manager, self.watch_started, self.watch_failed)
        self.adapter: EngineAdapter | None = None
        self._requests: dict[str, LaunchRequest] = {}
        self._last_params: dict[str, dict[str, Any]] = {}
        self.dialogs = KeptDialogs()
        self._created: Path | None = None  # a new block to highlight once the catalog has it
        self.end_notices = EndNotices(
            lambda text, severity: self.notify(text, severity=severity),
            lambda: self.app.bell(),
            False,
        )

    def compose(self) -> ComposeResult:
        colours = self.presentation.colours
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield FilterBox("#catalog", placeholder="/ filter the catalog", id="filter")
                yield CatalogTree(colours, id="catalog")
                yield EntryDetails(self.presentation, id="details")
            with Vertical(id="right"):
                executions = ExecutionsTable(self.presentation, id="executions")
                executions.older = self._older
                yield executions
                with OutputPanes(id="outputs"):
                    yield OutputPane(self.presentation, self.manager.config, id="pane")
                    yield AllOutput(self.presentation, self._records, id="all-output")
                    yield OutputPane(self.presentation, self.manager.config, id="pinned")
        yield KeyFooter(compact=True)

    def _records(self) -> list[ExecutionRecord]:
        return self.manager.records

    def on_mount(self) -> None:
        settings: Settings | None = getattr(self.app, "settings", None)
        self.end_notices.ring = settings is not None and settings.bell_on_end
        self.query_one("#all-output").display = self.query_one("#pinned").display = False
        executions = self.query_one(ExecutionsTable)
        for pane in self.output_panes():
            pane.children_of = lambda execution_id: executions.family.children_of(execution_id)
        self.query_one(CatalogTree).focus()
        self.set_interval(1.0, self._tick)

    def on_unmount(self) -> None:
        self.watches.close()

    def _tick(self) -> None:
        """Once a second: the table's live columns, and the graphs of a running execution."""
        self.query_one(ExecutionsTable).tick()
        for pane in self.output_panes():
            record = pane.record
            if pane.tab == "details" and record is not None and not record.status.is_final:
                pane.refresh_output()

    def engine_ready(self, adapter: EngineAdapter) -> None:
        """The manager is open: show what it found (its history shows as soon as it can be read,
        before the scan and the watcher: `show_history`)."""
        self.adapter = adapter
        self.query_one(CatalogTree).set_entries(self.manager.registry.entries())
        self.set_interval(HISTORY_POLL_S, self._poll_history)
        if self.feed.problem:
            self.notify(self.feed.problem, title="History", severity="warning")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Single-key actions step aside while a text field has the focus (typing a filter),
        and `/` in the catalog filters it rather than searching the output."""
        typing = isinstance(self.focused, Input | TextArea)
        if typing and action in SINGLE_KEY_ACTIONS:
            return False
        return not (action == "search" and isinstance(self.focused, CatalogTree))

    # -- what the engine says --------------------------------------------------------------------

    def on_execution_updated(self, message: ExecutionUpdated) -> None:
        record = message.record
        table = self.query_one(ExecutionsTable)
        table.upsert(record)
        self._status_changed(record)
        launched = record.side_execution_id in self._requests
        self.end_notices.ended(record, launched, table.selected_id)

    def on_execution_settled(self, message: ExecutionSettled) -> None:
        self.query_one(ExecutionsTable).update_record(message.record)
        self._status_changed(message.record)

    def _status_changed(self, record: ExecutionRecord) -> None:
        """Every pane that shows `record` (or an earlier reading of it from the history) brings
        it up to date; one that shows an execution above it, its count of children."""
        execution_id = record.side_execution_id
        above = self.query_one(ExecutionsTable).family.parents_of(execution_id)
        for pane in self.output_panes():
            shown = pane.record
            if shown is record:
                pane.status_changed()
            elif shown is not None and shown.side_execution_id == execution_id:
                pane.show_execution(record)  # read again from the history
            elif shown is not None and shown.side_execution_id in above:
                pane.children_changed()

    def on_registry_updated(self, message: RegistryUpdated) -> None:
        tree = self.query_one(CatalogTree)
        tree.set_entries(self.manager.registry.entries())
        if self._created is not None and tree.select_path(self._created):
            self._created = None

    # -- the history: earlier runs, and those of other sidetui processes --------------------------

    def show_history(self) -> None:
        """The first page of the history in the table, newest first, the newest selected."""
        table = self.query_one(ExecutionsTable)
        table.remove_executions(self.feed.known_ids())
        table.add_many(self._placed(self.feed.load()))
        table.select_newest()

    def _older(self) -> list[ExecutionRecord]:
        """The next page of the history, for the table whose cursor reached its last row; the
        page after it is read once the screen shows this one."""
        page = self._placed(self.feed.more())
        self.call_after_refresh(self.feed.read_ahead)
        return page

    def _placed(self, records: list[ExecutionRecord]) -> list[ExecutionRecord]:
        """`records`, with where each ran noted for the table when not in this project."""
        origins = self.query_one(ExecutionsTable).origins
        marks: dict[str, str] = {}  # project: its mark, "" for this one (a page has 100 runs)
        for record in records:
            project = self.feed.project_of(record)
            if project and project not in marks:
                here = Path(project) == self.manager.project_dir
                marks[project] = "" if here else f" · {one_line(Path(project).name)}"
            if project and marks[project]:
                origins[record.side_execution_id] = marks[project]
        return records

    def _poll_history(self) -> None:
        """What other sidetui processes wrote: their executions in the table and in the panes
        (the selected one's and the pinned one) that show them, their logs read as they grow."""
        for record in self.feed.poll():
            self._show_foreign(record)
            self._status_changed(record)
        for pane in self.output_panes():
            shown = pane.record
            if shown is not None and shown.from_history and not shown.status.is_final:
                pane.refresh_output()  # another process's live execution: its log grows

    def _show_foreign(self, record: ExecutionRecord) -> None:
        self.query_one(ExecutionsTable).upsert(self._placed([record])[0])

    def action_history_scope(self) -> None:
        """This project's executions, or every project's."""
        self.feed.every_project = not self.feed.every_project
        scope = "every project" if self.feed.every_project else "this project"
        self.app.sub_title = one_line(self.manager.project_dir.name) + (
            " · all projects" if self.feed.every_project else ""
        )
        self.show_history()
        self.notify(f"Executions of {scope}.", timeout=2)

    # -- what the widgets say --------------------------------------------------------------------

    def on_catalog_tree_entry_highlighted(self, message: CatalogTree.EntryHighlighted) -> None:
        self.query_one(EntryDetails).follow(message.entry, self._nothing_highlighted())

    def _nothing_highlighted(self) -> RenderableType:
        tree = self.query_one(CatalogTree)
        if tree.filter:
            return Text(f"Nothing matches {tree.filter!r}.", style="dim")
        if not tree.project_is_empty:
            return ""
        new = keys_of(self.app, binding_with_id(MAIN_BINDINGS, "new_block"))
        return Text(WELCOME.format(new=new))

    def on_catalog_tree_launch_requested(self, message: CatalogTree.LaunchRequested) -> None:
        self.open_launch(message.entry)

    def on_catalog_tree_new_block_requested(self) -> None:
        self.action_new_block()

    def on_executions_table_selected(self, message: ExecutionsTable.Selected) -> None:
        self.query_one("#pane", OutputPane).show_execution(message.record)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.query_one(CatalogTree).set_filter(event.value)

    # -- moving around ---------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_focus_output(self) -> None:
        self.active_panel().view.focus()

    def action_new_block(self) -> None:
        self.app.push_screen(NewBlockScreen(self.manager.project_dir), self._block_created)

    def _block_created(self, folder: Path | None) -> None:
        if folder is None:
            return
        self._created = folder
        shown = self.presentation.path(folder)
        self.notify(f"Wrote {shown}/ - enter on it in the catalog to run it.", timeout=6)
        self._guarded(self.manager.rescan())  # shown now, watched or not
