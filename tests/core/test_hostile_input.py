"""Hostile folders, children and agents: nothing hangs, nothing leaves the project, nothing is
lost silently, and every refusal says why. Each test is one attack of the adversarial sweep."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from websockets.asyncio.client import connect

from sidetui.core import ActionBlock, ErrorCode, ExecutionStatus, SideExecutionManager, Source
from sidetui.core.catalog import Registry, Root
from sidetui.core.output import LogFile, OutputStream
from tests.core.agent_client import agent_of
from tests.helpers import PIDFILE_SLEEPER, file_text_async, write_block

DEADLINE_S = 30
DEEP = 5_000


def deep_json(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# -- folders -------------------------------------------------------------------------------------


async def test_a_fifo_named_like_a_manifest_is_a_broken_entry_not_a_hang(
    manager: SideExecutionManager, project: Path
) -> None:
    folder = project / "actionblocks" / "pipe"
    folder.mkdir()
    os.mkfifo(folder / "actionblock.yml")
    await asyncio.wait_for(manager.rescan(), DEADLINE_S)
    [block] = [b for b in manager.registry.action_blocks() if b.name == "pipe"]
    reason = "cannot read actionblock.yml: not a regular file (a FIFO, socket or device)"
    assert block.errors[0] == reason


def test_a_fifo_does_not_hang_the_cli(project: Path) -> None:
    folder = project / "actionblocks" / "pipe"
    folder.mkdir()
    os.mkfifo(folder / "actionblock.yml")
    done = subprocess.run(
        [sys.executable, "-m", "sidetui", "list", "--json"],
        cwd=project,
        capture_output=True,
        timeout=DEADLINE_S,
    )
    assert done.returncode == 0, done.stderr
    [block] = json.loads(done.stdout)["data"]["actionBlocks"]
    assert block["valid"] is False


async def test_a_symlink_out_of_the_project_is_followed_only_to_a_block(
    manager: SideExecutionManager, project: Path, tmp_path: Path
) -> None:
    outside = write_block(
        tmp_path / "elsewhere", "shared", "print('hi')", {"entryPoint": "main.py"}
    )
    blocks = project / "actionblocks"
    (blocks / "root").symlink_to("/")
    (blocks / "shared").symlink_to(outside)
    await manager.rescan()
    by_name = {b.name: b for b in manager.registry.action_blocks()}
    assert set(by_name) == {"root", "shared"}  # nothing of / was walked or listed
    assert "links to /, outside" in by_name["root"].errors[0]
    assert by_name["shared"].valid
    assert by_name["shared"].linked_to == str(outside)
    assert by_name["shared"].to_dict()["linkedTo"] == str(outside)


@pytest.mark.parametrize("absolute", [False, True], ids=["dot-dot", "absolute"])
async def test_an_entry_point_out_of_its_block_folder_is_refused(
    manager: SideExecutionManager, project: Path, absolute: bool
) -> None:
    folder = project / "actionblocks" / "outward"
    entry = "/usr/bin/id" if absolute else os.path.relpath("/bin/true", folder)
    write_block(project / "actionblocks", "outward", None, {"entryPoint": entry, "runtime": ""})
    await manager.rescan()
    started = await manager.start_with_action_block("outward")
    assert started.success is False
    assert started.error is not None
    assert started.error.code is ErrorCode.INVALID_ACTION_BLOCK
    assert "leads out of the block's folder" in started.error.message


def test_an_unreadable_block_folder_is_listed_broken() -> None:
    """Scanned as another user (root reads everything): with the thread's file-system user
    switched to nobody, root's override of permissions is dropped for that thread. The project
    is made where nobody may go: /tmp itself."""
    project = Path(tempfile.mkdtemp(prefix="sidetui-test-", dir="/tmp"))
    os.chmod(project, 0o755)
    (project / "actionblocks").mkdir(mode=0o755)
    locked = write_block(project / "actionblocks", "locked", "print(1)", {"entryPoint": "main.py"})
    os.chmod(locked, 0o000)
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    found: list[ActionBlock] = []

    def scan_as_nobody() -> None:
        libc.setfsuid(65534)
        try:
            registry = Registry([Root(project, Source.PROJECT)])
            registry.load()
            found.extend(registry.action_blocks())
        finally:
            libc.setfsuid(os.geteuid())

    worker = threading.Thread(target=scan_as_nobody)
    worker.start()
    worker.join(DEADLINE_S)
    os.chmod(locked, 0o755)
    shutil.rmtree(project)
    [block] = found
    assert block.name == "locked"
    assert block.errors == ("cannot read the folder locked: Permission denied",)


async def test_a_name_with_a_slash_is_found_by_name_and_by_id(
    manager: SideExecutionManager, project: Path
) -> None:
    folder = project / "actionblocks" / "scoped"
    folder.mkdir()
    (folder / "package.json").write_text(json.dumps({"name": "@team/scoped", "main": "main.py"}))
    (folder / "main.py").write_text("print('scoped')\n")
    await manager.rescan()
    for target in ("@team/scoped", "project:actionblock:@team/scoped"):
        started = await manager.start_with_action_block(target)
        assert started.success, started.message
        record = await manager.wait_for_completion(started.data["sideExecutionId"])
        assert record.status is ExecutionStatus.COMPLETED


# -- scans -----------------------------------------------------------------------------------------


async def test_a_projectpath_of_the_whole_file_system_is_refused(
    manager: SideExecutionManager,
) -> None:
    response = await manager.list_action_blocks("/")
    assert response.success is False
    assert response.error is not None
    assert "root" in response.error.message


async def test_a_stop_is_not_kept_waiting_behind_scans(
    manager: SideExecutionManager, project: Path, tmp_path: Path
) -> None:
    wide = tmp_path / "wide"
    for n in range(4_000):
        (wide / f"d{n // 100}" / f"e{n}").mkdir(parents=True)
    write_block(project / "actionblocks", "sleeper", PIDFILE_SLEEPER, {"entryPoint": "main.py"})
    async with agent_of(manager) as agent:
        started = await agent.ask(
            "sideExecution",
            "startSideExecution",
            actionBlockPath="sleeper",
            params={"pidfile": str(tmp_path / "pid")},
        )
        await file_text_async(tmp_path / "pid")
        scans = [
            await agent.send("sideExecution", "listActionBlocks", projectPath=str(wide))
            for _ in range(12)
        ]
        stop = await agent.send(
            "sideExecution", "stopSideExecution", sideExecutionId=started["sideExecutionId"]
        )
        order: list[str] = []
        while stop not in order:
            message = await agent.receive()
            if "requestId" in message:  # not what is pushed unasked (the sleeper's end)
                order.append(message["requestId"])
        assert len([r for r in order if r in scans]) < len(scans), "the stop waited for every scan"


# -- children --------------------------------------------------------------------------------------

DEEP_THEN_RESULT = f"""
import os, socket
channel = socket.socket(fileno=int(os.environ["NODE_CHANNEL_FD"]))
channel.recv(65536)
channel.sendall(({deep_json(DEEP)!r} + "\\n").encode())
channel.sendall(b'{{"type": "actionBlockComplete", "result": {{"ok": true}}}}\\n')
channel.recv(1)
"""

NAN_RESULT = """
import os, socket
channel = socket.socket(fileno=int(os.environ["NODE_CHANNEL_FD"]))
channel.recv(65536)
channel.sendall(b'{"type": "actionBlockComplete", "result": {"x": NaN}}\\n')
"""

HELPER_NAN = """
from sidetui.block import on_invocation

