// Written against the codeboltjs SDK's onActionBlockInvocation contract, the way Codebolt's block
// template writes it: progress goes to the chat, the work is done by another block (a nested
// execution that stops with this one), the result goes back. With the SDK installed (npm
// install) it connects to sidetui's WebSocket endpoint as it would to Codebolt; without it, the
// shim next to this file offers the same calls over sidetui's IPC channel.
function loadCodebolt() {
  try {
    const sdk = require("@codebolt/codeboltjs");
    return sdk.default || sdk;
  } catch {
    return require("./codebolt-shim");
  }
}

const codebolt = loadCodebolt();

codebolt.onActionBlockInvocation(async (threadContext, metadata) => {
  const { topic } = threadContext.params;
  codebolt.chat.sendMessage(`Writing a note about ${topic}`);
  codebolt.chat.sendNotificationEvent(`asking python-helper to count the words`, "planner");
  const counted = await codebolt.actionBlock.start("python-helper", {
    text: `notes about ${topic} are notes about ${topic}`,
  });
  if (!counted.success) throw new Error(`python-helper failed: ${counted.error}`);
  console.log(`note about ${topic} for thread ${metadata.threadId}`);
  codebolt.chat.sendMessage("Done", { nested: counted.sideExecutionId });
  return {
    note: `A note about ${topic}, written by ${metadata.sideExecutionId}.`,
    words: counted.result,
    projectPath: threadContext.projectPath,
  };
});
