// The part of codeboltjs this block uses, over Node's IPC channel: onActionBlockInvocation hands
// the handler the thread context with the params merged in, and the invocation's metadata; the
// handler's value is the result, a throw is the error.
module.exports = {
  onActionBlockInvocation(handler) {
    process.on("message", async (message) => {
      if (!message || message.type !== "actionBlockInvocation") return;
      const context = { ...(message.threadContext || {}), params: message.params || {} };
      const metadata = {
        sideExecutionId: message.sideExecutionId,
        threadId: message.threadId,
        parentAgentId: message.parentAgentId,
        parentAgentInstanceId: message.parentAgentInstanceId,
        timestamp: message.timestamp,
      };
      const reply = { type: "actionBlockComplete", sideExecutionId: message.sideExecutionId };
      try {
        const result = await handler(context, metadata);
        if (result !== undefined && result !== null) reply.result = result;
      } catch (error) {
        reply.error = (error && error.message) || "Unknown error occurred";
      }
      process.send(reply);
    });
  },
};
