// Written against the codeboltjs SDK's onActionBlockInvocation contract. With the SDK installed
// (npm install), it connects to sidetui's WebSocket endpoint as it would to Codebolt; without it,
// the shim next to this file offers the same contract over sidetui's IPC channel.
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
  console.log(`note about ${topic} for thread ${metadata.threadId}`);
  return {
    note: `A note about ${topic}, written by ${metadata.sideExecutionId}.`,
    projectPath: threadContext.projectPath,
  };
});
