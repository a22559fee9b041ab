"""`SideExecutionManager`: the one asyncio object that owns discovery and every execution.

The composition root of the engine: it builds the catalog, the process backend, the executions,
the capabilities, the agent API and the WebSocket endpoint, wires them and offers their public API.
Clients (TUI, CLI, scripts) call its methods, each returning the response envelope, and follow
`subscribe()`, an async iterator of status, output and registry events.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sidetui.core import state_dir
from sidetui.core.capabilities import CapabilityManager
from sidetui.core.catalog.entries import ActionBlock
from sidetui.core.catalog.listing import action_blocks, load
from sidetui.core.catalog.lookup import resolve_action_block
from sidetui.core.catalog.registry import RegistryChange
from sidetui.core.catalog.roots import registry_for
from sidetui.core.catalog.watcher import RegistryWatcher
from sidetui.core.config import EngineConfig
from sidetui.core.events import EventHub, OutputWanted, RegistryChanged, Subscription
from sidetui.core.history import HistoryStore
from sidetui.core.processes import admission
from sidetui.core.processes.backends import process_backend
from sidetui.core.processes.executions import Executions
from sidetui.core.processes.launcher import Launcher
from sidetui.core.protocol.agent_api import AgentApi
from sidetui.core.protocol.bridge import Bridge
from sidetui.core.records.agent import AgentIdentity
from sidetui.core.records.errors import Refusal
from sidetui.core.records.execution_record import ExecutionRecord
from sidetui.core.records.requests import Lineage, StartRequest
from sidetui.core.records.response import Response


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
        self.events = EventHub(config.subscriber_max_lines)
        self.registry = registry_for(config, self.project_dir)
        self.history = HistoryStore.of(config, self.project_dir)
        self._backend = process_backend(config)
        self._launcher = Launcher(config, self.agent, self.project_dir)
        self._executions = Executions(
            config,
            self._backend,
            self._launcher,
            self.events,
            self._status_changed,
            self._settled,
        )
        self.capabilities = CapabilityManager(
            self._executions, self.registry, self.agent, self.events.publish
        )
        self.api = AgentApi(self, self.capabilities)
        self._launcher.answer = self.api.answer
        self._bridge = Bridge(self._executions.socket_child, self.api.answer)
        self._watcher: RegistryWatcher | None = None
        self._opened = False
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> SideExecutionManager:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def open(
        self, history_open: Callable[[], object] | None = None, watch_later: bool = False
    ) -> None:
        """Scan the roots, and watch them when configured (`watch_later`: the caller will, with
        `start_watching`, once it has shown the scan); `history_open` is called as soon as the
        history can be read, before the scan (an app shows it the sooner)."""
        if self._opened:
            return
        self._opened = True
        self._executions.accepting = True
        state_dir.prepare(self.config.state_dir)
        if self.history is not None:
            self.history.open()
        if history_open is not None:
            history_open()
        self._backend.open()
        if self.config.websocket:
            self._launcher.socket_port = await self._bridge.open(self.config, self.project_dir)
        await self.rescan()
        if not watch_later:
            await self.start_watching()

    async def start_watching(self) -> None:
        """Start the file watcher, when configured, once (`open(watch_later=True)` left it)."""
        if self.config.watch and self._watcher is None and not self._closed:
            debounce = self.config.watch_debounce_ms
            self._watcher = RegistryWatcher(self.registry, self._registry_changed, debounce)
            await self._watcher.start()

    async def close(self) -> None:
        """Stop every execution, wait until none has a process left, end all subscriptions."""
        if self._closed:
            return
        self._closed = True
        if self._watcher is not None:
            await self._watcher.close()
        await self._executions.close()
        await self._backend.close()
        await self._bridge.close()
        if self.history is not None:
            self.history.close()
        self._executions.relay.flush()
        self.events.close()

    def require_open(self) -> None:
        """`INVALID_REQUEST` unless the manager is open."""
        self._executions.require_open()

    # -- discovery -------------------------------------------------------------------------------

    async def list_action_blocks(
        self, project_path: str | os.PathLike[str] | None = None
    ) -> Response:
        """Every ActionBlock (broken, shadowed and conflicting ones included, and marked), of
        this project or, scanned for the call, of `project_path`."""
        return await action_blocks(self.config, self.registry, self.project_dir, project_path)

    async def rescan(self) -> RegistryChange:
        """Scan every root again (for clients that do not watch); publishes what changed."""
        change = await load(self.registry)
        self._registry_changed(change)
        return change

    def resolve_action_block(self, name_or_path: str | os.PathLike[str]) -> ActionBlock:
        """The block a name, registry id or folder path means; `Refusal` when there is none."""
        return resolve_action_block(self.registry, self.project_dir, name_or_path)

    # -- starting --------------------------------------------------------------------------------

    async def start_with_action_block(
        self,
        name_or_path: str | os.PathLike[str],
        params: dict[str, Any] | None = None,
        timeout: int | None = None,
        *,
        thread_id: str | None = None,
        parent_agent_id: str | None = None,
        parent_agent_instance_id: str | None = None,
        thread_messages: list[dict[str, Any]] | None = None,
    ) -> Response:
        """Start a block; returns once its process runs (or failed to start). `timeout` is in
        milliseconds: None takes the manifest's, then the configured default; 0 means no limit.
        `thread_messages`: the parent thread's chat history (the child's
        `threadContext.messages`)."""
        lineage = Lineage(thread_id, parent_agent_id, parent_agent_instance_id)
        return await self.start(
            StartRequest(name_or_path, None, "", params, timeout, lineage, thread_messages)
        )

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
        thread_messages: list[dict[str, Any]] | None = None,
    ) -> Response:
        """Run `code` as the body of an async function with `params` in scope (and each param
        by its name); its return value is the result. JavaScript runs on node, Python on this
        interpreter."""
        lineage = Lineage(thread_id, parent_agent_id, parent_agent_instance_id)
        return await self.start(
            StartRequest(None, code, language, params, timeout, lineage, thread_messages)
        )

    async def start(self, request: StartRequest) -> Response:
        """Start what the request names (a block, or inline code) once it is admitted."""
        try:
            self.require_open()
            admitted = admission.admit(request, self.resolve_action_block, self.config)
        except Refusal as refusal:
            return Response.failure("startSideExecutionResponse", refusal.error)
        return await self._executions.start_admitted(admitted)

    def timeout_for(self, requested: Any, manifest: int | None) -> int | None:
        """The limit in ms (None: none) from the request, the manifest, the configuration;
        `Refusal` for a timeout that is not a number >= 0."""
        return self._executions.timeout_for(requested, manifest)

    # -- following and stopping ------------------------------------------------------------------

    async def stop(self, execution_id: str, grace_ms: int | None = None) -> Response:
        """Stop an execution and its whole tree; again while stopping: kill at once."""
        return await self._executions.stop(execution_id, grace_ms)

    async def stop_all(self, grace_ms: int | None = None) -> Response:
        """Stop every live execution concurrently."""
        return await self._executions.stop_all(grace_ms)

    async def stop_all_for_parent(self, parent_agent_instance_id: str) -> Response:
        """Stop every live execution that parent instance launched, and only those."""
        return await self._executions.stop_all(
            only=lambda r: r.parent_agent_instance_id == parent_agent_instance_id
        )

    async def get_status(self, execution_id: str) -> Response:
        """The record of a live execution, or of one in the history."""
        return self._executions.status(execution_id, self.find_record)

    async def wait_for_completion(self, execution_id: str) -> ExecutionRecord:
        """The record once its status is final (an unknown id raises `Refusal`)."""
        return await self._executions.wait(execution_id, settled=False)

    async def wait_until_settled(self, execution_id: str) -> ExecutionRecord:
        """The record once nothing of the execution runs any more and its output is complete."""
        return await self._executions.wait(execution_id, settled=True)

    def get_record(self, execution_id: str) -> ExecutionRecord | None:
        return self._executions.record(execution_id)

    def find_record(self, execution_id: str) -> ExecutionRecord | None:
        """A live execution's record, else the stored one of an earlier run."""
        live = self._executions.record(execution_id)
        return live or (self.history.get(execution_id) if self.history is not None else None)

    @property
    def records(self) -> list[ExecutionRecord]:
        """Every execution of this manager, newest first."""
        return self._executions.records

    def forget(self, execution_id: str) -> bool:
        """Drop a settled execution from the list and the history (its log files stay)."""
        forgotten = self._executions.forget(execution_id)
        if forgotten and self.history is not None:
            self.history.forget([execution_id])
        return forgotten

    def past_records(self, limit: int = 50) -> list[ExecutionRecord]:
        """This project's executions in the history that this manager did not run, newest first."""
        if self.history is None:
            return []
        return [past.record for past in self.history.past(limit, skip=self._executions.record)]

    def subscribe(
        self, execution_id: str | None = None, output: OutputWanted = True
    ) -> Subscription:
        """Events from now on: all of them, or one execution's. `output`: True for batches of
        output lines, "changes" for a cheap `OutputChanged` per flush instead, False for none."""
        subscription = self.events.subscribe(execution_id, output)
        if output is True:
            self._executions.start_collecting()
        return subscription

    @property
    def endpoint_file(self) -> Path | None:
        """The file (mode 0600) where agents find the endpoint's URL and API token."""
        return self._bridge.endpoint_file

    @property
    def endpoint(self) -> tuple[str, str] | None:
        """The WebSocket endpoint's URL and the API token agents authenticate with."""
        return (self._bridge.url, self._bridge.api_token) if self._bridge.listening else None

    # -- wiring ----------------------------------------------------------------------------------

    def _status_changed(self, record: ExecutionRecord) -> None:
        self.capabilities.side_status_changed(record)
        if self.history is not None:
            self.history.status_changed(record)

    def _settled(self, record: ExecutionRecord) -> None:
        if self.history is not None:
            self.history.save(record)

    def _registry_changed(self, change: RegistryChange) -> None:
        if change:
            self.events.publish(RegistryChanged(change))
