import { type ScriptedServer, sendJson, startScriptedServer } from "@gumstack/oauth/testing";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { CallContext, CredentialSource } from "../../context.js";
import { AuthRequiredError } from "../../errors.js";
import { getCredentials } from "../../get-credentials.js";
import { capturingLogger } from "../../testing/host-harness.js";
import { PlatformClient } from "../platform-client.js";
import { Router } from "../streamable/router.js";
import { serveOnce } from "../streamable/serve-once.js";
import { ActivityObserver } from "./observer.js";
import { type ActivityEntry, ActivityReporter, type ActivityReporterOptions } from "./reporter.js";

const serverId = "srv_aaaaaaaaaaaaaaaaaaaaaaaaaa";
const entry = (n: number): ActivityEntry => ({
  userId: "usr_1",
  tool: `tool${n}`,
  outcome: "ok",
  latencyMs: n,
  calledAt: new Date(Date.UTC(2030, 0, 1, 0, 0, n)).toISOString(),
});
const sentEntries = (platform: ScriptedServer) =>
  platform.requests.flatMap((r) => (JSON.parse(r.body) as { entries: ActivityEntry[] }).entries);

/** Waits, a bounded number of event-loop turns, for the platform to have `count` requests. */
async function requestsReach(platform: ScriptedServer, count: number): Promise<void> {
  for (let i = 0; i < 200 && platform.requests.length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(platform.requests).toHaveLength(count);
}

describe("the activity reporter", () => {
  let platform: ScriptedServer;
  let status: number;
  let reporter: ActivityReporter | undefined;
  let logged: ReturnType<typeof capturingLogger>;

  beforeEach(async () => {
    status = 200;
    platform = await startScriptedServer((_, res) => sendJson(res, status, { inserted: 0 }));
    logged = capturingLogger();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await reporter?.close();
    reporter = undefined;
    await platform.close();
  });

  const start = (options: Partial<ActivityReporterOptions> = {}) => {
    // No timer flush unless a test asks for one: an hour between ticks.
    reporter = new ActivityReporter({
      client: new PlatformClient({
        platformUrl: platform.url,
        serverId,
        runtimeSecret: "k1.runtime-secret",
      }),
      log: logged.log,
      flushEveryMs: 3_600_000,
      ...options,
    });
    return reporter;
  };

  it("sends at once when 100 are pending, with the server's runtime secret and id", async () => {
    const r = start();
    for (let n = 0; n < 99; n++) r.record(entry(n));
    expect(r.size).toBe(99);
    r.record(entry(99));
    await r.flush();
    await requestsReach(platform, 1);
    const [sent] = platform.requests;
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/internal/activity");
    expect(sent?.headers.authorization).toBe("Bearer k1.runtime-secret");
    expect(sent?.headers["x-gumstack-server"]).toBe(serverId);
    expect(sentEntries(platform)).toEqual(Array.from({ length: 100 }, (_, n) => entry(n)));
    expect(r.size).toBe(0);
  });

  it("sends what is pending on each tick of its timer", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const r = start({ flushEveryMs: 1_000 });
    r.record(entry(1));
    r.record(entry(2));
    vi.advanceTimersByTime(999);
    // A flush takes its batch at once, so `size` says whether one began.
    expect(r.size).toBe(2);
    vi.advanceTimersByTime(1);
    expect(r.size).toBe(0);
    await requestsReach(platform, 1);
    // The first flush may still wait for its answer; a tick meanwhile would share it.
    await r.flush();
    r.record(entry(3));
    vi.advanceTimersByTime(1_000);
    await requestsReach(platform, 2);
    expect(sentEntries(platform)).toEqual([entry(1), entry(2), entry(3)]);
  });

  it("keeps at most maxPending: drops the oldest, logs the count once, retries on the next flush", async () => {
    status = 503;
    const r = start({ maxPending: 5 });
    for (let n = 0; n < 8; n++) r.record(entry(n));
    expect(r.size).toBe(5);
    await r.flush();
    await r.flush();
    // Failed twice: the batch went back, nothing grew past the bound.
    expect(r.size).toBe(5);
    expect(platform.requests).toHaveLength(2);
    const drops = logged.lines.filter((l) => l.includes("dropped tool-call activity"));
    expect(drops).toHaveLength(1);
    expect(JSON.parse(drops[0] as string)).toMatchObject({ dropped: 3 });
    expect(logged.lines.filter((l) => l.includes("will retry"))).toHaveLength(1);
    status = 200;
    await r.flush();
    expect(r.size).toBe(0);
    expect(
      (JSON.parse(platform.requests[2]?.body ?? "{}") as { entries: ActivityEntry[] }).entries,
    ).toEqual([3, 4, 5, 6, 7].map(entry));
  });

  it("drops a batch the platform refuses instead of sending it for ever", async () => {
    status = 400;
    const r = start();
    r.record(entry(1));
    await r.flush();
    expect(r.size).toBe(0);
    expect(logged.lines.some((l) => l.includes("refused tool-call activity"))).toBe(true);
  });

  it("gives up on a platform that does not answer, and keeps the entries for later", async () => {
    await platform.close();
    platform = await startScriptedServer(() => {
      // Never answers.
    });
    const r = start({ timeoutMs: 50 });
    r.record(entry(1));
    await r.flush();
    expect(r.size).toBe(1);
  });

  it("sends what is left on close, once, and takes nothing after", async () => {
    const r = start();
    r.record(entry(1));
    r.record(entry(2));
    await r.close();
    expect(sentEntries(platform)).toEqual([entry(1), entry(2)]);
    r.record(entry(3));
    await r.close();
    expect(r.size).toBe(0);
    expect(platform.requests).toHaveLength(1);
  });
});

