"""(f) Protocol round trip: from `start_with_action_block` to the result, vs a bare spawn.

Three blocks that receive their params and hand back a result, each on one channel:
- a plain node script on Node's IPC channel (`process.on('message')` -> `process.send(result)`);
- a Python child on the WebSocket endpoint that behaves as the codeboltjs SDK does: it connects
  with its environment forwarded in the query string, ignores `registered`, answers the
  invocation with `actionBlockComplete` and stays connected until the server closes
  (`protocol: websocket`, so the execution waits for it to connect, as for an SDK block);
- a Python block on `sidetui.block` (IPC, a plain `def` handler).

The time runs from just before `start_with_action_block` until `wait_for_completion` returns the
record, `completed` with the expected result; the child's exit and the settling afterwards are
not timed. The baseline is `asyncio.create_subprocess_exec` of the same interpreter, with the
manager's stdio (stdin /dev/null, both pipes read, new session) and the environment the manager
gives every child, running a script that exits at once, timed until it has exited; for the
WebSocket child the script has the client's imports, so interpreter and import start-up are in
the baseline. Overhead = median value - median baseline; the goal is under 20 ms.

That baseline includes the bare process's exit, which the value does not: a second, stricter
baseline (info) runs the same script with one line printed at the end and stops the clock at that
line, i.e. start-up without exit. For the `sidetui.block` child that script also imports
`sidetui.block`, which tells the helper's own import time from the protocol's.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
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

from sidetui.core import ExecutionStatus, SideExecutionManager
from sidetui.core.processes.environment import inherited_environment

GOAL_MS = 20.0
PARAMS = {"text": "round trip", "n": 3}
EXPECTED = {"echo": "round trip", "n": 3}

NODE_IPC = """\
process.on("message", (message) => {
  if (message.type !== "actionBlockInvocation") return;
  const { text, n } = message.params;
  process.send({ type: "actionBlockComplete", result: { echo: text, n } });
});
"""
NODE_BARE = ""
NODE_READY = 'process.stdout.write("ready\\n");\n'

SDK_IMPORTS = """\
import asyncio
import json
import os
from urllib.parse import quote

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
"""

SDK_CLIENT = (
    SDK_IMPORTS
    + """
SKIPPED = {"SOCKET_PORT", "CODEBOLT_SERVER_URL", "agentId", "parentId", "parentAgentInstanceId"}


def sdk_url():
    env = os.environ
    url = (
        f"ws://{env.get('CODEBOLT_SERVER_URL', 'localhost')}:{env['SOCKET_PORT']}"
        f"/codebolt?id=ws_bench"
    )
    for name in ("agentId", "parentId", "parentAgentInstanceId"):
        if env.get(name):
            url += f"&{name}={quote(env[name], safe='')}"
    for key, value in env.items():  # the SDK forwards its environment as query parameters
        if key not in SKIPPED and value:
            url += f"&{quote(key, safe='')}={quote(value, safe='')}"
    return url


async def main():
    async with connect(sdk_url(), max_size=None) as socket:
        try:
            async for frame in socket:
                message = json.loads(frame)
                if message.get("type") != "actionBlockInvocation":
                    continue  # `registered`: the SDK does not care
                params = message.get("params") or {}
                reply = {
                    "type": "actionBlockComplete",
                    "sideExecutionId": message.get("sideExecutionId"),
                    "result": {"echo": params["text"], "n": params["n"]},
                }
                await socket.send(json.dumps(reply))
        except ConnectionClosed:
            pass


asyncio.run(main())
"""
)

HELPER = """\
from sidetui.block import on_invocation


@on_invocation
def main(params, context):
    return {"echo": params["text"], "n": params["n"]}
