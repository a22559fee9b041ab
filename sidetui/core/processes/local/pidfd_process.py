"""A child whose end the event loop learns from a pidfd, not from a waiter thread.

asyncio on Python 3.11 starts one thread per child to wait for it (`ThreadedChildWatcher`), and
waits for that thread to begin: most of the cost of a start beyond the fork itself. Where Linux
offers `pidfd_open` (5.3 and later), the child's pidfd becomes readable when it exits, so the loop
watches it like a socket: no thread, on any loop. The transport offers what the child's protocol
uses of asyncio's subprocess transport (pid, returncode, the pipes, close); elsewhere the engine
falls back to asyncio's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import subprocess
from pathlib import Path
from typing import IO, Any

_usable: list[bool] = []


def pidfd_usable() -> bool:
    """Whether this kernel (and sandbox) gives pidfds: tried once, on ourselves."""
    if not _usable:
        try:
            os.close(os.pidfd_open(os.getpid()))
            _usable.append(True)
        except (AttributeError, OSError):
            _usable.append(False)
    return _usable[0]


class _Pipe(asyncio.Protocol):
    """One of the child's output pipes, handed to the child's protocol under its fd number."""

    def __init__(self, protocol: asyncio.SubprocessProtocol, fd: int):
        self.protocol, self.fd = protocol, fd

    def data_received(self, data: bytes) -> None:
        self.protocol.pipe_data_received(self.fd, data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.protocol.pipe_connection_lost(self.fd, exc)


class PidfdProcess(asyncio.SubprocessTransport):
    """The transport of a child watched through its pidfd."""

    def __init__(self, popen: subprocess.Popen[bytes], pidfd: int, protocol: Any):
        super().__init__()
        self._popen = popen
        self._pidfd = pidfd
        self._protocol = protocol
        self._pipes: dict[int, asyncio.ReadTransport] = {}
        self._loop = asyncio.get_running_loop()
        self._closed = False

    async def connect(self, pipes: dict[int, IO[bytes]]) -> None:
        """Read the pipes, tell the protocol, then watch for the end (it may have come already:
        a pidfd stays readable)."""
        for fd, pipe in pipes.items():
            transport, _ = await self._loop.connect_read_pipe(
                functools.partial(_Pipe, self._protocol, fd), pipe
            )
            self._pipes[fd] = transport
        self._protocol.connection_made(self)
        self._loop.add_reader(self._pidfd, self._ended)

    def _ended(self) -> None:
        if self._popen.poll() is None:
            return  # readable, yet not reapable: a spurious wake-up
        self._stop_watching()
        self._protocol.process_exited()

    def _stop_watching(self) -> None:
        if self._pidfd >= 0:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = -1

    def get_pid(self) -> int:
        return self._popen.pid

    def get_returncode(self) -> int | None:
        return self._popen.returncode

    def get_pipe_transport(self, fd: int) -> asyncio.BaseTransport | None:
        return self._pipes.get(fd)

    def is_closing(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Let go of the pipes and the pidfd; a child still running is killed (as asyncio's
        transport does), though the engine has ended its tree before this."""
        if self._closed:
            return
        self._closed = True
        for pipe in self._pipes.values():
            pipe.close()
        if self._popen.returncode is None:
            with contextlib.suppress(OSError):
                self._popen.kill()
        self._stop_watching()

    def send_signal(self, signal: int) -> None:
        self._popen.send_signal(signal)

    def terminate(self) -> None:
        self._popen.terminate()

    def kill(self) -> None:
        self._popen.kill()


async def spawn_with_pidfd(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    protocol: Any,
    pass_fds: tuple[int, ...],
) -> PidfdProcess:
    """Start the child in a new session (stdin /dev/null, stdout and stderr piped) and watch it
    through its pidfd (`pidfd_usable()` first); `OSError` when it cannot start."""
    # Popen forks (vfork) and execs at once, as asyncio's own subprocess_exec does on this loop;
    # only the waiting differs.
    popen = subprocess.Popen(  # noqa: ASYNC220
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        start_new_session=True,
        pass_fds=pass_fds,
    )
    pidfd = os.pidfd_open(popen.pid)  # cannot fail where the probe worked: the child is ours
    assert popen.stdout is not None and popen.stderr is not None
    process = PidfdProcess(popen, pidfd, protocol)
    await process.connect({1: popen.stdout, 2: popen.stderr})
    return process