describe("the activity observer", () => {
  const link = "http://127.0.0.1:1/auth/form/crm?ticket=t1";
  let platform: ScriptedServer;
  let activity: ActivityObserver;
  let router: Router;
  let mcp: McpServer;

  beforeEach(async () => {
    platform = await startScriptedServer((_, res) => sendJson(res, 200, {}));
    let clock = 0;
    activity = new ActivityObserver(
      new ActivityReporter({
        client: new PlatformClient({
          platformUrl: platform.url,
          serverId,
          runtimeSecret: "k1.runtime-secret",
        }),
        log: capturingLogger().log,
        flushEveryMs: 3_600_000,
      }),
      () => Date.UTC(2030, 0, 1),
      // Each reading is 2.5 ms after the last: a call's latency is one step.
      () => (clock += 2.5),
    );
    mcp = new McpServer({ name: "activity", version: "1.0.0" });
    mcp.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }) => ({
      content: [{ type: "text", text: `you said ${text}` }],
    }));
    mcp.registerTool("fails", {}, () => {
      throw new Error("the upstream API said no");
    });
    mcp.registerTool("soft-fails", {}, () => ({
      content: [{ type: "text", text: "not found" }],
      isError: true,
    }));
    mcp.registerTool("needs-form", {}, async () => {
      await getCredentials("cred");
      return { content: [{ type: "text", text: "never" }] };
    });
    router = new Router(activity);
    await mcp.connect(router);
  });
  afterEach(async () => {
    await mcp.close();
    await platform.close();
  });

  const source: CredentialSource = {
    authType: "cred",
    oauth: () => Promise.reject(new Error("not oauth")),
    cred: async (call) => {
      // As HostedCredentialSource does with the platform's answer.
      activity.authRequired(call, link);
      throw new AuthRequiredError(link, "credentials_missing", "crm");
    },
    env: () => ({}),
  };
  const toolCall = (name: string, args: Record<string, unknown> = {}): JSONRPCMessage => ({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name, arguments: args },
  });
  const serve = (userId: string, messages: JSONRPCMessage[]) => {
    const call: CallContext = {
      userId,
      serverId,
      requestId: "r",
      source,
      handedOut: new Set(),
    };
    return serveOnce(router, call, messages);
  };

  it("records each tool call's user, tool, outcome and latency, and never its arguments or result", async () => {
    await serve("usr_ada", [toolCall("echo", { text: "sekrit-argument-value" })]);
    await serve("usr_bob", [toolCall("fails")]);
    await serve("usr_bob", [toolCall("soft-fails")]);
    await serve("usr_cy", [toolCall("needs-form")]);
    await serve("usr_cy", [toolCall("no-such-tool")]);
    await serve("usr_cy", [{ jsonrpc: "2.0", id: 2, method: "tools/list" }]);
    await mcp.close();
    await activity.close();
    expect(platform.requests).toHaveLength(1);
    const body = platform.requests[0]?.body ?? "";
    expect(JSON.parse(body)).toEqual({
      entries: [
        ["usr_ada", "echo", "ok"],
        ["usr_bob", "fails", "error"],
        ["usr_bob", "soft-fails", "error"],
        ["usr_cy", "needs-form", "auth_required"],
        ["usr_cy", "no-such-tool", "error"],
      ].map(([userId, tool, outcome]) => ({
        userId,
        tool,
        outcome,
        latencyMs: 2.5,
        calledAt: "2030-01-01T00:00:00.000Z",
      })),
    });
    for (const never of ["sekrit", "you said", "upstream API", "not found", "ticket", "auth/form"])
      expect(body).not.toContain(never);
  });

  it("matches replies to calls within one batch", async () => {
    const replies = await serve("usr_ada", [
      toolCall("echo", { text: "a" }),
      { ...toolCall("fails"), id: 2 },
      { ...toolCall("needs-form"), id: 3 },
    ]);
    expect(replies).toHaveLength(3);
    await mcp.close();
    await activity.close();
    // Recorded as each finishes, in any order.
    const entries = sentEntries(platform).sort((a, b) => a.tool.localeCompare(b.tool));
    expect(entries.map((e) => [e.tool, e.outcome])).toEqual([
      ["echo", "ok"],
      ["fails", "error"],
      ["needs-form", "auth_required"],
    ]);
  });
});
