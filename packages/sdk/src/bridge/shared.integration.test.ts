import { newId } from "@gumstack/db";
import type { ScriptedServer } from "@gumstack/oauth/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { LoggingMessageNotificationSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../testing/host-harness.js";
import { SHARED_REFUSAL } from "./relay.js";
import {
  type BridgeProcess,
  connect,
  everything,
  platformServer,
  startBridge,
  startPlatform,
} from "./testing/bridge-process.js";
import { MAX_TOOL_NAME_LENGTH } from "./tool-policy.js";

// 63 characters, the longest a server's name may be: every prefixed name is past 64.
const longName = `everything-${"x".repeat(52)}`;

describe("a shared bridge in front of server-everything, tools prefixed and filtered", () => {
  const server = platformServer();
  let platform: ScriptedServer;
  let bridge: BridgeProcess;
  let client: Client;

  beforeAll(async () => {
    platform = await startPlatform();
    bridge = await startBridge({
      spec: {
        ...everything(),
        name: longName,
        tools: {
          allow: ["echo", "get-*", "trigger-elicitation-request", "toggle-simulated-logging"],
          deny: ["get-tiny-image", "get-sum"],
          prefix: true,
        },
      },
      server,
      platformUrl: platform.url,
      env: { OPERATOR_VALUE: "set by the operator", GUMLOOP_OTHER: "reserved" },
    });
    client = await connect(bridge, server.context(newId("user")), {
      capabilities: { elicitation: { form: {} } },
    });
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await bridge?.stop();
    await platform?.close();
  });

  const exposed = (tool: string) => {
    const full = `${longName}_${tool}`;
    return full.length <= MAX_TOOL_NAME_LENGTH ? full : undefined;
  };

  it("lists only allowed tools, prefixed and shortened to 64 characters, descriptions untouched", async () => {
    const { tools } = await client.listTools();
    for (const tool of tools) {
      expect(tool.name.length).toBeLessThanOrEqual(MAX_TOOL_NAME_LENGTH);
      expect(tool.name.startsWith(`${longName.slice(0, 55)}`)).toBe(true);
    }
    const described = tools.map((tool) => tool.description).sort();
    // echo, get-annotated-message, get-env, get-resource-links, get-resource-reference,
    // get-structured-content, trigger-elicitation-request, toggle-simulated-logging: the rest is
    // not allowed, or denied.
    expect(tools).toHaveLength(8);
    expect(described).toContain("Echoes back the input string");
    expect(exposed("echo")).toBeUndefined();
  });

  it("maps a shortened name back on call", async () => {
    const { tools } = await client.listTools();
    const echo = tools.find((tool) => tool.description === "Echoes back the input string");
    expect(echo).toBeDefined();
    const result = await client.callTool({
      name: echo?.name as string,
      arguments: { message: "through a short name" },
    });
    expect(textOf(result)).toBe("Echo: through a short name");
  });

  it("answers a call by the child's own name, or to a denied tool, with -32602", async () => {
    for (const name of ["echo", `${longName}_get-sum`.slice(0, 64), "get-sum"]) {
      const error = await client.callTool({ name, arguments: {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(McpError);
      expect((error as McpError).code).toBe(-32602);
    }
  });

  it("answers the child's elicitation itself, with an error: no user can be told", async () => {
    const { tools } = await client.listTools();
    const elicit = tools.find((tool) => tool.description?.includes("User Elicitation"));
    const result = await client.callTool({ name: elicit?.name as string, arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(SHARED_REFUSAL);
  });

  it("passes none of the child's log messages to a client, and logs only their level", async () => {
    const logged: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logged.push(n.params);
    });
    const { tools } = await client.listTools();
    const toggle = tools.find((tool) => tool.description?.includes("logging"));
    expect(
      textOf(await client.callTool({ name: toggle?.name as string, arguments: {} })),
    ).toContain("Started");
    await client.callTool({ name: toggle?.name as string, arguments: {} });
    expect(logged).toEqual([]);
    const line = bridge
      .output()
      .split("\n")
      .find((l) => l.includes("no user can be told"));
    expect(line).toContain("method=notifications/message");
    expect(line).not.toContain("-level message");
  });

  it("gives the child every variable but the platform's", async () => {
    const { tools } = await client.listTools();
    const getEnv = tools.find((tool) => tool.description?.startsWith("Returns all environment"));
    const result = await client.callTool({ name: getEnv?.name as string, arguments: {} });
    const env = JSON.parse(textOf(result)) as Record<string, string>;
    expect(env.OPERATOR_VALUE).toBe("set by the operator");
    expect(Object.keys(env).filter((name) => /^(gumstack|gumloop)_/i.test(name))).toEqual([]);
  });

  it("reports each tool call to the platform's activity, a refused one as an error", async () => {
    await bridge.stop();
    const entries = platform.requests
      .filter((request) => request.path === "/internal/activity")
      .flatMap(
        (request) =>
          (JSON.parse(request.body) as { entries: Array<{ tool: string; outcome: string }> })
            .entries,
      );
    expect(entries).toContainEqual(expect.objectContaining({ tool: "get-sum", outcome: "error" }));
    expect(entries.filter((entry) => entry.outcome === "ok").length).toBeGreaterThanOrEqual(2);
  });
});
