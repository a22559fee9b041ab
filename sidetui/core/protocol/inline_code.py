"""Inline code as a program: the code becomes the body of an async function with `params` in
scope (top-level `await` and `return` work), wrapped so that it speaks the IPC channel.

JavaScript runs on node; Python on the manager's interpreter through `sidetui.block`. A syntax error
is reported with the code `SYNTAX_ERROR` before anything runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

LANGUAGES = ("javascript", "python")
ALIASES = {"js": "javascript", "node": "javascript", "py": "python", "python3": "python"}


def language_named(name: str) -> str:
    """The language a name or a usual alias means (`py` is python); `ValueError` for others."""
    language = ALIASES.get(name.lower(), name.lower())
    if language not in LANGUAGES:
        known = ", ".join([*LANGUAGES, *ALIASES])
        raise ValueError(f"cannot run {name!r} code: use one of {known}")
    return language


_JAVASCRIPT = """\
"use strict";
const vm = require("vm");
const CODE = __CODE__;
const FILE = "<inline code>";
const LINES = CODE.split("\\n").length;
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
// The code's own lines keep their numbers: the function's head is line 0.
const build = (names) => vm.runInThisContext(
  `(async function (${[...FIXED, ...names].join(", ")}) {\\n${CODE}\\n})`,
  { filename: FILE, lineOffset: -1 });
const usable = (name) => /^[A-Za-z_$][\\w$]*$/.test(name) && !FIXED.includes(name) &&
  !(name in globalThis) && (() => {
  try { new Function(name, ""); return true; } catch { return false; } // not a reserved word
})();
// node writes "FILE:LINE", the line and a caret under the column before a syntax error's name.
const whereSyntax = (error) => {
  const [where, source, caret] = String(error.stack).split("\\n");
  const line = Number(where.startsWith(FILE + ":") ? where.slice(FILE.length + 1) : NaN);
  if (!(line >= 1 && line <= LINES)) return { place: "at the end of the code", shown: "" };
  const column = caret.indexOf("^") + 1;
  const shown = `${FILE}, line ${line}:\\n${source}\\n${caret}\\n`;
  return { place: `line ${line}, column ${column}`, shown };
};
// Only the frames of the code itself: the wrapper's and node's own say nothing to its author.
const ownFrames = (error) => {
  if (!(error && error.stack)) return String(error);
  const lines = String(error.stack).split("\\n");
  return lines.filter((line) => !/^\\s+at /.test(line) || line.includes(FILE)).join("\\n");
};
let body;
try {
  body = build([]);
} catch (error) {
  const { place, shown } = whereSyntax(error);
  const message = `SyntaxError: ${error.message} (${place})`;
  console.error(`${shown}${message}`);
  finish({ type: "actionBlockComplete", error: { message, code: "SYNTAX_ERROR" } });
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
      console.error(ownFrames(error));
      const message = String((error && error.message) || error);
      const code = error && typeof error.code === "string" ? error.code : null;
      reply.error = code ? { message, code } : message;
    }
    finish(reply);
  });
}
"""

_PYTHON = """\
import ast, builtins, keyword, linecache, sys, traceback
from sidetui.block import BlockError, run

CODE = __CODE__
FILE = "<inline code>"
linecache.cache[FILE] = (len(CODE), None, CODE.splitlines(True), FILE)  # tracebacks show lines


def build():
    try:
        tree = ast.parse(CODE, FILE)
        function = ast.parse("async def __inline__(params):\\n    pass").body[0]
        function.body = tree.body or function.body
        module = ast.fix_missing_locations(ast.Module(body=[function], type_ignores=[]))
        code = compile(module, FILE, "exec")
    except (SyntaxError, ValueError) as error:  # ValueError: a NUL in the code
        return error
    exec(code, NAMESPACE)
    return NAMESPACE["__inline__"]


NAMESPACE = {"__name__": "__inline__"}


BODY = build()


def handler(params, context):
    if isinstance(BODY, SyntaxError):
        column = f", column {BODY.offset}" if BODY.offset else ""
        where = f" (line {BODY.lineno}{column})" if BODY.lineno else ""
        raise BlockError(f"SyntaxError: {BODY.msg}{where}", "SYNTAX_ERROR")
    if isinstance(BODY, ValueError):
        raise BlockError(f"SyntaxError: {BODY}", "SYNTAX_ERROR")
    for name, value in params.items():  # each param whose key is a name is in scope by it too
        usable = name.isidentifier() and not keyword.iskeyword(name)
        if usable and name not in NAMESPACE and not hasattr(builtins, name):
            NAMESPACE[name] = value
    return BODY(params)


def report(error):
    # Only the frames of the code itself: the wrapper's and asyncio's say nothing to its author;
    # a syntax error shows the line and where in it.
    if isinstance(BODY, SyntaxError):
        print("".join(traceback.format_exception_only(BODY)), end="", file=sys.stderr)
        return
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == FILE]
    head = "Traceback (most recent call last):\\n" if frames else ""
    shown = head + "".join(traceback.format_list(frames))
    print(shown + "".join(traceback.format_exception_only(error)), end="", file=sys.stderr)


sys.exit(run(handler, report))
"""


def write_program(code: str, language: str) -> tuple[Path, list[str]]:
    """A private folder holding the wrapped code, and the command that runs it."""
    language = language_named(language)
    import tempfile  # here: the CLI reads this module's languages at every start

    folder = Path(tempfile.mkdtemp(prefix="sidetui-code-"))
    if language == "python":
        program = folder / "inline.py"
        program.write_text(_PYTHON.replace("__CODE__", repr(code)), encoding="utf-8")
        return folder, [sys.executable, str(program)]
    program = folder / "inline.js"
    program.write_text(_JAVASCRIPT.replace("__CODE__", json.dumps(code)), encoding="utf-8")
    return folder, ["node", str(program)]
