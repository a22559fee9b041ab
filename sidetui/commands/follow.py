"""Running one execution from the command line: start it, stream its output live, exit with its
outcome. `sidetui run` and `sidetui code` differ only in how they start it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from typing import Any

from sidetui.commands.common import (
    manager_from,
    parse_params,
    print_json,
    read_thread_messages,
)
from sidetui.commands.echo_logs import LogEcho
from sidetui.commands.exit_codes import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_STOPPED,
    EXIT_TIMEOUT,
)
from sidetui.commands.message_echo import MessageEcho
from sidetui.core import ExecutionRecord, ExecutionStatus, Refusal, Response, SideExecutionManager
from sidetui.core.output import LogFile, LogWriter
from sidetui.core.output.descriptor_copy import DescriptorCopy, clock_stamp, copy_to
from sidetui.core.records import StartRequest
from sidetui.core.terminal_text import one_line

EXIT_CODES = {
    ExecutionStatus.COMPLETED: EXIT_OK,
    ExecutionStatus.FAILED: EXIT_FAILED,
    ExecutionStatus.TIMEOUT: EXIT_TIMEOUT,
    ExecutionStatus.STOPPED: EXIT_STOPPED,
}
_ECHO_INTERVAL_S = 0.02
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


# What to start, from the params, the thread messages and where to copy the output live.
Starter = Callable[[dict[str, Any], list[Any] | None, Mapping[str, LogFile] | None], StartRequest]


# How a command runs once its params are read: start and follow (by default), or watch and rerun.
Runner = Callable[
    [argparse.Namespace, dict[str, Any], list[Any] | None, Starter], Coroutine[Any, Any, int]
]


def run_execution(args: argparse.Namespace, start: Starter, runner: Runner | None = None) -> int:
    """Parse the params, start, follow until settled; the exit code of the outcome."""
    try:
        params = parse_params(args.params, args.param)
        thread = read_thread_messages(getattr(args, "thread_messages", None))
    except Refusal as refusal:
        return refused(args, Response.failure("startSideExecutionResponse", refusal.error))
    return asyncio.run((runner or _run)(args, params, thread, start))


async def _run(
    args: argparse.Namespace, params: dict[str, Any], thread: list[Any] | None, start: Starter
) -> int:
    copies = None if args.json else live_copies(getattr(args, "timestamps", False))
    async with manager_from(args) as manager:
        response = await manager.start(start(params, thread, copies))
        if response.data is None:
            return refused(args, response)
        execution_id = response.data["sideExecutionId"]
        said = None if args.json else MessageEcho(manager, execution_id)
        with stop_on_signals(execution_id, lambda: manager.stop(execution_id)):
            record = await follow_until_settled(manager, execution_id, [], said)
        if args.json:
            print_json(await manager.get_status(execution_id))
        else:
            print_summary(record, copies)
        return EXIT_CODES.get(record.status, EXIT_FAILED)


def print_summary(record: ExecutionRecord, copies: Mapping[str, DescriptorCopy] | None) -> None:
    """The summary line on stderr, on a line of its own after the child's output."""
    stderr = copies["stderr"] if copies else None
    fresh_line = "\n" if stderr is not None and not stderr.ends_line else ""
    print(fresh_line + summary(record), file=sys.stderr)


def live_copies(timestamps: bool = False) -> dict[str, DescriptorCopy]:
    """The child's stdout to ours and its stderr to ours, as the bytes arrive (on their own
    writer thread: a slow terminal pauses the child, not the engine); with `timestamps` each
    line starts with the time it arrived."""
    sys.stdout.flush()
    sys.stderr.flush()
    writer = _copy_writer()
    stamp = clock_stamp if timestamps else None
    return {"stdout": copy_to(1, writer, stamp), "stderr": copy_to(2, writer, stamp)}


def _copy_writer() -> LogWriter:
    """The one thread writing the copies of this process (each run of --watch reuses it)."""
    global _writer
    if _writer is None:
        _writer = LogWriter()
    return _writer


_writer: LogWriter | None = None


async def follow_until_settled(
    manager: SideExecutionManager,
    execution_id: str,
    echoes: list[LogEcho],
    said: MessageEcho | None = None,
) -> ExecutionRecord:
    """Wait until the execution has settled, copying its output and messages meanwhile."""
    settled = asyncio.ensure_future(manager.wait_until_settled(execution_id))
    while not settled.done():
        for each in echoes:
            each.pump()
        if said is not None:
            said.pump()
        await asyncio.wait({settled}, timeout=_ECHO_INTERVAL_S)
    for each in echoes:
        each.finish()
    if said is not None:
        said.pump()
    return settled.result()


@contextlib.contextmanager
def stop_on_signals(label: str, stop_it: Callable[[], Awaitable[Any]]) -> Iterator[None]:
    """Ctrl-C, SIGTERM or SIGHUP call `stop_it` (the whole tree stops); a second one kills it."""
    loop = asyncio.get_running_loop()
    stops: set[asyncio.Future[Any]] = set()

    def stop(sig: signal.Signals) -> None:
        again = " again: killing now" if stops else " (again to kill at once)"
        print(f"\nsidetui: {sig.name}: stopping {label}{again}", file=sys.stderr)
        stops.add(asyncio.ensure_future(stop_it()))

    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stop, sig)
    try:
        yield
    finally:
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def refused(args: argparse.Namespace, response: Response) -> int:
    if args.json:
        print_json(response)
    elif response.error is not None:
        message = one_line(response.error.message)
        print(f"sidetui: {one_line(str(response.error.code))}: {message}", file=sys.stderr)
    return EXIT_REFUSED


def summary(record: ExecutionRecord) -> str:
    """One line for people: what ran, how it ended, how long it took, where the logs are."""
    reason = f": {record.error.message}" if record.error else ""
    if record.result is not None and record.result != {"exitCode": 0}:
        shown = json.dumps(record.result, ensure_ascii=False, default=str)
        reason = f" → {shown if len(shown) <= 200 else shown[:199] + '…'}"
    outcome = f"{record.status.value} after {record.duration_ms / 1000:.2f} s{reason}"
    logs = record.log_paths.get("stdout")
    where = f" · logs {logs.rsplit('.', 1)[0]}.{{stdout,stderr}}" if logs else ""
    if record.log_errors:
        where += f" (incomplete: {'; '.join(record.log_errors)})"
    return one_line(f"sidetui: {record.action_block} {outcome} · {record.side_execution_id}{where}")
