"""`SideExecutionManager`: the one asyncio object that owns discovery and every execution.

The TUI, the CLI and scripts are its clients: they call its methods (each returns the seed's
response envelope) and follow `subscribe()`, an async iterator of status, output and registry
events.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import sidetui
from sidetui.core.capabilities.manager import CapabilityManager
from sidetui.core.catalog.discovery import Root
from sidetui.core.catalog.entries import ActionBlock, EntryKind, Source
from sidetui.core.catalog.inputs import validate_params
from sidetui.core.catalog.registry import Registry, RegistryChange, load_block_by_path
from sidetui.core.catalog.watcher import RegistryWatcher
from sidetui.core.config import EngineConfig
from sidetui.core.events import (
    EventHub,
    OutputBatch,
    OutputChanged,
    OutputWanted,
    RegistryChanged,
    StatusChanged,
    Subscription,
)
from sidetui.core.history import HistoryStore
from sidetui.core.output.stream import OutputStream
from sidetui.core.processes.execution import Execution, Graces, LaunchPlan
from sidetui.core.processes.launcher import Launcher
from sidetui.core.processes.local import safety_net
from sidetui.core.processes.local.process_tree import ProcessTable, enable_subreaper
from sidetui.core.protocol.agent_api import AgentApi
from sidetui.core.protocol.bridge import Bridge, Caller
from sidetui.core.protocol.child_link import ChildLink
from sidetui.core.protocol.inline_code import LANGUAGES
from sidetui.core.records.agent import AgentIdentity
from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord, TreeUsage
from sidetui.core.records.response import Response
from sidetui.core.records.status import ExecutionStatus

BUILTIN_DIR = Path(sidetui.__file__).parent / "builtin"


class SideExecutionManager:
    """Discovers ActionBlocks, runs them as side executions, and reports on both."""

    def __init__(
        self,
        project_dir: str | os.PathLike[str] | None = None,
        global_dir: str | os.PathLike[str] | None = None,
        config: EngineConfig | None = None,
        agent: AgentIdentity | None = None,
    ):
        config = config or EngineConfig.from_env()
        if global_dir is not None:
            config = replace(config, global_dir=Path(global_dir))
        self.config = config
        self.project_dir = Path(project_dir or os.getcwd()).expanduser().resolve()
        self.agent = agent or AgentIdentity()
        self.registry = Registry(_roots(config, self.project_dir), config.scan_max_depth)
        self.capabilities = CapabilityManager(self)
        self.api = AgentApi(self)
        self._launcher = Launcher(config, self.agent, self.project_dir)
        self._bridge: Bridge | None = None
        self.endpoint_file: Path | None = None
        self.history = (
            HistoryStore(config.state_dir / "history.sqlite3", config.history_keep)
            if config.history
            else None
        )

        self.events = EventHub(config.subscriber_max_lines)
        self._executions: dict[str, Execution] = {}
        self._watcher: RegistryWatcher | None = None
        self._dirty: set[Execution] = set()
        self._flush_handle: asyncio.TimerHandle | None = None
        self._sampler: asyncio.Task[None] | None = None
        self._opened = False
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> SideExecutionManager:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def open(self) -> None:
        """Scan the roots and, when configured, start watching them."""
        if self._opened:
            return
        self._opened = True
        self.config.logs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.history is not None:
            self.history.open()
        if self.config.subreaper:
            enable_subreaper()
        if self.config.websocket:
            self._bridge = Bridge(self, self.config.socket_port, self.config.max_message_bytes)
            await self._bridge.start()
            self._launcher.socket_port = self._bridge.port
            self.endpoint_file = self._bridge.write_endpoint_file(
                self.config.state_dir / "endpoints", str(self.project_dir)
            )
        change = await asyncio.to_thread(self.registry.load)
        self._registry_changed(change)
        if self.config.watch:
            self._watcher = RegistryWatcher(
                self.registry, self._registry_changed, self.config.watch_debounce_ms
            )
            await self._watcher.start()

    async def close(self) -> None:
        """Stop every execution, wait until none has a process left, end all subscriptions."""
        if self._closed:
            return
        self._closed = True
        if self._watcher is not None:
            await self._watcher.close()
        await self.stop_all()
        supervisors = [e.supervisor for e in self._executions.values() if e.supervisor]
        await asyncio.gather(*supervisors, return_exceptions=True)
        if self._sampler is not None:
            self._sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sampler
        if self._bridge is not None:
            await self._bridge.close()
        if self.history is not None:
            self.history.close()
        if self.endpoint_file is not None:
            self.endpoint_file.unlink(missing_ok=True)
        self._flush()
        self.events.close()

    # -- discovery -------------------------------------------------------------------------------

    async def list_action_blocks(
        self, project_path: str | os.PathLike[str] | None = None
    ) -> Response:
        """Every ActionBlock (broken, shadowed and conflicting ones included, and marked)."""
        registry = self.registry
        if project_path is not None and Path(project_path).resolve() != self.project_dir:
            registry = Registry(_roots(self.config, Path(project_path).resolve()))
            await asyncio.to_thread(registry.load)
        blocks = registry.action_blocks()
        return Response.ok(
            "listActionBlocksResponse",
            f"{len(blocks)} ActionBlocks",
            {"actionBlocks": [block.to_dict() for block in blocks]},
        )

    async def rescan(self) -> RegistryChange:
        """Scan every root again (for clients that do not watch); publishes what changed."""
        change = await asyncio.to_thread(self.registry.load)
        self._registry_changed(change)
        return change

    def resolve_action_block(self, name_or_path: str | os.PathLike[str]) -> ActionBlock:
        """The block a name, registry id or folder path means; `Refusal` when there is none."""
        text = os.fspath(name_or_path)
        not_found: Refusal | None = None
        if not isinstance(name_or_path, os.PathLike) and not _looks_like_path(text):
            try:
                entry = self.registry.find(EntryKind.ACTION_BLOCK, text)
                assert isinstance(entry, ActionBlock)
                return entry
            except Refusal as refusal:
                if refusal.error.code is not ErrorCode.ACTION_BLOCK_NOT_FOUND:
                    raise
                not_found = refusal
        for folder in self._candidate_folders(text):
            known = self.registry.at_path(folder.absolute()) or self.registry.at_path(
                folder.resolve()
            )
            if isinstance(known, ActionBlock):
                return known
            return load_block_by_path(folder.resolve())
        raise not_found or Refusal(
            ErrorCode.ACTION_BLOCK_NOT_FOUND, f"No ActionBlock folder at {text}"
        )

    def _candidate_folders(self, text: str) -> list[Path]:
        path = Path(text).expanduser()
        options = [path] if path.is_absolute() else [Path.cwd() / path, self.project_dir / path]
        return [option for option in options if option.is_dir()]

    # -- executions ------------------------------------------------------------------------------

    async def start_with_action_block(
        self,
        name_or_path: str | os.PathLike[str],
        params: dict[str, Any] | None = None,
        timeout: int | None = None,
        *,
        thread_id: str | None = None,
        parent_agent_id: str | None = None,
        parent_agent_instance_id: str | None = None,
    ) -> Response:
        """Start a block; returns once its process runs (or failed to start).

        `timeout` is in milliseconds: None takes the manifest's, then the configured default; 0
        means no limit.
        """
        kind = "startSideExecutionResponse"
        try:
            self.require_open()
            block = self.resolve_action_block(name_or_path)
            if not block.valid:
                raise Refusal(
                    ErrorCode.INVALID_ACTION_BLOCK,
                    f"ActionBlock {block.name} cannot run: {'; '.join(block.errors)}",
                    {"path": str(block.path), "errors": list(block.errors)},
                )
            checked = validate_params(block.inputs, params)
            limit = self.timeout_for(timeout, block.timeout)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        lineage = _lineage(thread_id, parent_agent_id, parent_agent_instance_id)
        return await self.run_block(
            block, checked, limit, lineage, ExecutionKind.ACTION_BLOCK, os.fspath(name_or_path)
        )

    async def run_block(
        self,
        block: ActionBlock,
        params: dict[str, Any],
        timeout: int | None,
        lineage: dict[str, str | None],
        kind: ExecutionKind,
        label: str,
    ) -> Response:
        """Launch a block (or an executor) whose params were already checked."""
        record = self._launcher.record(kind, label, params, timeout, self._executions, lineage)
        execution = await self._launch(record, self._launcher.block_plan(block, record))
        return self._start_response("startSideExecutionResponse", execution)

    async def start_with_code(
        self,
        code: str,
        params: dict[str, Any] | None = None,
        timeout: int | None = 300_000,
        language: str = "javascript",
        *,
        thread_id: str | None = None,
        parent_agent_id: str | None = None,
        parent_agent_instance_id: str | None = None,
    ) -> Response:
        """Run `code` as the body of an async function with `params` in scope; its return value
        is the result. JavaScript runs on node, Python on this interpreter."""
        kind = "startSideExecutionResponse"
        try:
            self.require_open()
            if not isinstance(code, str) or not code.strip():
                raise Refusal(ErrorCode.INVALID_REQUEST, "there is no code to run")
            if language not in LANGUAGES:
                raise Refusal(
                    ErrorCode.INVALID_REQUEST,
                    f"language must be one of {', '.join(LANGUAGES)}, not {language!r}",
                )
            checked = validate_params((), params)
            limit = _timeout(timeout, None, self.config.code_timeout_ms)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        lineage = _lineage(thread_id, parent_agent_id, parent_agent_instance_id)
        label = f"<inline {language}>"
        record = self._launcher.record(
            ExecutionKind.CODE, label, checked, limit, self._executions, lineage
        )
        plan = self._launcher.code_plan(code, language, record)
        execution = await self._launch(record, plan)
        return self._start_response(kind, execution)

    def timeout_for(self, requested: Any, manifest: int | None) -> int | None:
        """The limit in ms (None: none) from the request, the manifest, the configuration;
        `Refusal` for a timeout that is not a number >= 0."""
        return _timeout(requested, manifest, self.config.default_timeout_ms)

    async def stop(self, execution_id: str, grace_ms: int | None = None) -> Response:
        """Stop an execution and its whole tree; again while stopping: kill at once."""
        kind = "stopSideExecutionResponse"
        try:
            execution = self._execution(execution_id)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        grace = None if grace_ms is None else grace_ms / 1000
        changed = await execution.stop(grace)
        status = execution.record.status.value
        message = f"{execution_id} {status}" if changed else f"{execution_id} was already {status}"
        return Response.ok(kind, message, execution.record.to_dict())

    async def stop_all(self, grace_ms: int | None = None) -> Response:
        """Stop every live execution concurrently."""
        live = [e.id for e in self._executions.values() if not e.record.status.is_final]
        await asyncio.gather(*(self.stop(execution_id, grace_ms) for execution_id in live))
        return Response.ok(
            "stopAllSideExecutionsResponse", f"stopped {len(live)}", {"stopped": live}
        )

    async def get_status(self, execution_id: str) -> Response:
        kind = "getSideExecutionStatusResponse"
        try:
            record = self._execution(execution_id).record
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        return Response.ok(kind, f"{execution_id} is {record.status.value}", record.to_dict())

    async def wait_for_completion(self, execution_id: str) -> ExecutionRecord:
        """The record once its status is final (an unknown id raises `Refusal`)."""
        execution = self._execution(execution_id)
        await execution.final.wait()
        return execution.record

    async def wait_until_settled(self, execution_id: str) -> ExecutionRecord:
        """The record once nothing of the execution runs any more and its output is complete."""
        execution = self._execution(execution_id)
        await execution.settled.wait()
        return execution.record

    def _execution(self, execution_id: str) -> Execution:
        execution = self._executions.get(execution_id)
        if execution is None:
            raise Refusal(
                ErrorCode.SIDE_EXECUTION_NOT_FOUND, f"No side execution with id {execution_id!r}"
            )
        return execution

    def get_record(self, execution_id: str) -> ExecutionRecord | None:
        execution = self._executions.get(execution_id)
        return execution.record if execution else None

    @property
    def records(self) -> list[ExecutionRecord]:
        """Every execution of this manager, newest first."""
        return [e.record for e in reversed(self._executions.values())]

    def forget(self, execution_id: str) -> bool:
        """Drop a settled execution from the list and the history (its log files stay)."""
        execution = self._executions.get(execution_id)
        if execution is not None and not execution.settled.is_set():
            return False
        self._executions.pop(execution_id, None)
        if self.history is not None:
            self.history.forget([execution_id])
        return True

    def past_records(self, limit: int = 50) -> list[ExecutionRecord]:
        """Executions from the history that this manager did not run, newest first."""
        if self.history is None:
            return []
        return [
            r for r in self.history.recent(limit) if r.side_execution_id not in self._executions
        ]

    def subscribe(
        self, execution_id: str | None = None, output: OutputWanted = True
    ) -> Subscription:
        """Events from now on: all of them, or one execution's. `output`: True for batches of
        output lines, "changes" for a cheap `OutputChanged` per flush instead, False for none."""
        subscription = self.events.subscribe(execution_id, output)
        if output is True:
            for execution in self._executions.values():
                for stream in execution.streams:
                    stream.start_collecting()
        return subscription

    # -- building executions ---------------------------------------------------------------------

    async def _launch(self, record: ExecutionRecord, plan: LaunchPlan) -> Execution:
        config = self.config
        graces = Graces(
            config.stop_grace_ms / 1000,
            config.result_grace_ms / 1000,
            config.exit_drain_ms / 1000,
            config.connect_timeout_ms / 1000,
        )
        execution = Execution(record, plan, graces, self)
        self._executions[record.side_execution_id] = execution
        if self.events.wants_output:
            for stream in execution.streams:
                stream.start_collecting()
        self.events.publish(StatusChanged(record, record.status, None))
        try:
            await execution.start()
        except Exception as error:  # a bug must not leave an execution that never settles
            execution.abort(f"internal error while starting: {error!r}")
            raise
        if record.pid is not None and not execution.settled.is_set():
            safety_net.remember(execution.id, record.pid)
            self._ensure_sampler()
        return execution

    def _start_response(self, kind: str, execution: Execution) -> Response:
        record = execution.record
        if record.status is ExecutionStatus.FAILED and record.error is not None:
            return Response.failure(kind, record.error, record.to_dict())
        return Response.ok(kind, f"{record.side_execution_id} started", record.to_dict())

    def require_open(self) -> None:
        if not self._opened or self._closed:
            raise Refusal(ErrorCode.INVALID_REQUEST, "the manager is not open (use `async with`)")

    # -- EndpointPeers (the WebSocket endpoint's view of the manager) ------------------------------

    @property
    def endpoint(self) -> tuple[str, str] | None:
        """The WebSocket endpoint's URL and the API token agents authenticate with."""
        return (self._bridge.url, self._bridge.api_token) if self._bridge else None

    def socket_child(self, execution_id: str) -> ChildLink | None:
        execution = self._executions.get(execution_id)
        if execution is None or execution.settled.is_set():
            return None
        return execution.plan.link

    async def answer(self, request: dict[str, Any], caller: Caller) -> dict[str, Any]:
        return await self.api.answer(request, caller)

    # -- ExecutionObserver -----------------------------------------------------------------------

    def status_changed(self, execution: Execution, previous: ExecutionStatus) -> None:
        self._flush_execution(execution)  # listeners see output before the status that ends it
        record = execution.record
        self.events.publish(StatusChanged(record, record.status, previous))
        if record.kind is ExecutionKind.CAPABILITY:
            self.capabilities.side_status_changed(record)

    def output_arrived(self, execution: Execution, stream: OutputStream) -> None:
        if not stream.collecting and not self.events.wants_changes:
            return
        self._dirty.add(execution)
        if self._flush_handle is None:
            loop = asyncio.get_running_loop()
            self._flush_handle = loop.call_later(self.config.output_flush_ms / 1000, self._flush)

    def settled(self, execution: Execution) -> None:
        safety_net.forget(execution.id)
        execution.record.usage = TreeUsage()
        self._flush_execution(execution)
        if self.history is not None:
            self.history.save(execution.record)

    # -- output batching -------------------------------------------------------------------------

    def _flush(self) -> None:
        self._flush_handle = None
        dirty = list(self._dirty)
        if not self.events.wants_output:
            for execution in self._executions.values():
                for stream in execution.streams:
                    stream.collecting = False
        for execution in dirty:
            self._flush_execution(execution)

    def _flush_execution(self, execution: Execution) -> None:
        """Publish what `execution` printed since the last flush, if anyone wants to know."""
        for stream in execution.streams:
            if stream.collecting and stream.has_news:
                lines, first, dropped = stream.take_pending()
                self.events.publish(
                    OutputBatch(execution.id, stream.name, lines, first, stream.partial, dropped)
                )
        if execution in self._dirty:
            self._dirty.discard(execution)
            if self.events.wants_changes:
                self.events.publish(OutputChanged(execution.id))

    # -- registry and sampling -------------------------------------------------------------------

    def _registry_changed(self, change: RegistryChange) -> None:
        if change:
            self.events.publish(RegistryChanged(change))

    def _ensure_sampler(self) -> None:
        if self._sampler is None or self._sampler.done():
            self._sampler = asyncio.create_task(self._sample_trees(), name="tree sampler")

    async def _sample_trees(self) -> None:
        """Track each live tree's processes (so stop finds escapees) and its CPU and memory."""
        while True:
            await asyncio.sleep(self.config.tree_sample_ms / 1000)
            live = [e for e in self._executions.values() if e.tree and not e.settled.is_set()]
            if not live:
                return
            table = await asyncio.to_thread(ProcessTable.read)
            for execution in live:
                if execution.tree is not None and not execution.settled.is_set():
                    execution.record.usage = execution.tree.usage(table)


