"""sidetui's builtin executor for skill, power and talent capabilities.

It runs, in the capability's folder: `main.py` (its `execute(params)`, sync or async), else
`index.js` (`module.exports.execute(params)` or an exported function, on node), else, for a
skill with only a `SKILL.md`, returns the skill's instructions. `params` are the executor's:
`capabilityPath, capabilityName, capabilityType, capabilityConfig, executionId` and the caller's.
"""

import asyncio
import importlib.util
import inspect
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from sidetui.block import BlockError, on_invocation

NODE_RUNNER = """
const fs = require("fs");
const [file, resultPath] = process.argv.slice(1);
const write = (outcome) => fs.writeFileSync(resultPath, JSON.stringify(outcome));
(async () => {
  const params = JSON.parse(fs.readFileSync(0, "utf8") || "{}");
  const exported = require(file);
  const inner = exported.default || {};
  const run = [exported, exported.execute, inner, inner.execute]
    .find((candidate) => typeof candidate === "function");

  if (!run) throw new Error(`${file} exports no execute function`);
  const result = await run(params);
  write({ result: result === undefined ? null : result });
})().catch((error) => {
  console.error(error && error.stack ? error.stack : error);
  write({ error: String((error && error.message) || error) });
});
"""


async def run_python(program: Path, params: dict[str, Any]) -> Any:
    sys.path.insert(0, str(program.parent))
    spec = importlib.util.spec_from_file_location(f"capability_{program.parent.name}", program)
    if spec is None or spec.loader is None:
        raise BlockError(f"{program} cannot be loaded as a Python module", "EXECUTION_FAILED")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    execute = getattr(module, "execute", None)
    if not callable(execute):
        raise BlockError(f"{program} has no execute(params) function", "EXECUTION_FAILED")
    result = execute(params)
    return await result if inspect.isawaitable(result) else result


async def run_node(program: Path, params: dict[str, Any]) -> Any:
    node = shutil.which("node")
    if node is None:
        raise BlockError("node is not installed or not on PATH", "EXECUTION_FAILED")
    with tempfile.TemporaryDirectory(prefix="sidetui-executor-") as scratch:
        result_path = Path(scratch) / "result.json"
        child = await asyncio.create_subprocess_exec(
            node, "-e", NODE_RUNNER, str(program), str(result_path), stdin=asyncio.subprocess.PIPE
        )
        await child.communicate(json.dumps(params).encode())
        if not result_path.exists():
            raise BlockError(f"{program.name} ended (exit {child.returncode}) without a result")
        outcome = json.loads(result_path.read_text())
    if "error" in outcome:
        raise BlockError(outcome["error"], "EXECUTION_FAILED")
    return outcome["result"]


@on_invocation
async def main(params: dict[str, Any], context: dict[str, Any]) -> Any:
    folder = Path(params["capabilityPath"])
    name = params.get("capabilityName", folder.name)
    os.chdir(folder)
    if (folder / "main.py").is_file():
        return await run_python(folder / "main.py", params)
    if (folder / "index.js").is_file():
        return await run_node(folder / "index.js", params)
    config = params.get("capabilityConfig") or {}
    if config.get("manifest") == "SKILL.md":
        return {
            "result": config.get("instructions", ""),
            "additionalContext": {"format": "markdown", "skill": name},
        }
    raise BlockError(f"{name} has nothing to run: add main.py or index.js", "EXECUTION_FAILED")
