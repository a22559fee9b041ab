"""When the history is written: a start does not wait for the database - the executions that
began to run are written at the loop's next turn, where another process reads them - and a
settled record is written at once and never overwritten by its running state."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sidetui.core import ExecutionStatus, SideExecutionManager
from sidetui.core.history import HistoryStore
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from tests.helpers import scratch_config, write_block


def reader(state: Path) -> HistoryStore:
    """Another connection to the same database, as another process opens it."""
    store = HistoryStore(state / "history.sqlite3")
    store.open()
    return store


def stored(store: HistoryStore, execution_id: str) -> ExecutionStatus | None:
    record = store.get(execution_id)
    return record.status if record is not None else None


async def test_a_start_is_written_at_the_next_turn_not_before_it_returns(tmp_path: Path) -> None:
    write_block(tmp_path / "project" / "actionblocks", "nap", "import time\ntime.sleep(30)\n")
    config = scratch_config(tmp_path)
    async with SideExecutionManager(tmp_path / "project", config=config) as manager:
        other = reader(config.state_dir)
        first = (await manager.start_with_action_block("nap")).data["sideExecutionId"]
        assert stored(other, first) is None  # the start did not wait for the database
        await asyncio.sleep(0)
        assert stored(other, first) is ExecutionStatus.RUNNING
        more = await asyncio.gather(*(manager.start_with_action_block("nap") for _ in range(3)))
        ids = [first, *(response.data["sideExecutionId"] for response in more)]
        await asyncio.sleep(0)
        assert [stored(other, i) for i in ids] == [ExecutionStatus.RUNNING] * 4
        await manager.stop_all()
        assert [stored(other, i) for i in ids] == [ExecutionStatus.STOPPED] * 4
        other.close()


async def test_a_record_that_settles_in_the_same_turn_stays_settled(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3")
    store.open()
    record = ExecutionRecord("side_1_quick", ExecutionKind.ACTION_BLOCK, "quick", {}, None)
    record.status = ExecutionStatus.RUNNING
    store.status_changed(record)
    record.status = ExecutionStatus.COMPLETED
    store.save(record)
    await asyncio.sleep(0)  # the running write, had it been kept, would come now
    assert stored(reader(tmp_path), "side_1_quick") is ExecutionStatus.COMPLETED
    running = ExecutionRecord("side_2_slow", ExecutionKind.ACTION_BLOCK, "slow", {}, None)
    running.status = ExecutionStatus.RUNNING
    store.status_changed(running)
    store.close()  # what has not been written yet is written on the way out
    assert stored(reader(tmp_path), "side_2_slow") is ExecutionStatus.RUNNING


def ended_at(*starts: float) -> list[ExecutionRecord]:
    """Completed records `side_0`, `side_1`... that started at `starts`."""
    records = []
    for index, started in enumerate(starts):
        record = ExecutionRecord(f"side_{index}", ExecutionKind.ACTION_BLOCK, "b", {}, None)
        record.start_time, record.status = started, ExecutionStatus.COMPLETED
        records.append(record)
    return records


def test_the_newest_records_stay_and_their_places_with_them(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3", keep=3, project=tmp_path)
    store.open()
    records = ended_at(10.0, 35.0, 30.0, 30.0, 40.0, 5.0)
    store.save_many(records[:4])  # four at once: the oldest goes with the batch
    store.save(records[4])
    store.save(records[5])  # older than all the kept ones: it goes at once
    other = reader(tmp_path)
    kept = [past.record.side_execution_id for past in other.past(limit=10, every_project=True)]
    assert kept == ["side_4", "side_1", "side_3"]  # of two started at once, the later id stays
    assert other.get("side_0") is None and other.get("side_2") is None
    places = other._read_rows("SELECT id, project FROM places ORDER BY id", ())
    assert places == [(f"side_{i}", str(tmp_path)) for i in (1, 3, 4)]
    other.close()
    store.close()


def test_a_negative_keep_keeps_every_record(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history.sqlite3", keep=-1)
    store.open()
    store.save_many(ended_at(1.0, 2.0, 3.0))
    assert [store.get(f"side_{index}") is not None for index in range(3)] == [True] * 3
    store.close()
