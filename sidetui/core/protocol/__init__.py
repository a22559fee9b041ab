"""The protocol: how children and agents talk to the engine.

Owns what a child is told and how it reports back (`invocation`), the per-child `ChildLink` over
Node's IPC channel (`IpcChannel`) and the WebSocket, the WebSocket endpoint itself (`Bridge`, on
127.0.0.1, for codeboltjs children and agents), the agent API that answers `sideExecution.*`,
`actionBlock.*` and `capability.*` requests (`AgentApi`, with its replies and the narrow
`SideExecutionService` and `CapabilityService` it needs), and the wrapper that runs inline code.
"""

from typing import TYPE_CHECKING

from sidetui.lazy import lazy_exports

if TYPE_CHECKING:
    from sidetui.core.protocol.agent_api import AgentApi
    from sidetui.core.protocol.bridge import Bridge
    from sidetui.core.protocol.child_link import ChildLink
    from sidetui.core.protocol.inline_code import LANGUAGES
    from sidetui.core.protocol.interfaces import (
        CapabilityService,
        SideExecutionService,
    )
    from sidetui.core.protocol.ipc_channel import IpcChannel
    from sidetui.core.protocol.peers import (
        Caller,
        Received,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "sidetui.core.protocol.agent_api": ("AgentApi",),
        "sidetui.core.protocol.bridge": ("Bridge",),
        "sidetui.core.protocol.child_link": ("ChildLink",),
        "sidetui.core.protocol.inline_code": ("LANGUAGES",),
        "sidetui.core.protocol.interfaces": ("CapabilityService", "SideExecutionService"),
        "sidetui.core.protocol.ipc_channel": ("IpcChannel",),
        "sidetui.core.protocol.peers": ("Caller", "Received"),
    },
)
__all__ = [
    "LANGUAGES",
    "AgentApi",
    "Bridge",
    "Caller",
    "CapabilityService",
    "ChildLink",
    "IpcChannel",
    "Received",
    "SideExecutionService",
]
