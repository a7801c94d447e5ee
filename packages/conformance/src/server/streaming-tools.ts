import { setTimeout as sleep } from "node:timers/promises";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/** What the scenarios ask for between two notifications: enough for them to arrive apart. */
const STEP_MS = 50;

/**
 * Tools that talk while they run: log messages (at the session's log level) and progress, and
 * one that closes its SSE stream mid-call so the client must come back for the rest (polling).
 */
export function registerStreamingTools(mcp: McpServer): void {
  mcp.registerTool(
    "test_tool_with_logging",
    { description: "Sends three log messages while it runs" },
    async (extra) => {
      const steps = ["Tool execution started", "Tool processing data", "Tool execution completed"];
      for (const [i, data] of steps.entries()) {
        if (i > 0) await sleep(STEP_MS, undefined, { signal: extra.signal });
        // The McpServer's own call: it drops what is below the level this session asked for.
        await mcp.sendLoggingMessage(
          { level: "info", logger: "conformance", data },
          extra.sessionId,
        );
      }
      return { content: [{ type: "text", text: "Logged three messages" }] };
    },
  );

  mcp.registerTool(
    "test_tool_with_progress",
    { description: "Reports its progress from 0 to 100" },
    async (extra) => {
      const progressToken = extra._meta?.progressToken;
      for (const [i, progress] of [0, 50, 100].entries()) {
        if (i > 0) await sleep(STEP_MS, undefined, { signal: extra.signal });
        // A client that sent no token asked for no progress.
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: "notifications/progress",
            params: { progressToken, progress, total: 100, message: `${progress}%` },
          });
        }
      }
      return { content: [{ type: "text", text: "Done: 100/100" }] };
    },
  );

  mcp.registerTool(
    "test_reconnection",
    { description: "Closes its stream mid-call; the answer comes when the client reconnects" },
    async (extra) => {
      // Only a transport that can replay (it keeps an event store) offers to close the stream.
      extra.closeSSEStream?.();
      await sleep(STEP_MS * 2, undefined, { signal: extra.signal });
      return { content: [{ type: "text", text: "Answered after the reconnection" }] };
    },
  );
}
