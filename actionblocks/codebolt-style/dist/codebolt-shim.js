// The part of codeboltjs this block uses, over Node's IPC channel: onActionBlockInvocation hands
// the handler the thread context with the params merged in, and the invocation's metadata; the
// handler's value is the result, a throw is the error. chat.sendMessage and
// chat.sendNotificationEvent are fire-and-forget; actionBlock.start waits for the started block's
// reply, matched by requestId, as the SDK does.
const crypto = require("crypto");

const pending = new Map();

process.on("message", (message) => {
  const waiting = message && message.requestId && pending.get(message.requestId);
  if (waiting) {
    pending.delete(message.requestId);
    waiting(message);
  }
});

function send(message) {
  process.send({ ...message, requestId: crypto.randomUUID() });
}

function request(message) {
  return new Promise((resolve) => {
    const requestId = crypto.randomUUID();
    pending.set(requestId, resolve);
    process.send({ ...message, requestId });
  });
}

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
        const message = (error && error.message) || "Unknown error occurred";
        const code = error && typeof error.code === "string" ? error.code : null;
        reply.error = code ? { message, code } : message; // the SDK sends the message alone
      }
      process.send(reply);
    });
  },
  chat: {
    sendMessage: (message, payload) => send({ type: "sendMessage", message, payload }),
    sendNotificationEvent: (message, eventType) =>
      send({ type: "notificationEvent", message, eventType }),
  },
  actionBlock: {
    start: (actionBlockName, params) =>
      request({ type: "actionBlock", action: "startActionBlock", actionBlockName, params }),
  },
};
