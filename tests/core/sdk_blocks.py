"""ActionBlocks written the way Codebolt's templates write them, on the codeboltjs SDK double
(`tests/sdk_double`, a node package on the registry's `ws`), for tests and benchmarks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tests.helpers import REPO

SDK_DOUBLE = REPO / "tests" / "sdk_double"
INSTALL_HINT = "run `npm ci --prefix tests/sdk_double` (the README's test command does)"


def sdk_installed() -> bool:
    return (SDK_DOUBLE / "node_modules" / "ws" / "package.json").is_file()


def sdk_block(parent: Path, name: str, index_js: str, busy_ms: int = 0, prelude: str = "") -> Path:
    """A block folder with `package.json` depending on `@codebolt/codeboltjs`, the SDK double
    installed in its `node_modules`, and `index.js`: `prelude`, the `require` (which connects),
    then `index_js`. `busy_ms` of synchronous work right after the socket is created make the
    whole handshake land in one read."""
    assert sdk_installed(), f"the codeboltjs double is not installed: {INSTALL_HINT}"
    folder = parent / name
    folder.mkdir(parents=True, exist_ok=True)
    package = {"name": name, "main": "index.js", "dependencies": {"@codebolt/codeboltjs": "*"}}
    (folder / "package.json").write_text(json.dumps(package))
    scope = folder / "node_modules" / "@codebolt"
    scope.mkdir(parents=True, exist_ok=True)
    (scope / "codeboltjs").symlink_to(SDK_DOUBLE, target_is_directory=True)
    busy = f'process.env.SIDETUI_DOUBLE_BUSY_MS = "{busy_ms}";\n' if busy_ms else ""
    body = textwrap.dedent(index_js)
    connect = 'const codebolt = require("@codebolt/codeboltjs");\n'
    (folder / "index.js").write_text(f"{prelude}{busy}{connect}{body}")
    return folder


# The plain block of Codebolt's template: params in, a result out.
ECHO = """
codebolt.onActionBlockInvocation(async (threadContext, metadata) => {
  return { echoed: threadContext.params, id: metadata.sideExecutionId };
});
"""
