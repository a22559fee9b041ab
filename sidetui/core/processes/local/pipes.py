"""Starting a child: its command line, its small explicit environment, and its pipes."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sidetui.core.catalog.entries import ActionBlock
from sidetui.core.output.stream import OutputStream

PASSED_THROUGH = (
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TZ", "TMPDIR",
    "COLORTERM", "NO_COLOR", "FORCE_COLOR", "XDG_RUNTIME_DIR", "SYSTEMROOT",
)  # fmt: skip
PARAMS_IN_ENV_LIMIT = 64 * 1024
PIPE_BYTES = 256 * 1024  # what asyncio reads at most at once; Linux allows it unprivileged


class SpawnError(Exception):
    """The child cannot be started; the message says why and what to do."""


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
    params = json.dumps(context.params, separators=(",", ":"))
    if len(params) < PARAMS_IN_ENV_LIMIT:
        env["SIDE_EXECUTION_PARAMS"] = params
    return env


def command_for(block: ActionBlock, search_path: str | None) -> list[str]:
    """The command line that runs the block's entry point with its runtime."""
    entry = block.entry_path
    if entry is None:
        raise SpawnError(f"{block.name} has no entry point")
    runtime = block.runtime
    if runtime is None:
        return [str(entry)]
    if runtime in ("python", "python3"):
        return [sys.executable, str(entry)]
    words = shlex.split(runtime)
    program = shutil.which(words[0], path=search_path)
    if program is None:
        raise SpawnError(f"runtime {words[0]!r} is not installed or not on PATH")
    return [program, *words[1:], str(entry)]


class ChildProtocol(asyncio.SubprocessProtocol):
    """Feeds the child's pipes into its output streams as fast as they arrive."""

    def __init__(self, streams: dict[int, OutputStream], on_output: Callable[[OutputStream], None]):
        self._streams = streams
        self._on_output = on_output
        self._open = len(streams)
        self._transport: asyncio.SubprocessTransport | None = None
        self._paused = False
        loop = asyncio.get_running_loop()
        self.exited: asyncio.Future[None] = loop.create_future()
        self.pipes_closed: asyncio.Future[None] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.SubprocessTransport)
        self._transport = transport

    def pipe_data_received(self, fd: int, data: bytes | str) -> None:
        stream = self._streams[fd]
        stream.feed(data if isinstance(data, bytes) else data.encode())
        self._on_output(stream)
        if stream.log.congested and not self._paused:
            self._pause_reading(stream)

    def _pause_reading(self, stream: OutputStream) -> None:
        """The disk is behind: stop reading until the log writer catches up, so the child
        waits on a full pipe instead of its output piling up in memory."""
        assert stream.log.writer is not None
        self._paused = True
        self._each_pipe(lambda pipe: pipe.pause_reading())
        stream.log.writer.when_drained(self._resume_reading)

    def _resume_reading(self) -> None:
        self._paused = False
        self._each_pipe(lambda pipe: pipe.resume_reading())

    def _each_pipe(self, action: Callable[[asyncio.ReadTransport], None]) -> None:
        if self._transport is None:
            return
        for fd in self._streams:
            pipe = self._transport.get_pipe_transport(fd)
            if isinstance(pipe, asyncio.ReadTransport) and not pipe.is_closing():
                action(pipe)

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        stream = self._streams.get(fd)
        if stream is None or stream.closed:
            return
        stream.close()
        self._on_output(stream)
        self._open -= 1
        if self._open == 0 and not self.pipes_closed.done():
            self.pipes_closed.set_result(None)

    def process_exited(self) -> None:
        if not self.exited.done():
            self.exited.set_result(None)


async def spawn(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    protocol: ChildProtocol,
    pass_fds: tuple[int, ...] = (),
) -> asyncio.SubprocessTransport:
    """Start the child in a new session, stdin from /dev/null, stdout and stderr on pipes."""
    loop = asyncio.get_running_loop()
    try:
        transport, _ = await loop.subprocess_exec(
            lambda: protocol,
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
            pass_fds=pass_fds,
        )
    except OSError as error:
        raise SpawnError(_spawn_problem(argv, error)) from None
    for fd in (1, 2):
        _widen_pipe(transport.get_pipe_transport(fd))
    return transport


def _widen_pipe(pipe: asyncio.BaseTransport | None) -> None:
    """Let one read take up to PIPE_BYTES: a flood then costs a quarter of the reads and writes."""
    handle = pipe.get_extra_info("pipe") if pipe is not None else None
    if handle is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError, ValueError):  # ValueError: the child was that quick
            fcntl.fcntl(handle.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _spawn_problem(argv: list[str], error: OSError) -> str:
    program = argv[0]
    if isinstance(error, FileNotFoundError):
        return f"cannot start {program}: not found"
    if isinstance(error, PermissionError):
        return f"cannot start {program}: permission denied (is it executable?)"
    if error.errno == 8:  # ENOEXEC
        return f"cannot start {program}: not a program (add a #! line or set runtime)"
    return f"cannot start {program}: {error.strerror or error}"
