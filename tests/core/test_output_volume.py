"""Children that write a lot, or write badly: every byte on disk, a bounded tail in memory."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from sidetui.core import OutputBatch, OutputChanged, SideExecutionManager, StatusChanged
from tests.helpers import write_block

PY = {"entryPoint": "main.py"}

FLOOD = """
    import sys
    out = sys.stdout.buffer
    for i in range(300_000):
        out.write(b"line %06d of a flood that must arrive whole\\n" % i)
    sys.stderr.write("done\\n")
"""


def flood_bytes() -> bytes:
    return b"".join(b"line %06d of a flood that must arrive whole\n" % i for i in range(300_000))


async def test_a_flood_is_byte_identical_on_disk_and_bounded_in_memory(project, config) -> None:
    config.tail_lines = 1_000
    write_block(project / "actionblocks", "flood", FLOOD, PY)
    async with SideExecutionManager(project, config=config) as manager:
        events = manager.subscribe()
        started = await manager.start_with_action_block("flood")
        execution_id = started.data["sideExecutionId"]
        record = await manager.wait_until_settled(execution_id)
        batches = []
        lines_seen = 0
        async for event in events:
            if isinstance(event, OutputBatch) and event.stream == "stdout":
                batches.append(event)
                lines_seen += len(event.lines) + event.dropped
            if isinstance(event, StatusChanged) and event.status.is_final:
                break
    log = record.log_paths["stdout"]
    expected = flood_bytes()
    with open(log, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(expected).hexdigest()
    assert record.stdout.bytes_total == len(expected)
    assert record.stdout.lines_total == 300_000
    kept = record.stdout.lines()
    assert len(kept) == 1_000
    assert kept[-1] == "line 299999 of a flood that must arrive whole"
    assert record.to_dict()["outputStats"]["stdout"] == {"bytes": len(expected), "lines": 300_000}
    # Listeners got every line (or were told how many they missed), in few batches.
    assert lines_seen == 300_000
    assert len(batches) < 3_000
    first_numbers = [b.first_line for b in batches]
    assert first_numbers == sorted(first_numbers)


async def test_invalid_utf8_escapes_and_a_huge_line_without_newline(project, config) -> None:
    config.line_max_bytes = 4_096
    script = """
        import sys
        out = sys.stdout.buffer
        out.write(b"bad \\xff\\xfe bytes\\n")
        out.write(b"\\x1b]0;title\\x07\\x1b[2J\\x1b[31mred\\x1b[0m\\n")
        out.write(b"\\xe2\\x82")  # half a euro sign...
        out.flush()
        out.write(b"\\xac\\n")   # ...and its last byte in another write
        for _ in range(50):
            out.write(b"y" * 100_000)  # 5 MB, no newline
        out.flush()
    """
    write_block(project / "actionblocks", "messy", script, PY)
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("messy")
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
    lines = record.stdout.lines()
    assert lines[0] == "bad \ufffd\ufffd bytes"
    assert lines[1] == "\x1b]0;title\x07\x1b[2J\x1b[31mred\x1b[0m"  # kept raw; viewers neutralise
    assert lines[2] == "€"
    assert len(lines[3]) <= 4_096
    kept = len(lines[3]) - len(lines[3].lstrip("y"))
    assert lines[3] == "y" * kept + f"…[+{5_000_000 - kept} bytes, whole in the log file]"

    with open(record.log_paths["stdout"], "rb") as handle:
        data = handle.read()
    assert data.startswith(b"bad \xff\xfe bytes\n\x1b]0;title")
    assert data.endswith(b"\xe2\x82\xac\n" + b"y" * 5_000_000)


async def test_nobody_listening_costs_no_events(project, config) -> None:
    write_block(project / "actionblocks", "chatty", "for i in range(1000): print(i)", PY)
    async with SideExecutionManager(project, config=config) as manager:
        statuses = manager.subscribe(output=False)
        started = await manager.start_with_action_block("chatty")
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
        assert not record.stdout.collecting
        seen = []
        while True:
            event = await asyncio.wait_for(statuses.__anext__(), 5)
            seen.append(type(event).__name__)
            if isinstance(event, StatusChanged) and event.status.is_final:
                break
    assert set(seen) <= {"StatusChanged", "RegistryChanged"}


async def test_a_slow_listener_is_told_what_it_missed(project, config) -> None:
    config.subscriber_max_lines = 5_000
    config.tail_lines = 100_000
    write_block(project / "actionblocks", "burst", "for i in range(100_000): print(i)", PY)
    async with SideExecutionManager(project, config=config) as manager:
        slow = manager.subscribe()
        started = await manager.start_with_action_block("burst")
        await manager.wait_until_settled(started.data["sideExecutionId"])
        received = missed = 0
        async for event in slow:
            if isinstance(event, OutputBatch):
                received += len(event.lines)
                missed += event.dropped
            if isinstance(event, StatusChanged) and event.status.is_final:
                break
    assert received == 5_000  # the newest lines, up to the subscriber's bound

    assert received + missed == 100_000


async def test_a_changes_listener_hears_that_output_came_without_the_lines(project, config) -> None:
    write_block(project / "actionblocks", "chatty", "for i in range(1000): print(i)", PY)
    async with SideExecutionManager(project, config=config) as manager:
        changes = manager.subscribe(output="changes")
        started = await manager.start_with_action_block("chatty")
        execution_id = started.data["sideExecutionId"]
        record = await manager.wait_until_settled(execution_id)
        assert not record.stdout.collecting  # nobody asked for lines: none were batched
        seen = []
        async for event in changes:
            seen.append(event)
            if isinstance(event, StatusChanged) and event.status.is_final:
                break
    assert OutputChanged(execution_id) in seen
    assert not any(isinstance(event, OutputBatch) for event in seen)
    assert seen.index(OutputChanged(execution_id)) < len(seen) - 1  # before the final status
    assert record.stdout.lines()[-1] == "999"


async def test_both_streams_merge_in_the_order_they_were_written(project, config) -> None:
    alternating = """
        import sys, time
        for i in range(6):
            stream = sys.stderr if i % 2 else sys.stdout
            print(f"line {i}", file=stream, flush=True)
            time.sleep(0.05)
    """
    write_block(project / "actionblocks", "both", alternating, PY)
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("both")
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
    lines, from_stderr, first = record.merged_output()
    assert lines == [f"line {i}" for i in range(6)]
    assert from_stderr == [False, True, False, True, False, True]
    assert first == 0


async def test_the_first_line_after_a_quiet_spell_is_told_at_once(project, config) -> None:
    """With a long flush interval, the first line still comes at once (a person launching a
    block sees it without waiting for a timer); what follows it within the interval waits."""
    config.output_flush_ms = 30_000
    code = """
        import time
        print("first", flush=True)  # unbuffered: "first", then its newline
        time.sleep(0.05)
        print("second", flush=True)
        time.sleep(60)
    """
    write_block(project / "actionblocks", "two", code, PY)
    async with SideExecutionManager(project, config=config) as manager:
        events = manager.subscribe()
        started = await manager.start_with_action_block("two")
        execution_id = started.data["sideExecutionId"]
        record = manager.get_record(execution_id)
        assert record is not None and record.stdout is not None

        async def first_batch() -> OutputBatch:
            async for event in events:
                if isinstance(event, OutputBatch) and event.lines:
                    return event
            raise AssertionError("the subscription ended")

        batch = await asyncio.wait_for(first_batch(), 20)  # the interval is 30 s
        assert batch.lines == ["first"]
        while record.stdout.lines_total < 2:
            await asyncio.sleep(0.01)
        with pytest.raises(TimeoutError):  # "second" waits for the interval, 30 s away
            await asyncio.wait_for(first_batch(), 0.5)
        await manager.stop(execution_id)
