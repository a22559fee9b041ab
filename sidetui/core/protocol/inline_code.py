"""Inline code as a program: the code becomes the body of an async function with `params` in
scope (top-level `await` and `return` work), wrapped so that it speaks the IPC channel.

JavaScript runs on node; Python on the manager's interpreter through `sidetui.block`. A syntax error
is reported with the code `SYNTAX_ERROR` before anything runs.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

LANGUAGES = ("javascript", "python")

_JAVASCRIPT = """\
"use strict";
const CODE = __CODE__;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const finish = (reply) => {
  try {
    JSON.stringify(reply);
  } catch (error) {
    reply = { type: reply.type, sideExecutionId: reply.sideExecutionId,
              error: `the result cannot be sent as JSON: ${error.message}` };
  }
  if (process.send) process.send(reply);
  else console.log(JSON.stringify(reply));
};
const FIXED = ["params", "require", "module", "__filename", "__dirname"];
const build = (names) => new AsyncFunction(...FIXED, ...names, CODE);
const usable = (name) => /^[A-Za-z_$][\\w$]*$/.test(name) && !FIXED.includes(name) &&
  !(name in globalThis) && (() => {
  try { new Function(name, ""); return true; } catch { return false; } // not a reserved word
})();
let body;
try {
  body = build([]);
} catch (error) {
  finish({ type: "actionBlockComplete",
           error: { message: String((error && error.message) || error), code: "SYNTAX_ERROR" } });
}
if (body) {
  process.once("message", async (invocation) => {
    const reply = { type: "actionBlockComplete", sideExecutionId: invocation.sideExecutionId };
    const params = invocation.params || {};
    const names = Object.keys(params).filter(usable);
    let run = body;
    try {
      run = build(names); // each param whose key is an identifier is in scope by name too
    } catch {
      run = body; // the code declares one of those names itself: `params` only
    }
    try {
      const named = run === body ? [] : names.map((name) => params[name]);
      const result = await run(params, require, module, __filename, __dirname, ...named);
      reply.result = result === undefined ? null : result;
    } catch (error) {
      console.error(error && error.stack ? error.stack : error);
      const message = String((error && error.message) || error);
      const code = error && typeof error.code === "string" ? error.code : null;
      reply.error = code ? { message, code } : message;
    }
    finish(reply);
  });
}
"""

_PYTHON = """\
import ast, builtins, keyword, sys
from sidetui.block import BlockError, run

CODE = __CODE__


def build():
    try:
        tree = ast.parse(CODE, "<inline code>")
        function = ast.parse("async def __inline__(params):\\n    pass").body[0]
        function.body = tree.body or function.body
        module = ast.fix_missing_locations(ast.Module(body=[function], type_ignores=[]))
        code = compile(module, "<inline code>", "exec")
    except (SyntaxError, ValueError) as error:  # ValueError: a NUL in the code
        return error
    exec(code, NAMESPACE)
    return NAMESPACE["__inline__"]


NAMESPACE = {"__name__": "__inline__"}


BODY = build()


def handler(params, context):
    if isinstance(BODY, SyntaxError):
        where = f" (line {BODY.lineno})" if BODY.lineno else ""
        raise BlockError(f"SyntaxError: {BODY.msg}{where}", "SYNTAX_ERROR")
    if isinstance(BODY, ValueError):
        raise BlockError(f"SyntaxError: {BODY}", "SYNTAX_ERROR")
    for name, value in params.items():  # each param whose key is a name is in scope by it too
        usable = name.isidentifier() and not keyword.iskeyword(name)
        if usable and name not in NAMESPACE and not hasattr(builtins, name):
            NAMESPACE[name] = value
    return BODY(params)


sys.exit(run(handler))
"""


def write_program(code: str, language: str) -> tuple[Path, list[str]]:
    """A private folder holding the wrapped code, and the command that runs it."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    folder = Path(tempfile.mkdtemp(prefix="sidetui-code-"))
    if language == "python":
        program = folder / "inline.py"
        program.write_text(_PYTHON.replace("__CODE__", repr(code)), encoding="utf-8")
        return folder, [sys.executable, str(program)]
    program = folder / "inline.js"
    program.write_text(_JAVASCRIPT.replace("__CODE__", json.dumps(code)), encoding="utf-8")
    return folder, ["node", str(program)]
