"""The files of a new ActionBlock, by language: a manifest declaring its inputs, an entry point
that reads them and returns a result, and a README saying how to run it. `__NAME__` stands for
the block's name.

Each one runs as it is, with sidetui (`sidetui run NAME`, or enter in the app) and by hand.
"""

from __future__ import annotations

MANIFEST = """\
name: __NAME__
description: Greets someone - a new block; say here what it does.
version: 0.1.0
entryPoint: __ENTRY__
metadata:
  inputs:
    - name: name
      type: string
      default: world
      description: Who to greet
    - name: times
      type: integer
      default: 1
      description: How many times to say it
"""

PYTHON = '''\
"""__NAME__: an ActionBlock. sidetui calls `main` with the params (declared in actionblock.yml,
defaults filled in) and the thread context; what it returns is the result."""

from sidetui.block import on_invocation


@on_invocation
def main(params, context):
    greeting = f"Hello, {params['name']}!"
    for _ in range(params["times"]):
        print(greeting)  # shown live in sidetui, kept in the log
    return {"greeting": greeting}
'''

JAVASCRIPT = """\
// __NAME__: an ActionBlock on plain node. sidetui sends the invocation (params declared in
// actionblock.yml, defaults filled in) on node's IPC channel; the reply is the result.
async function main(params) {
  const greeting = `Hello, ${params.name}!`;
  for (let i = 0; i < params.times; i++) console.log(greeting); // shown live in sidetui
  return { greeting };
}

if (process.send) {
  process.once("message", async (invocation) => {
    const reply = { type: "actionBlockComplete", sideExecutionId: invocation.sideExecutionId };
    try {
      reply.result = await main(invocation.params);
    } catch (error) {
      console.error(error);
      reply.error = String((error && error.message) || error);
    }
    process.send(reply);
    process.disconnect();
  });
} else {
  // By hand: node index.js '{"name": "Ada"}'
  const params = { name: "world", times: 1, ...JSON.parse(process.argv[2] || "{}") };
  main(params).then((result) => console.log(JSON.stringify(result)));
}
"""

CODEBOLT = """\
// __NAME__: an ActionBlock written for the codeboltjs SDK. With the SDK installed (npm install),
// it connects to sidetui as it would to Codebolt; without it, the two calls it uses go over
// node's IPC channel, which sidetui opens for every node block.
function loadCodebolt() {
  try {
    const sdk = require("@codebolt/codeboltjs");
    return sdk.default || sdk;
  } catch {
    return {
      onActionBlockInvocation(handler) {
        process.once("message", async (invocation) => {
          const { sideExecutionId, threadContext, params } = invocation;
          const context = { ...threadContext, params };
          const reply = { type: "actionBlockComplete", sideExecutionId };
          try {
            reply.result = await handler(context, invocation);
          } catch (error) {
            reply.error = String((error && error.message) || error);
          }
          process.send(reply);
          process.disconnect();
        });
      },
      chat: { sendMessage: (message) => process.send({ type: "sendMessage", message }) },
    };
  }
}

const codebolt = loadCodebolt();

codebolt.onActionBlockInvocation(async (threadContext, metadata) => {
  const { name, times } = threadContext.params;
  codebolt.chat.sendMessage(`Greeting ${name}`); // shown in sidetui's messages tab
  const greeting = `Hello, ${name}!`;
  for (let i = 0; i < times; i++) console.log(greeting);
  return { greeting, sideExecutionId: metadata.sideExecutionId };
});
"""

PACKAGE = """\
{
  "name": "__NAME__",
  "version": "0.1.0",
  "private": true,
  "main": "index.js",
  "optionalDependencies": {
    "@codebolt/codeboltjs": "*"
  }
}
"""

README = """\
# __NAME__

Greets someone - a new block; say here what it does.

Run it with sidetui - the app (`enter` on it in the catalog) or the command line:

```sh
sidetui run __NAME__ --param name=Ada --param times=2
```

__BY_HAND__

Its inputs are declared in `actionblock.yml` (`name`, `type`, `required`, `default`,
`description`); sidetui checks params against them before it starts anything.
"""

FILES = {  # language: {file name: template}, the entry point first
    "python": {"main.py": PYTHON, "actionblock.yml": MANIFEST, "README.md": README},
    "javascript": {"index.js": JAVASCRIPT, "actionblock.yml": MANIFEST, "README.md": README},
    "codebolt": {
        "index.js": CODEBOLT,
        "actionblock.yml": MANIFEST,
        "package.json": PACKAGE,
        "README.md": README,
    },
}
BY_HAND = {
    "python": """By hand, with a Python that has sidetui installed (the params as JSON; the declared
defaults fill in the rest):

```sh
python3 main.py '{"name": "Ada"}'
```""",
    "javascript": """By hand, without sidetui (the params as JSON):

```sh
node index.js '{"name": "Ada"}'
```""",
    "codebolt": """It waits for its invocation from sidetui or Codebolt: run it with either.
With the SDK installed (`npm install`), it uses the SDK.""",
}