def _roots(config: EngineConfig, project_dir: Path) -> list[Root]:
    builtin = config.builtin_dir or BUILTIN_DIR
    roots = [Root(builtin.resolve(), Source.BUILTIN)] if builtin.is_dir() else []
    roots.append(Root(config.global_dir.expanduser().resolve(), Source.GLOBAL))
    roots.append(Root(project_dir, Source.PROJECT))
    roots += [Root(p.expanduser().resolve(), Source.PROJECT) for p in config.extra_project_dirs]
    return roots


def _lineage(
    thread_id: str | None, parent_agent_id: str | None, parent_agent_instance_id: str | None
) -> dict[str, str | None]:
    """Who launches an execution, where the caller says so (the manager's agent otherwise)."""
    return {
        "thread_id": thread_id,
        "parent_agent_id": parent_agent_id,
        "parent_agent_instance_id": parent_agent_instance_id,
    }


def _looks_like_path(text: str) -> bool:
    return os.sep in text or text.startswith((".", "~"))


def _timeout(requested: Any, manifest: int | None, configured: int | None) -> int | None:
    valid = isinstance(requested, int | float) and not isinstance(requested, bool)
    if requested is not None and (not valid or requested < 0):
        raise Refusal(
            ErrorCode.INVALID_REQUEST, f"timeout must be milliseconds >= 0, not {requested!r}"
        )
    chosen = next((t for t in (requested, manifest, configured) if t is not None), None)
    return chosen or None