@on_invocation
def main(params, context):
    return {"x": float("nan")}
"""


async def test_a_message_nested_too_deep_is_ignored_and_the_result_after_it_kept(
    manager: SideExecutionManager, project: Path
) -> None:
    write_block(project / "actionblocks", "deep", DEEP_THEN_RESULT, {"entryPoint": "main.py"})
    await manager.rescan()
    started = await manager.start_with_action_block("deep")
    record = await asyncio.wait_for(
        manager.wait_until_settled(started.data["sideExecutionId"]), DEADLINE_S
    )
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result == {"ok": True}
    assert any("nested too deeply" in notice for notice in record.notices)


@pytest.mark.parametrize("block", [NAN_RESULT, HELPER_NAN], ids=["raw-ipc", "helper"])
async def test_a_result_holding_nan_fails_instead_of_producing_bad_json(
    manager: SideExecutionManager, project: Path, block: str
) -> None:
    write_block(project / "actionblocks", "nan", block, {"entryPoint": "main.py"})
    await manager.rescan()
    started = await manager.start_with_action_block("nan")
    record = await asyncio.wait_for(
        manager.wait_until_settled(started.data["sideExecutionId"]), DEADLINE_S
    )
    assert record.status is ExecutionStatus.FAILED
    assert "NaN" in json.dumps(record.to_dict()["error"]) or "JSON" in record.error.message
    json.dumps(record.to_dict(), allow_nan=False)  # what we print is valid JSON


async def test_params_nested_too_deep_are_refused_with_invalid_params(
    manager: SideExecutionManager, project: Path
) -> None:
    write_block(project / "actionblocks", "echo", "print(1)", {"entryPoint": "main.py"})
    await manager.rescan()
    deep: dict[str, object] = {}
    for _ in range(DEEP):
        deep = {"a": deep}
    started = await manager.start_with_action_block("echo", deep)
    assert started.error is not None
    assert started.error.code is ErrorCode.INVALID_PARAMS
    assert "nested too deeply" in started.error.message


def test_params_nested_too_deep_on_the_command_line_are_refused(project: Path) -> None:
    write_block(project / "actionblocks", "echo", "print(1)", {"entryPoint": "main.py"})
    for flag in (["--params", deep_json(DEEP)], ["--param", f"a={deep_json(DEEP)}"]):
        done = subprocess.run(
            [sys.executable, "-m", "sidetui", "run", "echo", "--json", *flag],
            cwd=project,
            capture_output=True,
            timeout=DEADLINE_S,
        )
        if flag[0] == "--params":
            assert done.returncode == 2, done.stderr
            assert json.loads(done.stdout)["error"]["code"] == "INVALID_PARAMS"
            assert "nested too deeply" in json.loads(done.stdout)["error"]["message"]
        else:  # a value that is not JSON is text: it runs with the text
            assert done.returncode == 0, done.stderr
        assert b"Traceback" not in done.stderr


# -- agents ----------------------------------------------------------------------------------------


async def test_a_frame_nested_too_deep_does_not_end_the_connection(
    manager: SideExecutionManager,
) -> None:
    async with agent_of(manager) as agent:
        await agent.socket.send(deep_json(100_000))
        reply = await agent.ask("actionBlock", "listActionBlocks")
        assert reply["success"] is True


@pytest.mark.parametrize("timeout", ["NaN", "Infinity", "-Infinity"])
async def test_a_timeout_that_is_not_a_number_is_refused(
    manager: SideExecutionManager, project: Path, timeout: str
) -> None:
    write_block(project / "actionblocks", "echo", "print(1)", {"entryPoint": "main.py"})
    async with agent_of(manager) as agent:
        frame = (
            '{"type": "sideExecution", "action": "startSideExecution", "requestId": "r1", '
            f'"actionBlockPath": "echo", "timeout": {timeout}}}'
        )
        await agent.socket.send(frame)
        reply = await agent.reply_to("r1")
        assert reply["success"] is False
        assert reply["code"] == "INVALID_REQUEST"
        assert "is not JSON" in reply["error"]
    assert manager.records == []


async def test_inline_code_that_is_not_text_is_refused(manager: SideExecutionManager) -> None:
    async with agent_of(manager) as agent:
        reply = await agent.ask("sideExecution", "startSideExecution", inlineCode=["a"])
        assert reply["success"] is False
        assert reply["code"] == "INVALID_REQUEST"
        assert reply["error"] == "code must be text, not list"
    assert manager.records == []


async def test_a_child_may_reconnect_while_it_runs_and_is_not_invoked_twice(
    manager: SideExecutionManager, project: Path, tmp_path: Path
) -> None:
    block = """
