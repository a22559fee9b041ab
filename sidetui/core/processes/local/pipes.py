"""A local child's pipes: spawned in a new session, stdout and stderr read as fast as they come."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
from collections.abc import Callable
from pathlib import Path

from sidetui.core.output.log_file import LogWriter
from sidetui.core.output.stream import OutputStream
from sidetui.core.processes.backend import SpawnError
from sidetui.core.processes.local.pidfd_process import pidfd_usable, spawn_with_pidfd

PIPE_BYTES = 256 * 1024  # what asyncio reads at most at once; Linux allows it unprivileged


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
        if not self._paused and (behind := stream.congested) is not None:
            self._pause_reading(behind)

    def _pause_reading(self, behind: LogWriter) -> None:
        """The disk (or a reader of a copy) is behind: stop reading until its writer catches
        up, so the child waits on a full pipe instead of its output piling up in memory."""
        self._paused = True
        self._each_pipe(lambda pipe: pipe.pause_reading())
        behind.when_drained(self._resume_reading)

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
    """Start the child in a new session, stdin from /dev/null, stdout and stderr on pipes;
    its end watched through a pidfd where the kernel has them, else by asyncio."""
    loop = asyncio.get_running_loop()
    try:
        if pidfd_usable():
            transport: asyncio.SubprocessTransport = await spawn_with_pidfd(
                argv, cwd, env, protocol, pass_fds
            )
        else:
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
