"""From an accepted request to a record and a launch plan: ids, log streams, the child's command,
environment, token, IPC channel and invocation."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Container, Mapping, Sequence
from pathlib import Path
from typing import Any

from sidetui.core.catalog.entries import ActionBlock
from sidetui.core.config import EngineConfig
from sidetui.core.output import Interleaving, OutputStream
from sidetui.core.output.line_times import TimesFile
from sidetui.core.output.log_file import LogFile, LogWriter
from sidetui.core.processes.backend import SpawnError
from sidetui.core.processes.command import command_for
from sidetui.core.processes.environment import (
    ChildContext,
    child_environment,
    inherited_environment,
)
from sidetui.core.processes.plan import LaunchPlan
from sidetui.core.protocol.child_link import Answerer, ChildLink
from sidetui.core.protocol.inline_code import write_program
from sidetui.core.protocol.invocation import invocation_message
from sidetui.core.protocol.ipc_channel import IpcChannel
from sidetui.core.records.agent import AgentIdentity
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.ids import new_execution_id
from sidetui.core.records.requests import Lineage
from sidetui.core.records.thread_messages import in_thread


class Launcher:
    """Builds what an execution starts from; shared by blocks and inline code."""

    def __init__(self, config: EngineConfig, agent: AgentIdentity, project_dir: Path):
        self.config = config
        self.agent = agent
        self.project_dir = project_dir
        self.logs_dir = config.logs_dir
        self.socket_port: int | None = None  # set once the WebSocket endpoint listens
        self.answer: Answerer | None = None  # serves children's requests on the IPC channel
        self._inherited = inherited_environment(os.environ, config.pass_env, config.env)

    def record(
        self,
        kind: ExecutionKind,
        label: str,
        params: dict[str, Any],
        timeout: int | None,
        taken: Container[str],
        lineage: Lineage,
        thread_messages: list[dict[str, Any]] | None = None,
        copies: Mapping[str, LogFile] | None = None,
    ) -> ExecutionRecord:
        execution_id = new_execution_id("side", taken)
        record = ExecutionRecord(execution_id, kind, label, params, timeout)
        record.stdout, record.stderr = (self._stream(execution_id, n) for n in ("stdout", "stderr"))
        for stream in (record.stdout, record.stderr):
            if copies and stream.name in copies:
                stream.copies.append(copies[stream.name])
        record.interleaving = Interleaving(self.config.tail_lines * 2)
        record.thread_id = lineage.thread_id or self.agent.thread_id
        record.parent_agent_id = lineage.parent_agent_id or self.agent.agent_id
        record.parent_agent_instance_id = lineage.parent_agent_instance_id or self.agent.instance_id
        record.parent_execution_id = lineage.parent_execution_id
        record.thread_messages = in_thread(thread_messages or [], record.thread_id)
        return record

    def block_plan(self, block: ActionBlock, record: ExecutionRecord) -> LaunchPlan:
        record.action_block_id = block.id or block.base_id()
        record.action_block_path = str(block.path)
        try:
            argv, problem = command_for(block, self._inherited.get("PATH")), None
        except SpawnError as error:
            argv, problem = [], str(error)
        plan = self._plan(record, block.name, argv, block.path, problem, block.expects_connection)
        plan.limits = block.limits
        return plan

    def code_plan(self, code: str, language: str, record: ExecutionRecord) -> LaunchPlan:
        folder, argv = write_program(code, language)
        problem = None
        if not os.path.isabs(argv[0]):
            program = shutil.which(argv[0], path=self._inherited.get("PATH"))
            if program is None:
                problem = f"{argv[0]} is not installed or not on PATH"
            argv = [program or argv[0], *argv[1:]]
        return self._plan(record, record.action_block, argv, folder, problem, False, [folder])

    def _plan(
        self,
        record: ExecutionRecord,
        name: str,
        argv: list[str],
        cwd: Path,
        problem: str | None,
        expects_connection: bool,
        cleanup: Sequence[Path] = (),
    ) -> LaunchPlan:
        context = ChildContext(
            execution_id=record.side_execution_id,
            token=secrets.token_urlsafe(24),
            params=record.params,
            thread_id=record.thread_id or "",
            parent_agent_id=record.parent_agent_id or "",
            parent_agent_instance_id=record.parent_agent_instance_id or "",
            action_block_id=record.action_block_id or "",
            action_block_path=record.action_block_path or "",
        )
        channel = IpcChannel(self.config.max_message_bytes)
        env = child_environment(context, self._inherited)
        env.update(channel.environment())
        if self.socket_port is not None:
            env.update({"SOCKET_PORT": str(self.socket_port), "CODEBOLT_SERVER_URL": "127.0.0.1"})
        link = ChildLink(
            record.side_execution_id,
            context.token,
            invocation_message(record, name, str(self.project_dir)),
            channel,
            expects_connection and self.socket_port is not None,
        )
        link.answer = self.answer
        return LaunchPlan(
            record.side_execution_id,
            record.start_time,
            argv,
            cwd,
            env,
            link,
            problem,
            list(cleanup),
        )

    def _stream(self, execution_id: str, name: str) -> OutputStream:
        config, path, writer = (
            self.config,
            self.logs_dir / f"{execution_id}.{name}",
            LogWriter.shared(),
        )
        return OutputStream(
            name,
            LogFile(path, writer),
            config.tail_lines,
            config.tail_bytes,
            config.line_max_bytes,
            TimesFile(path, writer) if config.line_times else None,
        )
