// A stand-in for `@codebolt/codeboltjs` in sidetui's tests: what the SDK does on the wire and
// when, including what breaks things. Written from the SDK's public behaviour, not its code:
//
// - It connects at require time to ws://$CODEBOLT_SERVER_URL:$SOCKET_PORT/codebolt (default
//   host localhost, port 12345) with a fresh `id`, its agent ids unencoded, and every other
//   environment variable appended as a query parameter; no headers, nothing sent on open, no
//   reconnect, and a closed socket does not end the process.
// - On `open` its message manager starts parsing frames, but a handler such as
//   onActionBlockInvocation attaches only in a `.then()` of the ready promise: a frame parsed
//   before that microtask runs reaches no listener and is dropped without a word.
// - Every frame it sends carries a fresh `requestId`. A reply settles the pending request with
//   that requestId, else the first pending request that expects the reply's `type`; a reply with
//   `success: false` resolves (it never rejects), a closed socket rejects every pending request.
//   sendMessage and notifications are fire-and-forget.
//
// SIDETUI_DOUBLE_BUSY_MS=N busy-waits N ms right after the socket is created, as a block does
// that runs synchronous work after `require` (the whole handshake then lands in one read).
"use strict";

const { EventEmitter } = require("events");
const crypto = require("crypto");
const WebSocket = require("ws");

const UNLISTED = new Set([
  "SOCKET_PORT", "CODEBOLT_SERVER_URL", "agentId", "parentId", "parentAgentInstanceId",
  "agentTask", "threadToken", "Is_Dev", "PATH", "NODE_ENV", "HOME", "USER", "SHELL",
]);

function connectionUrl(env) {
  const host = env.CODEBOLT_SERVER_URL || "localhost";
  const port = env.SOCKET_PORT || "12345";
  const id = `ws_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 11)}`;
  let url = `ws://${host}:${port}/codebolt?id=${id}`;
  for (const name of ["agentId", "parentId", "parentAgentInstanceId", "agentTask"]) {
    if (env[name]) url += `&${name}=${env[name]}`;
  }
  if (env.threadToken) url += `&threadToken=${encodeURIComponent(env.threadToken)}`;
  for (const [key, value] of Object.entries(env)) {
    if (!value || UNLISTED.has(key) || key.startsWith("npm_") || key.startsWith("_")) continue;
    url += `&${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
  }
  if (env.Is_Dev) url += "&dev=true";
  return url;
}

class MessageManager extends EventEmitter {
  constructor() {
    super();
    this.pending = new Map();
    this.socket = null;
  }

  initialize(socket) {
    this.socket = socket;
    socket.on("message", (data) => this.handle(data));
  }

  handle(data) {
    let message;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return; // the SDK logs and drops what it cannot parse
    }
    const byId = message.requestId && this.pending.get(message.requestId);
    const waiting =
      byId || [...this.pending.values()].find((p) => p.types.includes(message.type));
    if (waiting) {
      this.pending.delete(waiting.requestId);
      waiting.resolve(message);
      return;
    }
    this.emit("message", message); // no listener yet: the frame is lost
  }

  send(message) {
    this.socket.send(JSON.stringify({ ...message, requestId: crypto.randomUUID() }));
  }

  request(message, expected) {
    return new Promise((resolve, reject) => {
      const requestId = crypto.randomUUID();
      this.pending.set(requestId, { requestId, resolve, reject, types: expected.split("|") });
      this.socket.send(JSON.stringify({ ...message, requestId }));
    });
  }

  cleanup() {
    for (const pending of this.pending.values()) {
      pending.reject(new Error("WebSocket connection closed"));
    }
    this.pending.clear();
  }
}

const manager = new MessageManager();
const connectionEvents = new EventEmitter();

function connect() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(connectionUrl(process.env));
    const busy = Number(process.env.SIDETUI_DOUBLE_BUSY_MS || 0);
    const until = Date.now() + busy;
    while (Date.now() < until) {
      // synchronous work right after the socket was created
    }
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error("connection timed out"));
    }, 10000);
    socket.on("error", (error) => {
      clearTimeout(timer);
      connectionEvents.emit("failed", error);
      reject(error);
    });
    socket.on("open", () => {
      clearTimeout(timer);
      manager.initialize(socket);
      resolve(socket);
    });
    socket.on("close", (code, reason) => {
      manager.cleanup();
      connectionEvents.emit("closed", code, reason.toString());
    });
  });
}

const ready = connect();
ready.catch(() => {}); // as the SDK: a failed connection is only logged

function waitForReady() {
  return ready;
}

function onActionBlockInvocation(handler) {
  waitForReady()
    .then(() => {
      manager.on("message", async (message) => {
        if (message.type !== "actionBlockInvocation") return;
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
          reply.error = error instanceof Error ? error.message : "Unknown error occurred";
        }
        manager.send(reply);
      });
    })
    .catch(() => {});
}

module.exports = {
  waitForReady,
  onActionBlockInvocation,
  connection: connectionEvents,
  chat: {
    sendMessage: (message, payload) => manager.send({ type: "sendMessage", message, payload }),
    sendNotificationEvent: (message, eventType) =>
      manager.send({ type: "notificationEvent", message, eventType }),
    getChatHistory: (threadId) =>
      manager.request({ type: "getChatHistory", threadId }, "getChatHistoryResponse"),
  },
  project: {
    getProjectPath: () =>
      manager.request({ type: "projectEvent", action: "getProjectPath" }, "getProjectPathResponse"),
  },
  fs: {
    readFile: (filePath) =>
      manager.request({ type: "fsEvent", action: "readFile", filePath }, "readFileResponse"),
  },
  actionBlock: {
    start: (actionBlockName, params) =>
      manager.request(
        { type: "actionBlock", action: "startActionBlock", actionBlockName, params },
        "startActionBlockResponse",
      ),
  },
  sideExecution: {
    startWithActionBlock: (actionBlockPath, params, timeout) =>
      manager.request(
        { type: "sideExecution", action: "startSideExecution", actionBlockPath, params, timeout },
        "startSideExecutionResponse",
      ),
    getStatus: (sideExecutionId) =>
      manager.request(
        { type: "sideExecution", action: "getSideExecutionStatus", sideExecutionId },
        "getSideExecutionStatusResponse",
      ),
    stop: (sideExecutionId) =>
      manager.request(
        { type: "sideExecution", action: "stopSideExecution", sideExecutionId },
        "stopSideExecutionResponse",
      ),
  },
};
