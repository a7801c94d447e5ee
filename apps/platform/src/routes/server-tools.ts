import { randomUUID } from "node:crypto";
import { CONTEXT_HEADER, mintContext, runtimeSecretFor } from "@gumstack/runtime";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { namedServer } from "../servers/owned-server.js";
import type { AnswerOf } from "./answer.js";

const TIMEOUT_MS = 10_000;

interface Tool {
  name: string;
  title?: string;
  description?: string;
}

async function listTools(c: Context<AppEnv>) {
  const server = await namedServer(c);
  const { runner, proxied, vault, now, session } = c.var;
  // A per-user proxied server lists the tools of the signed-in user's own process.
  const acquired = proxied.has(server.id)
    ? await proxied.acquire(server.id, session.user.id)
    : { lease: runner.acquire(server.id) };
  if ("authRequired" in acquired) throw new ApiError("unavailable", acquired.authRequired.message);
  if ("unavailable" in acquired) throw new ApiError("unavailable", acquired.unavailable);
  const { lease } = acquired;
  if (!lease) throw new ApiError("unavailable", `${server.name} is not running right now`);
  let answer: { result?: { tools?: Tool[] }; error?: { message?: string } };
  try {
    const requestId = randomUUID();
    const context = mintContext(
      runtimeSecretFor(vault, server.id),
      { userId: session.user.id, serverId: server.id, requestId },
      now(),
    );
    const response = await fetch(`${lease.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        // One JSON answer, read below: the host streams SSE only to a client that accepts it.
        accept: "application/json",
        "mcp-protocol-version": "2025-06-18",
        [CONTEXT_HEADER]: context,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    answer = (await response.json()) as typeof answer;
  } catch (error) {
    throw new ApiError("unavailable", `${server.name} did not list its tools; try again`, {
      cause: error,
    });
  } finally {
    lease.release();
  }
  if (!answer.result?.tools) {
    throw new ApiError(
      "unavailable",
      `${server.name} did not list its tools (${answer.error?.message ?? "no tools in its answer"})`,
    );
  }
  return c.json({
    tools: answer.result.tools.map((t) => ({
      name: t.name,
      title: t.title ?? null,
      description: t.description ?? null,
    })),
  });
}
export type ToolListAnswer = AnswerOf<typeof listTools>;

/**
 * GET /api/servers/:server/tools: what the running server offers, asked of it with MCP's own
 * tools/list as the signed-in user (the platform mints the same context the gateway does).
 */
export function registerServerTools(app: Hono<AppEnv>) {
  app.get("/api/servers/:server/tools", requireSession(), listTools);
}
