import { newId } from "@gumstack/db";
import type { ScriptedServer } from "@gumstack/oauth/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ElicitRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../testing/host-harness.js";
import { SHARED_REFUSAL } from "./relay.js";
import {
  type BridgeProcess,
  connect,
  platformServer,
  startBridge,
  startPlatform,
} from "./testing/bridge-process.js";
import { type RemoteServer, startEverythingHttp } from "./testing/remote-servers.js";

const ada = newId("user");

// server-everything over HTTP as the remote, a per-user bridge in front: the same client
// traffic as over stdio, through the SDK's client transports.
describe.each([
  ["streamableHttp", "streamable-http"],
  ["sse", "sse"],
] as const)("a remote server-everything over %s behind a per-user bridge", (mode, transport) => {
  const server = platformServer();
  let platform: ScriptedServer;
  let remote: RemoteServer;
  let bridge: BridgeProcess;
  const clients: Client[] = [];
  const open = async (options: Parameters<typeof connect>[2] = {}) => {
    const client = await connect(bridge, server.context(ada), options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    platform = await startPlatform();
    remote = await startEverythingHttp(mode);
    bridge = await startBridge({
      spec: {
        kind: "remote",
        url: remote.url,
        transport,
        headers: {},
        timeoutSeconds: 30,
        allowPrivate: true,
        user: ada,
        tools: { allow: [], deny: ["get-env"], prefix: false },
      },
      server,
      platformUrl: platform.url,
    });
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    const exit = await bridge?.stop();
    expect(exit?.code).toBe(0);
    await remote?.stop();
    await platform?.close();
  });

  it("answers initialize from the remote's own, lists its tools (policy applied) and calls them", async () => {
    const client = await open();
    expect(client.getServerVersion()?.name).toBe("mcp-servers/everything");
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain("echo");
    expect(names).not.toContain("get-env");
    const echoed = await client.callTool({ name: "echo", arguments: { message: "hello" } });
    expect(textOf(echoed)).toBe("Echo: hello");
    expect(bridge.output()).toContain(`remote=${new URL(remote.url).origin}`);
  });

  it("passes on the progress of a long-running call, under the client's own token", async () => {
    const client = await open();
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 1, steps: 3 } },
      undefined,
      { onprogress: ({ progress: step }) => progress.push(step) },
    );
    expect(textOf(result)).toContain("Long running operation completed");
    expect(progress).toEqual([1, 2, 3]);
  });

  it("has the client that made the call answer the remote's elicitation, not another", async () => {
    const asked: string[] = [];
    const caller = await open({ capabilities: { elicitation: { form: {} } } });
    const bystander = await open({ capabilities: { elicitation: { form: {} } } });
    caller.setRequestHandler(ElicitRequestSchema, async () => {
      asked.push("caller");
      return { action: "accept", content: { name: "Ada Lovelace" } };
    });
    bystander.setRequestHandler(ElicitRequestSchema, async () => {
      asked.push("bystander");
      return { action: "decline" };
    });
    const elicited = await caller.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(textOf(elicited)).toContain("Name: Ada Lovelace");
    expect(asked).toEqual(["caller"]);
  });
});

describe("a remote server that goes away while the bridge serves", () => {
  const server = platformServer();
  let platform: ScriptedServer;
  let remote: RemoteServer & { port: number };
  let bridge: BridgeProcess;
  let client: Client;

  beforeAll(async () => {
    platform = await startPlatform();
    remote = await startEverythingHttp("streamableHttp");
    bridge = await startBridge({
      spec: {
        kind: "remote",
        url: remote.url,
        transport: "streamable-http",
        headers: {},
        timeoutSeconds: 30,
        allowPrivate: true,
        user: ada,
      },
      server,
      platformUrl: platform.url,
    });
    client = await connect(bridge, server.context(ada));
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await bridge?.stop();
    await remote?.stop();
    await platform?.close();
  });

  it("answers what was in flight with an error, and the next call reconnects", async () => {
    let stepped: () => void = () => undefined;
    const firstStep = new Promise<void>((resolve) => {
      stepped = resolve;
    });
    const call = client
      .callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 20, steps: 20 } },
        undefined,
        { onprogress: () => stepped() },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    await firstStep;
    await remote.stop();
    const error = await call;
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toContain("the remote server's event stream broke");
    remote = await startEverythingHttp("streamableHttp", remote.port);
    const echoed = await client.callTool({ name: "echo", arguments: { message: "back" } });
    expect(textOf(echoed)).toBe("Echo: back");
    expect(bridge.output()).toContain("the connection to the remote server failed");
  });
});

describe("a remote server behind a shared bridge", () => {
  const server = platformServer();
  let platform: ScriptedServer;
  let remote: RemoteServer;
  let bridge: BridgeProcess;
  let client: Client;

  beforeAll(async () => {
    platform = await startPlatform();
    remote = await startEverythingHttp("streamableHttp");
    bridge = await startBridge({
      spec: {
        kind: "remote",
        url: remote.url,
        transport: "streamable-http",
        headers: {},
        timeoutSeconds: 30,
        allowPrivate: true,
      },
      server,
      platformUrl: platform.url,
    });
    client = await connect(bridge, server.context(ada), {
      capabilities: { elicitation: { form: {} } },
    });
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await bridge?.stop();
    await remote?.stop();
    await platform?.close();
  });

  it("refuses the remote's requests to a client, as a shared process does", async () => {
    let asked = false;
    client.setRequestHandler(ElicitRequestSchema, async () => {
      asked = true;
      return { action: "decline" };
    });
    const result = await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(SHARED_REFUSAL);
    expect(asked).toBe(false);
  });
});
