"""Heavy libraries load when they are used, not before: `sidetui run` of a plain block prints its
child's first line without psutil or websockets, and without PyYAML once the manifests' cache is
warm; the WebSocket endpoint loads websockets when its first caller comes - and serves it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO, write_block

HEAVY = ("yaml", "psutil", "websockets")

FIRST_LINE = """
import asyncio, json, sys
from pathlib import Path
from sidetui.core import EngineConfig, OutputChanged, SideExecutionManager
import sidetui.cli, sidetui.commands.run_block

HEAVY = {heavy!r}
root = Path(sys.argv[1])
loaded = {{"imports": [m for m in HEAVY if m in sys.modules]}}

async def main():
    config = EngineConfig(state_dir=root / "state", global_dir=root / "global", watch=False)
    async with SideExecutionManager(root / "project", config=config) as manager:
        events = manager.subscribe(output="changes")
        started = await manager.start_with_action_block("first")
        async for event in events:
            if isinstance(event, OutputChanged):  # its one line has come
                loaded["first line"] = [m for m in HEAVY if m in sys.modules]
                break
        await manager.wait_until_settled(started.data["sideExecutionId"])

asyncio.run(main())
print(json.dumps(loaded))
"""

FIRST_CALLER = """
import asyncio, json, sys
from pathlib import Path
from sidetui.core import EngineConfig, SideExecutionManager

root = Path(sys.argv[1])

async def main():
    config = EngineConfig(state_dir=root / "state", global_dir=root / "global", watch=False)
    async with SideExecutionManager(root / "project", config=config) as manager:
        before = "websockets" in sys.modules
        url, token = manager.endpoint
        port = int(url.split(":")[2].split("/")[0])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET /codebolt?apiToken={{token}} HTTP/1.1\\r\\n"
            f"Host: 127.0.0.1:{{port}}\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n"
            .encode()
        )
        status = (await asyncio.wait_for(reader.readline(), 30)).decode().strip()
        writer.close()
        after = "websockets" in sys.modules
        print(json.dumps({{"before": before, "status": status, "after": after}}))

asyncio.run(main())
"""


def probe(script: str, root: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", script, str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return dict(json.loads(out.stdout.splitlines()[-1]))


def test_a_plain_block_prints_its_first_line_before_any_heavy_library_loads(
    tmp_path: Path,
) -> None:
    write_block(tmp_path / "project" / "actionblocks", "first", "print('first', flush=True)\n")
    cold = probe(FIRST_LINE.format(heavy=HEAVY), tmp_path)  # parses the builtins' manifests
    assert cold == {"imports": [], "first line": ["yaml"]}
    warm = probe(FIRST_LINE.format(heavy=HEAVY), tmp_path)  # their cached values serve
    assert warm == {"imports": [], "first line": []}


def test_the_endpoint_serves_its_first_caller_and_only_then_loads_websockets(
    tmp_path: Path,
) -> None:
    (tmp_path / "project").mkdir()
    seen = probe(FIRST_CALLER.format(), tmp_path)
    assert seen == {"before": False, "status": "HTTP/1.1 101 Switching Protocols", "after": True}
