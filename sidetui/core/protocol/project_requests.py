"""What a local runner can serve honestly of Codebolt's project and chat requests: the project's
path and basic settings, and the thread messages an execution was started with."""

from __future__ import annotations

from dataclasses import dataclass

from sidetui.core.protocol.interfaces import SideExecutionService
from sidetui.core.protocol.peers import Caller, Reply, Request, Routes
from sidetui.core.protocol.replies import reply


@dataclass
class ProjectRequests:
    """`project.getProjectPath`, `project.getProjectSettings`, `chat.getChatHistory`."""

    executions: SideExecutionService

    def routes(self) -> Routes:
        return {
            ("projectEvent", "getProjectPath"): self.project_path,
            ("projectEvent", "getProjectSettings"): self.project_settings,
            ("getChatHistory", ""): self.chat_history,
        }

    async def project_path(self, request: Request, caller: Caller) -> Reply:
        project = self.executions.project_dir
        fields = {"projectPath": str(project), "projectName": project.name}
        return reply("getProjectPathResponse", True, fields)

    async def project_settings(self, request: Request, caller: Caller) -> Reply:
        project = self.executions.project_dir
        settings = {"projectPath": str(project), "projectName": project.name}
        return reply("getProjectSettingsResponse", True, {"projectSettings": settings})

    async def chat_history(self, request: Request, caller: Caller) -> Reply:
        """The thread messages the caller's execution was started with (an agent has none
        here: sidetui keeps no chat)."""
        record = self.executions.get_record(caller.execution_id) if caller.execution_id else None
        messages = list(record.thread_messages) if record is not None else []
        fields = {"messages": messages, "threadId": record.thread_id if record else None}
        return reply("getChatHistoryResponse", True, fields)
