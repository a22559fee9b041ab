"""(a) Drain: how fast the manager finishes a child that floods stdout, vs a bare read loop.

The child writes LINES lines of 80 bytes to stdout in 640 KiB chunks (a Python child: it wrote
faster than the same loop in node on this machine). Both sides run the same `main.py` with the
same interpreter; the time runs from just before the spawn to the end: `wait_until_settled` for
the manager, EOF on both pipes plus `wait()` for the bare loop. The bare loop reads pipes widened
to the engine's 256 KiB; its `+log` variant also appends every chunk to a log file, as the engine
does, so the goal compares like with like: the engine at most 1.15x the time of bare+log.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sys
from pathlib import Path

from _common import (
    Row,
    block_dir,
    clock,
    engine_config,
    median,
    parse_args,
    print_table,
    temp_project,
)

from sidetui.core import ExecutionStatus, OutputBatch, SideExecutionManager
from sidetui.core.processes.local.pipes import PIPE_BYTES

FLOOD = """\
import sys

LINES = {lines}
line = b"x" * 70 + b" line end\\n"  # 80 bytes
per = 8192
chunk = line * per
out = sys.stdout.buffer
full, rest = divmod(LINES, per)
for _ in range(full):
    out.write(chunk)
out.write(line * rest)
out.flush()
"""


async def bare(folder: Path, log: Path | None = None) -> tuple[float, int]:
    """Spawn with both pipes widened to the engine's 256 KiB, read each with `read(256 KiB)`
    until EOF, then `wait()`; (seconds, bytes).

    With `log`, every chunk is also appended to `log.stdout` / `log.stderr` with `os.write` on
    the loop: the simplest way to keep a log, the reference the engine's log writer must meet.
    """
    loop = asyncio.get_running_loop()

    async def drain(read_fd: int, name: str) -> int:
        reader = asyncio.StreamReader(limit=PIPE_BYTES, loop=loop)
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader, loop=loop), os.fdopen(read_fd, "rb", 0)
        )
        total = 0
        fd = os.open(f"{log}.{name}", os.O_WRONLY | os.O_CREAT | os.O_APPEND) if log else -1
        try:
            while chunk := await reader.read(PIPE_BYTES):
                total += len(chunk)
                if fd >= 0:
                    os.write(fd, chunk)
        finally:
            transport.close()
            if fd >= 0:
                os.close(fd)
                os.unlink(f"{log}.{name}")
        return total

    start = clock()
    pipes = [os.pipe(), os.pipe()]
    for read_fd, _ in pipes:
        fcntl.fcntl(read_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        cwd=folder,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=pipes[0][1],
        stderr=pipes[1][1],
    )
    for _, write_fd in pipes:
        os.close(write_fd)
    out, _ = await asyncio.gather(drain(pipes[0][0], "stdout"), drain(pipes[1][0], "stderr"))
    await proc.wait()
    return clock() - start, out


async def managed(
    manager: SideExecutionManager, subscribe: bool
) -> tuple[float, int, tuple[int, int]]:
    """Start the block and wait until settled; (seconds, lines, (lines delivered, dropped))."""
    delivered = [0, 0]

    async def consume() -> None:
        async for event in subscription:
            if isinstance(event, OutputBatch) and event.stream == "stdout":
                delivered[0] += len(event.lines)
                delivered[1] += event.dropped

    subscription = manager.subscribe() if subscribe else None
    consumer = asyncio.create_task(consume()) if subscription else None
    start = clock()
    response = await manager.start_with_action_block("flood")
    execution_id = response.data["sideExecutionId"]
    record = await manager.wait_until_settled(execution_id)
    elapsed = clock() - start
    if subscription is not None and consumer is not None:
        subscription.close()
        await consumer
    if record.status is not ExecutionStatus.COMPLETED:
        print(f"warning: {execution_id} ended {record.status}", file=sys.stderr)
    assert record.stdout is not None
    lines = record.stdout.lines_total
    manager.forget(execution_id)
    for path in record.log_paths.values():
        if path:
            os.unlink(path)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}.times")
    return elapsed, lines, (delivered[0], delivered[1])


async def main() -> None:
    args = parse_args(__doc__ or "")
    lines, runs = (200_000, 3) if args.quick else (2_000_000, 7)
    with temp_project({"flood": FLOOD.format(lines=lines)}) as root:
        folder = block_dir(root, "flood")
        config = engine_config(root, watch=False)
        sides = ("bare", "bare+log", "manager", "subscribed", "no times")
        times: dict[str, list[float]] = {side: [] for side in sides}
        counts: dict[str, set[int]] = {side: set() for side in sides}
        delivered: list[tuple[int, int]] = []
        async with SideExecutionManager(root / "project", config=config) as manager:
            await bare(folder)  # warm-up of both sides, not counted
            await managed(manager, subscribe=False)
            for _ in range(runs):
                elapsed, size = await bare(folder)
                times["bare"].append(elapsed)
                counts["bare"].add(size // 80)
                elapsed, size = await bare(folder, root / "bare-log")
                times["bare+log"].append(elapsed)
                counts["bare+log"].add(size // 80)
                elapsed, got, _ = await managed(manager, subscribe=False)
                times["manager"].append(elapsed)
                counts["manager"].add(got)
                elapsed, got, seen = await managed(manager, subscribe=True)
                times["subscribed"].append(elapsed)
                counts["subscribed"].add(got)
                delivered.append(seen)
                manager.config.line_times = False  # read at each launch
                elapsed, got, _ = await managed(manager, subscribe=False)
                manager.config.line_times = True
                times["no times"].append(elapsed)
                counts["no times"].add(got)

    speed = {side: lines / median(values) for side, values in times.items()}

    def row(what: str, side: str, base: str, goal: tuple[str, str, float] | None = None) -> Row:
        # Speed ratio of each round against that round's baseline run, then the median.
        paired = median([b / t for b, t in zip(times[base], times[side], strict=True)])
        return Row(what, speed[side], speed[base], "lines/s", goal, digits=0, paired=paired)

    # The goal: at most 1.15x the time of the bare loop keeping the same log, i.e. >= 1/1.15 speed.
    rows = [
        row("manager, no subscriber (vs bare+log)", "manager", "bare+log", ("ratio", ">=", 0.87)),
        row("manager, subscriber consuming (vs bare+log)", "subscribed", "bare+log"),
        row("manager, no subscriber (vs bare, no log)", "manager", "bare"),
        row("reference: bare+log (vs bare, no log)", "bare+log", "bare"),
        row(
            "line times kept (vs the manager without)", "manager", "no times", ("ratio", ">=", 0.9)
        ),
    ]
    notes = [
        f"{lines:,} lines of 80 bytes; {runs} rounds (bare, bare+log, manager, subscribed), after"
        " one warm-up run of each; value and baseline are medians; the ratio is the median of"
        " each round's speed against the same round's baseline run",
        "seconds per run: "
        + "; ".join(f"{side} {', '.join(f'{t:.3f}' for t in ts)}" for side, ts in times.items()),
        f"lines counted: {counts}",
        "subscriber received (lines, dropped) per run: "
        + ", ".join(f"({a:,}, {b:,})" for a, b in delivered),
    ]
    print_table(f"drain: {lines:,} lines", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
