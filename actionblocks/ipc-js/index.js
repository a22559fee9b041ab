// A plain node script: sidetui opens an IPC channel, so process.on('message') and process.send()
// work without any package. The first message is the invocation; the reply is the result.
process.on("message", (message) => {
  if (message.type !== "actionBlockInvocation") return;
  const { text, times } = message.params;
  console.log(`invoked in thread ${message.threadId} by ${message.parentAgentId}`);
  const shouted = text.toUpperCase() + "!".repeat(times);
  process.send({ type: "actionBlockComplete", result: { shouted } });
});
