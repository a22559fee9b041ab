"""The main screen's actions on executions: launch (from a dialog, or again), stop one or all,
run inline code, clear finished ones. Engine calls run in workers: the screen never waits."""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from textual.screen import Screen

from sidetui.core import (
    Entry,
    ExecutionKind,
    ExecutionRecord,
    ExecutionStatus,
    Refusal,
    Response,
    SideExecutionManager,
)
from sidetui.core.catalog.entries import Executor
from sidetui.core.terminal_text import strip_ansi
from sidetui.tui.block_watches import BlockWatches
from sidetui.tui.history_feed import HistoryFeed
from sidetui.tui.kept_dialogs import KeptDialogs
from sidetui.tui.launch_request import LaunchRequest
from sidetui.tui.presentation import Presentation
from sidetui.tui.screens.confirm import clearing, stopping_all
from sidetui.tui.screens.inline_code import InlineCodeScreen
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.widgets.executions import ExecutionsTable


class ExecutionActions(Screen[None]):
    """Actions on executions; the screen that has them composes an `ExecutionsTable` and sets
    the attributes below."""

    manager: SideExecutionManager
    presentation: Presentation
    feed: HistoryFeed
    watches: BlockWatches
    _requests: dict[str, LaunchRequest]
    _last_params: dict[str, dict[str, Any]]
    dialogs: KeptDialogs

    def launchable_entries(self) -> list[Entry]:
        return [e for e in self.manager.registry.entries() if not isinstance(e, Executor)]

    def live_records(self) -> list[ExecutionRecord]:
        return [r for r in self.manager.records if not r.status.is_final]

    # -- launching -------------------------------------------------------------------------------

    def open_launch(self, entry: Entry) -> None:
        if isinstance(entry, Executor):
            types = ", ".join(entry.supported_types) or "none"
            self.notify(f"An executor runs capabilities (types: {types}): launch one of those.")
            return
        if entry.errors:  # notify neutralises what it shows
            self.notify(
                f"{entry.name} is broken and cannot run: {entry.errors[0]}",
                title="Not launched",
                severity="error",
            )
            return
        previous = self._last_params.get(str(entry.path))
        self.dialogs.push(self.app, LaunchScreen(entry, previous, self.launch))

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

    def action_inline_code(self) -> None:
        previous = next((r for r in reversed(self._requests.values()) if r.kind == "code"), None)
        self.dialogs.push(self.app, InlineCodeScreen(previous), self._launch_dialog_closed)

    def action_rerun(self) -> None:
        """Start the selected execution again with the same params - unless what it ran is
        gone, or ran in another project: then say so, and start nothing."""
        record = self._selected()
        request = self._repeatable(record)
        if request is not None:
            self.launch(request)

    def _repeatable(self, record: ExecutionRecord | None) -> LaunchRequest | None:
        """The request that starts `record` again; None, and the person told why, when it
        cannot be."""
        if record is None:
            self.notify("No execution is selected.")
            return None
        request = self._requests.get(record.side_execution_id) or LaunchRequest.again(record)
        if request is None:
            self.notify("The code of earlier inline runs is not kept: use i to write it again.")
            return None
        name = strip_ansi(record.action_block)
        project = self.feed.project_of(record)
        if project is not None and Path(project) != self.manager.project_dir:
            where = self.presentation.path(project)
            self.notify(
                f"{name} ran in another project ({where}): start sidetui there to run it again.",
                title="Not started",
                severity="warning",
            )
            return None
        problem = request.unavailable(self.manager, record.action_block_path)
        if problem is not None:
            self.notify(
                f"Cannot run {name} again: {strip_ansi(problem)}.",
                title="Not started",
                severity="error",
            )
            return None
        return request

    # -- watch and rerun -------------------------------------------------------------------------

    def action_watch(self) -> None:
        """Watch the selected execution's block: an edit in its folder runs it again with the
        same params (the run in progress stopped first); again: stop watching."""
        record = self._selected()
        if record is not None and record.kind is not ExecutionKind.ACTION_BLOCK:
            self.notify("Only an ActionBlock's folder can be watched.")
            return
        request = self._repeatable(record)
        if request is None or record is None:
            return
        key = record.action_block_path or request.target
        name = strip_ansi(record.action_block)
        if key in self.watches:
            self.watches.unwatch(key)
            self.notify(f"Stopped watching {name}.", timeout=3)
        else:
            self.watches.watch(key, request, record.side_execution_id)
            self.notify(f"Watching {name}: an edit in its folder runs it again.", timeout=4)
        self.query_one(ExecutionsTable).mark_watched(self.watches.watched_ids())

    def watch_started(
        self, key: str, request: LaunchRequest, response: Response, changed: list[Path]
    ) -> None:
        """A watched block runs again: shown (selected, if its previous run was)."""
        table = self.query_one(ExecutionsTable)
        follow = table.selected_id in self.watches.watched_ids()
        table.mark_watched(self.watches.watched_ids())
        execution_id = (response.data or {}).get("sideExecutionId")
        record = self.manager.get_record(execution_id) if execution_id else None
        if record is None:
            self.notify(strip_ansi(response.message), title="Not started", severity="error")
            return
        self._requests[record.side_execution_id] = request
        table.upsert(record, select=follow)
        names = ", ".join(strip_ansi(path.name) for path in changed[:3])
        self.notify(f"{names} changed: {strip_ansi(record.action_block)} runs again", timeout=3)

    def watch_failed(self, key: str, refusal: Refusal) -> None:
        self.query_one(ExecutionsTable).mark_watched(self.watches.watched_ids())
        message = strip_ansi(refusal.error.message)
        self.notify(f"Stopped watching: {message}", title="Watch", severity="error")

    # -- stopping and clearing -------------------------------------------------------------------

    def _selected(self) -> ExecutionRecord | None:
        return self.query_one(ExecutionsTable).selected_record

    def action_stop(self) -> None:
        record = self._selected()
        if record is None:
            self.notify("No execution is selected.")
        elif (runner := self.feed.runner_of(record)) is not None:
            self.notify(
                f"Another sidetui process (pid {runner}) runs it: stop it there.",
                severity="warning",
            )
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

    def action_clear_finished(self) -> None:
        """Remove finished executions from the table and the history (their logs stay), once
        the person says yes."""
        table = self.query_one(ExecutionsTable)
        finished = table.finished_ids()
        if not finished:
            self.notify("Nothing has finished.", timeout=2)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            cleared = {i for i in finished if self.manager.forget(i)}
            table.remove_executions(cleared)
            self.feed.forget(cleared)
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