import json, os, time
handoff = json.loads(os.environ["SIDE_EXECUTION_PARAMS"])["handoff"]
with open(handoff + ".tmp", "w") as handle:
    handle.write(os.environ["SIDE_EXECUTION_ID"] + " " + os.environ["SIDE_EXECUTION_TOKEN"])
os.rename(handoff + ".tmp", handoff)
time.sleep(60)
"""
    write_block(
        project / "actionblocks", "waits", block, {"entryPoint": "main.py", "protocol": "websocket"}
    )
    await manager.rescan()
    started = await manager.start_with_action_block("waits", {"handoff": str(tmp_path / "handoff")})
    execution_id, token = (await file_text_async(tmp_path / "handoff")).split()
    assert manager.endpoint is not None
    url = f"{manager.endpoint[0]}?{urlencode({'agentId': execution_id, 'token': token})}"
    async with connect(url) as first:
        assert json.loads(await first.recv())["type"] == "registered"
        assert json.loads(await first.recv())["type"] == "actionBlockInvocation"
    async with connect(url) as again:
        assert json.loads(await again.recv())["type"] == "registered"
        await again.send(json.dumps({"type": "actionBlockComplete", "result": 7}))
        record = await asyncio.wait_for(manager.wait_for_completion(execution_id), DEADLINE_S)
    assert record.result == 7
    assert started.data["sideExecutionId"] == execution_id


# -- history and output ----------------------------------------------------------------------------


async def test_bad_history_rows_are_skipped(project: Path, config) -> None:
    async with SideExecutionManager(project, config=config):
        pass
    db = sqlite3.connect(config.state_dir / "history.sqlite3")
    bad = {"sideExecutionId": "side_1_x", "kind": "actionBlock", "actionBlock": "x",
           "status": "completed", "startTime": 12345}  # fmt: skip
    db.execute("INSERT INTO executions VALUES (?, ?, ?)", ("side_1_x", 1.0, json.dumps(bad)))
    db.execute("INSERT INTO executions VALUES (?, ?, ?)", ("side_2_x", 2.0, "not json"))
    db.commit()
    db.close()
    async with SideExecutionManager(project, config=config) as manager:
        assert manager.past_records() == []


def test_a_line_longer_than_the_bound_without_a_newline_leaves_no_phantom_line(
    tmp_path: Path,
) -> None:
    stream = OutputStream("stdout", LogFile(tmp_path / "log"), 5_000, 1 << 20, 64 * 1024)
    for _ in range(200):
        stream.feed(b"x" * (256 * 1024))
    stream.close()
    assert stream.lines_total == 1
    [line] = stream.lines()
    assert line.endswith("whole in the log file]")


# -- privacy ---------------------------------------------------------------------------------------


async def test_the_state_folder_and_its_files_are_private_even_if_they_were_not(
    project: Path, config
) -> None:
    config.state_dir.mkdir(parents=True, mode=0o755)
    os.chmod(config.state_dir, 0o755)
    (config.state_dir / "logs").mkdir(mode=0o755)
    os.chmod(config.state_dir / "logs", 0o755)
    (config.state_dir / "logs" / "old.stdout").write_text("secret")
    os.chmod(config.state_dir / "logs" / "old.stdout", 0o644)
    history = config.state_dir / "history.sqlite3"
    sqlite3.connect(history).close()
    os.chmod(history, 0o644)
    write_block(project / "actionblocks", "echo", "print(1)", {"entryPoint": "main.py"})
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("echo", {"big": "x" * 100_000})
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
    for folder in (config.state_dir, config.state_dir / "logs", config.state_dir / "endpoints"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    files = [history, config.state_dir / "logs" / "old.stdout", *record.log_paths.values()]
    for path in files:
        assert path is not None and stat.S_IMODE(Path(path).stat().st_mode) == 0o600, path
    async with SideExecutionManager(project, config=config) as later:
        [stored] = later.past_records()
    assert stored.params == {}
    assert any("were not kept in the history" in n for n in stored.notices)
