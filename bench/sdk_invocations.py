"""(k) codeboltjs SDK blocks under stress: no invocation lost, at no cost a person notices.

The blocks run on the SDK double (`tests/sdk_double`: node on the registry's `ws`), which behaves
as `@codebolt/codeboltjs` does: its listener attaches in a `.then()` after `open`, and every frame
parsed before that is lost. Two kinds: a plain block as Codebolt's template writes it, and one
that busy-waits 300 ms right after `require` (the whole handshake then arrives in one read).

Stress: each kind is started N times (1,000; --quick: 50), 8 at a time, 10 s timeout; a start is
lost when its handler never ran (the execution did not complete with the expected result). The
same is done on fewer starts (200; --quick: 20, 2 s timeout) with the baseline: the same engine
with the invocation sent right after the handshake, as sidetui did before it waited for the
client's pong (that step is switched off in this process only).

Latency: start-to-result (from `start_with_action_block` until `wait_for_completion` returns) of
one start at a time, 60 rounds (--quick: 10) alternating this engine and the baseline, medians
over the starts that completed (the baseline's lost ones time out after 1 s). Under concurrency
the baseline's lost starts leave the machine to the others, so only sequential starts compare.
Goal: 0 lost; median start-to-result within 10 ms of the baseline's.

Needs `npm ci --prefix tests/sdk_double`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from _common import Row, clock, engine_config, median, parse_args, print_table, temp_project

from sidetui.core import ExecutionStatus, SideExecutionManager
from sidetui.core.protocol import bridge

REPO = Path(__file__).resolve().parent.parent
SDK_DOUBLE = REPO / "tests" / "sdk_double"
CONCURRENCY = 8
TIMEOUT_MS, BASELINE_TIMEOUT_MS, LATENCY_BASELINE_TIMEOUT_MS = 10_000, 2_000, 1_000
GOAL_MS = 10.0
HANDLER = """
const codebolt = require("@codebolt/codeboltjs");
codebolt.onActionBlockInvocation(async (threadContext) => ({ n: threadContext.params.n }));
"""


def write_sdk_block(actionblocks: Path, name: str, busy_ms: int) -> None:
    folder = actionblocks / name
    (folder / "node_modules" / "@codebolt").mkdir(parents=True)
    (folder / "node_modules" / "@codebolt" / "codeboltjs").symlink_to(SDK_DOUBLE)
    package = {"name": name, "main": "index.js", "dependencies": {"@codebolt/codeboltjs": "*"}}
    (folder / "package.json").write_text(json.dumps(package))
    busy = f'process.env.SIDETUI_DOUBLE_BUSY_MS = "{busy_ms}";\n' if busy_ms else ""
    (folder / "index.js").write_text(busy + HANDLER)


@contextmanager
def invocation_sent_at_once() -> Iterator[None]:
    """The engine as it was: no wait for the client's pong before the invocation."""
    waiting = bridge._until_listening

    async def at_once(connection: object, child: object) -> None:
        return None

    bridge._until_listening = at_once  # type: ignore[assignment]
    try:
        yield
    finally:
        bridge._until_listening = waiting


async def one(manager: SideExecutionManager, name: str, n: int, timeout: int) -> float | None:
    """Seconds from start to result; None when the invocation was lost."""
    began = clock()
    started = await manager.start_with_action_block(name, {"n": n}, timeout)
    if started.data is None:
        raise RuntimeError(started.message)
    record = await manager.wait_for_completion(started.data["sideExecutionId"])
    took = clock() - began
    await manager.wait_until_settled(record.side_execution_id)
    done = record.status is ExecutionStatus.COMPLETED and record.result == {"n": n}
    return took if done else None


async def many(
    manager: SideExecutionManager, name: str, count: int, timeout: int
) -> tuple[list[float], int]:
    """Times of the starts that got their invocation, and how many were lost."""
    times: list[float] = []
    lost = 0
    gate = asyncio.Semaphore(CONCURRENCY)

    async def run(n: int) -> None:
        nonlocal lost
        async with gate:
            took = await one(manager, name, n, timeout)
        if took is None:
            lost += 1
        else:
            times.append(took)

    await asyncio.gather(*(run(n) for n in range(count)))
    return times, lost


async def latency(
    manager: SideExecutionManager, name: str, rounds: int
) -> tuple[list[float], list[float]]:
    """Start-to-result of one start at a time, alternating this engine and the baseline."""
    now: list[float] = []
    before: list[float] = []
    for n in range(rounds):
        took = await one(manager, name, n, TIMEOUT_MS)
        if took is not None:
            now.append(took)
        with invocation_sent_at_once():
            took = await one(manager, name, n, LATENCY_BASELINE_TIMEOUT_MS)
        if took is not None:
            before.append(took)
    return now, before


async def main() -> None:
    args = parse_args(__doc__ or "")
    count, baseline_count, rounds = (50, 20, 10) if args.quick else (1_000, 200, 60)
    if not (SDK_DOUBLE / "node_modules" / "ws").is_dir():
        sys.exit("the SDK double is not installed: npm ci --prefix tests/sdk_double")
    rows: list[Row] = []
    notes: list[str] = []
    with temp_project() as root:
        actionblocks = root / "project" / "actionblocks"
        write_sdk_block(actionblocks, "plain", 0)
        write_sdk_block(actionblocks, "busy", 300)
        config = engine_config(root, watch=False, history=False)
        async with SideExecutionManager(root / "project", config=config) as manager:
            for name in ("plain", "busy"):
                await many(manager, name, 3, TIMEOUT_MS)  # warm-up
                now, before = await latency(manager, name, rounds)
                with invocation_sent_at_once():
                    _, before_lost = await many(manager, name, baseline_count, BASELINE_TIMEOUT_MS)
                stressed, lost = await many(manager, name, count, TIMEOUT_MS)
                value, baseline = median(now) * 1000, median(before) * 1000
                rows.append(
                    Row(
                        f"{name}: invocations lost of {count:,}, 8 at a time",
                        lost,
                        before_lost * count / baseline_count,
                        "",
                        ("value", "<=", 0),
                        digits=0,
                    )
                )
                rows.append(
                    Row(
                        f"{name}: start to result, one at a time, median",
                        value,
                        baseline,
                        "ms",
                        ("value", "<=", round(baseline + GOAL_MS, 1)),
                    )
                )
                notes.append(
                    f"{name}: baseline (invocation sent at once) lost {before_lost} of "
                    f"{baseline_count} 8 at a time (scaled to {count:,} in the table), and "
                    f"{rounds - len(before)} of {rounds} one at a time; 8 at a time this engine "
                    f"took {median(stressed) * 1000:.0f} ms (median), "
                    f"{min(stressed) * 1000:.0f}-{max(stressed) * 1000:.0f} ms"
                )
    print_table("sdk invocations: codeboltjs blocks started under stress", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
