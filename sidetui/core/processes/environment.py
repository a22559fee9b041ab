"""A child's environment: a few variables of ours, plus who it is and who launched it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

PASSED_THROUGH = (
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR",
    "COLORTERM", "NO_COLOR", "FORCE_COLOR", "XDG_RUNTIME_DIR", "SYSTEMROOT",
)  # fmt: skip
PARAMS_IN_ENV_LIMIT = 64 * 1024


@dataclass(frozen=True)
class ChildContext:
    """Who a child is and who launched it: becomes its environment."""

    execution_id: str
    token: str
    params: Mapping[str, object]
    thread_id: str
    parent_agent_id: str
    parent_agent_instance_id: str
    action_block_id: str = ""
    action_block_path: str = ""


def inherited_environment(
    ours: Mapping[str, str], pass_env: tuple[str, ...] = (), extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What every child gets of our environment (a few variables), plus configured `extra`."""
    env = {k: v for k, v in ours.items() if k in PASSED_THROUGH or k.startswith("LC_")}
    env.update({k: ours[k] for k in pass_env if k in ours})
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def child_environment(context: ChildContext, inherited: Mapping[str, str]) -> dict[str, str]:
    """The child's whole environment: `inherited` plus the side-execution variables."""
    env = dict(inherited)
    env.update(
        {
            "SIDE_EXECUTION_ID": context.execution_id,
            "IS_SIDE_EXECUTION": "true",
            "SIDE_EXECUTION_TOKEN": context.token,
            "agentId": context.execution_id,
            "connectionId": context.execution_id,
            "parentId": context.parent_agent_id,
            "PARENT_AGENT_ID": context.parent_agent_id,
            "PARENT_AGENT_INSTANCE_ID": context.parent_agent_instance_id,
            "parentAgentInstanceId": context.parent_agent_instance_id,
            "threadId": context.thread_id,
            "THREAD_ID": context.thread_id,
            "ACTION_BLOCK_ID": context.action_block_id,
            "ACTION_BLOCK_PATH": context.action_block_path,
        }
    )
    env = {name: value.replace("\0", "") for name, value in env.items()}  # none can hold NUL
    params = json.dumps(context.params, separators=(",", ":"))
    if len(params) < PARAMS_IN_ENV_LIMIT:
        env["SIDE_EXECUTION_PARAMS"] = params
    return env
