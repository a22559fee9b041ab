"""Log files written by the background writer: every byte, in order, and readers held back
while the disk is behind."""

from __future__ import annotations

import asyncio
import hashlib
import time
from pathlib import Path

import pytest

from sidetui.core import SideExecutionManager
from sidetui.core.output.log_file import LogFile, LogWriter
from sidetui.core.processes.local.pipes import PIPE_BYTES
from tests.helpers import write_block


async def test_interleaved_files_get_their_bytes_in_order(tmp_path: Path) -> None:
    writer = LogWriter()
    logs = [LogFile(tmp_path / f"{n}.log", writer) for n in range(3)]
    expected = [bytearray() for _ in logs]
    for i in range(20_000):
        n = i % 3 if i % 7 else 0
        chunk = b"%d:%d\n" % (n, i)
        logs[n].write(chunk)
        expected[n] += chunk
    for log in logs:
        log.close()
    await asyncio.gather(*(asyncio.wrap_future(log.closed) for log in logs))
    assert [log.path.read_bytes() for log in logs] == [bytes(e) for e in expected]
    assert all(log.error is None for log in logs)


async def test_a_log_never_written_is_created_empty_by_its_writer(tmp_path: Path) -> None:
    log = LogFile(tmp_path / "quiet.log", LogWriter())
    log.close()
    await asyncio.wrap_future(log.closed)
    assert log.path.read_bytes() == b""


async def test_a_log_that_cannot_be_opened_is_an_error_not_an_exception(tmp_path: Path) -> None:
    log = LogFile(tmp_path / "no-such-folder" / "x.log", LogWriter())
    log.write(b"lost\n")
    log.close()
    await asyncio.wrap_future(log.closed)
    assert log.error is not None and "cannot open log" in log.error


async def test_when_drained_is_called_once_the_backlog_is_written(tmp_path: Path) -> None:
    writer = LogWriter(high_water=1_000, low_water=0)
    log = LogFile(tmp_path / "x.log", writer)
    log.write(b"x" * 1_000_000)
    drained = asyncio.Event()
    writer.when_drained(drained.set)
    await asyncio.wait_for(drained.wait(), 10)
    assert not writer.congested
    log.close()
    await asyncio.wrap_future(log.closed)
    assert log.path.stat().st_size == 1_000_000


FLOOD = """
    import sys
    out = sys.stdout.buffer
    for i in range(200_000):
        out.write(b"line %06d of a flood read while the disk is said to be behind\\n" % i)
"""


class SlowDiskWriter(LogWriter):
    def _write_run(self, log: LogFile, run: list[bytes | None]) -> None:
        time.sleep(0.005)
        super()._write_run(log, run)


async def test_a_child_held_back_by_a_congested_writer_loses_nothing(
    project: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk slower than the child (every write waits 5 ms) and a backlog limit of one byte:
    every read pauses the pipes until the writer has caught up."""
    writer = SlowDiskWriter(high_water=1, low_water=0)
    monkeypatch.setattr(LogWriter, "_shared", writer)
    write_block(project / "actionblocks", "flood", FLOOD, {"entryPoint": "main.py"})
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("flood")
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
    assert record.status.value == "completed"
    expected = b"".join(
        b"line %06d of a flood read while the disk is said to be behind\n" % i
        for i in range(200_000)
    )
    data = Path(record.log_paths["stdout"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(expected).hexdigest()
    assert record.stdout.lines_total == 200_000
    assert len(data) > 10 * PIPE_BYTES  # much more went through than was ever waiting:
    assert writer.peak_backlog <= 2 * PIPE_BYTES  # reading stopped while the disk was behind