"""
PYTHON_BARE = ""
READY_LINE = 'import sys\n\nsys.stdout.write("ready\\n")\nsys.stdout.flush()\n'
HELPER_READY = "import sidetui.block  # noqa: F401\n" + READY_LINE


@dataclass
class Case:
    """One channel: a block run through the manager, and the bare scripts it is compared with."""

    label: str
    block: str
    interpreter: str
    files: dict[str, str]  # the block folder: entry point, manifest, `exit.*` and `ready.*`
    ready_label: str  # what the ready baseline's script does before its line
    times: dict[str, list[float]] = field(
        default_factory=lambda: {"manager": [], "exit": [], "ready": []}
    )

    def script(self, kind: str) -> str:
        return next(name for name in self.files if name.startswith(f"{kind}."))


def cases(node: str | None) -> list[Case]:
    found = []
    if node is not None:
        found.append(
            Case(
                "node IPC",
                "ipc-node",
                node,
                {
                    "index.js": NODE_IPC,
                    "exit.js": NODE_BARE,
                    "ready.js": NODE_READY,
                    "actionblock.yml": json.dumps({"name": "ipc-node", "entryPoint": "index.js"}),
                },
                "an empty script",
            )
        )
    found.append(
        Case(
            "Python WebSocket (SDK-like client)",
            "ws-python",
            sys.executable,
            {
                "main.py": SDK_CLIENT,
                "exit.py": SDK_IMPORTS,
                "ready.py": SDK_IMPORTS + READY_LINE,
                "actionblock.yml": json.dumps(
                    {"name": "ws-python", "entryPoint": "main.py", "protocol": "websocket"}
                ),
            },
            "the client's imports",
        )
    )
    found.append(
        Case(
            "Python `sidetui.block` on IPC",
            "helper-python",
            sys.executable,
            {
                "main.py": HELPER,
                "exit.py": PYTHON_BARE,
                "ready.py": HELPER_READY,
                "actionblock.yml": json.dumps({"name": "helper-python", "entryPoint": "main.py"}),
            },
            "`import sidetui.block`",
        )
    )
    return found


async def bare_run(
    interpreter: str, script: str, cwd: Path, env: dict[str, str], until_line: bool
) -> float:
    """Spawn `interpreter script` as the manager would; time until it has exited, or until its
    first line arrived (`until_line`)."""
    start = clock()
    proc = await asyncio.create_subprocess_exec(
        interpreter,
        script,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    if until_line:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        elapsed = clock() - start
        if line != b"ready\n":
            raise RuntimeError(f"bare {script} printed {line!r}")
    _, err = await proc.communicate()
    if not until_line:
        elapsed = clock() - start
    if proc.returncode != 0:
        raise RuntimeError(f"bare {script} exited with {proc.returncode}: {err.decode()[-300:]}")
    return elapsed


async def managed_run(manager: SideExecutionManager, name: str) -> float:
    """Start the block and wait for its result (timed); then let it settle (untimed)."""
    start = clock()
    response = await manager.start_with_action_block(name, PARAMS)
    if not response.success or response.data is None:
        raise RuntimeError(f"start refused: {response.message}")
    execution_id = str(response.data["sideExecutionId"])
    record = await manager.wait_for_completion(execution_id)
    elapsed = clock() - start
    if record.status is not ExecutionStatus.COMPLETED or record.result != EXPECTED:
        raise RuntimeError(
            f"{name} ended {record.status.value} with {record.result!r}:"
            f" {record.error.message if record.error else ''} {record.error_output[-300:]}"
        )
    await manager.wait_until_settled(execution_id)
    manager.forget(execution_id)
    return elapsed


async def one_round(manager: SideExecutionManager, root: Path, case: Case, flip: bool) -> None:
    """One sample of each side of `case`; the order is reversed every other round."""
    folder = block_dir(root, case.block)
    env = inherited_environment(os.environ, manager.config.pass_env, manager.config.env)
    order = ["exit", "manager", "ready"]
    for side in reversed(order) if flip else order:
        if side == "manager":
            elapsed = await managed_run(manager, case.block)
        else:
            script = case.script(side)
            elapsed = await bare_run(case.interpreter, script, folder, env, side == "ready")
        case.times[side].append(elapsed * 1000)


def rows_for(case: Case) -> list[Row]:
    value = median(case.times["manager"])
    bare, ready = median(case.times["exit"]), median(case.times["ready"])
    goal = ("value", "<", GOAL_MS)
    return [
        Row(f"{case.label}: spawn to result", value, bare, "ms"),
        Row(f"{case.label}: overhead (value - baseline)", value - bare, bare, "ms", goal),
        Row(f"{case.label}: overhead vs start-up without exit", value - ready, ready, "ms"),
    ]


def note_for(case: Case) -> str:
    manager, bare, ready = (case.times[side] for side in ("manager", "exit", "ready"))
    paired = [m - b for m, b in zip(manager, bare, strict=True)]
    return (
        f"{case.label}: manager min/max {min(manager):.1f}/{max(manager):.1f} ms; bare spawn to"
        f" exit {min(bare):.1f}/{max(bare):.1f} ms; start-up without exit ({case.ready_label},"
        f" then a line) median {median(ready):.1f} ms; median of the paired differences (manager"
        f" - bare, same round) {median(paired):.1f} ms"
    )


async def main() -> None:
    args = parse_args(__doc__ or "")
    samples = 5 if args.quick else 20
    node = shutil.which("node")
    chosen = cases(node)
    with temp_project() as root:
        for case in chosen:
            folder = block_dir(root, case.block)
            folder.mkdir(parents=True)
            for name, text in case.files.items():
                (folder / name).write_text(text)
        config = engine_config(root, watch=False)
        async with SideExecutionManager(root / "project", config=config) as manager:
            for case in chosen:  # warm-up, not counted
                await one_round(manager, root, case, False)
                for times in case.times.values():
                    times.clear()
            for index in range(samples):  # interleaved: every case each round, order alternating
                for case in chosen:
                    await one_round(manager, root, case, index % 2 == 1)

    rows = [row for case in chosen for row in rows_for(case)]
    notes = [
        f"medians of {samples} samples per side, interleaved (each round runs every case, its"
        " sides in alternating order), after a warm-up; an overhead row's ratio is the overhead"
        " as a fraction of its baseline",
        *(note_for(case) for case in chosen),
    ]
    if node is None:
        notes.append("node is not installed: the node IPC case was skipped")
    print_table("protocol: invocation round trip", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
