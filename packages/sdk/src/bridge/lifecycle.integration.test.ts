import { newId } from "@gumstack/db";
import { spawnTypeScript } from "@gumstack/db/testing";
import type { ScriptedServer } from "@gumstack/oauth/testing";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRIDGE_ENTRY } from "./entry.js";
import {
  binOf,
  connect,
  everything,
  groupMembers,
  healthy,
  platformServer,
  startBridge,
  startPlatform,
} from "./testing/bridge-process.js";

/** Waits, 10 s at most, for `done`. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(done()).toBe(true);
}

describe("a bridge process's life", () => {
  const server = platformServer();
  let platform: ScriptedServer;

  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it("exits 1 on an invalid GUMSTACK_PROXY, naming the field and no value", async () => {
    const child = spawnTypeScript(BRIDGE_ENTRY, {
      env: {
        GUMSTACK_PORT: "0",
        GUMSTACK_SERVER_ID: server.serverId,
        GUMSTACK_RUNTIME_SECRET: server.secret,
        GUMSTACK_PLATFORM_URL: platform.url,
        GUMSTACK_PROXY: JSON.stringify({
          name: "x",
          command: "sekrit-command",
          args: [],
          tools: { allow: [], deny: [] },
        }),
      },
    });
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain("GUMSTACK_PROXY is invalid");
    expect(output).toContain("tools.prefix");
    expect(output).not.toContain("sekrit");
  });

  it("answers /healthz 503 until the child is initialized, then 200; SIGTERM leaves no process of its tree", async () => {
    // A shell that starts the server after a while, as its own child: a tree, as npx makes.
    const { command, args } = everything();
    const bridge = await startBridge({
      spec: { command: "/bin/sh", args: ["-c", `sleep 1; "${command}" "${args[0]}" stdio`] },
      server,
      platformUrl: platform.url,
      ready: false,
    });
    const early = await fetch(`${bridge.url}/healthz`);
    expect(early.status).toBe(503);
    expect(await early.json()).toEqual({
      status: "starting",
      server: "everything",
      mode: "proxied",
    });
    await healthy(bridge.url, bridge.output);
    expect(await (await fetch(`${bridge.url}/healthz`)).json()).toEqual({
      status: "ok",
      server: "everything",
      mode: "proxied",
    });
    const tree = groupMembers(bridge.childPid);
    // The shell and the server it started.
    expect(tree.length).toBeGreaterThanOrEqual(2);
    const exit = await bridge.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(groupMembers(bridge.childPid)).toEqual([]);
  });

  it("exits 1 when the child dies, after answering the requests in flight with an error", async () => {
    const bridge = await startBridge({ spec: everything(), server, platformUrl: platform.url });
    const client = await connect(bridge, server.context(newId("user")));
    const call = client
      .callTool({ name: "trigger-long-running-operation", arguments: { duration: 20, steps: 2 } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    // The call reached the child before it is killed.
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(bridge.childPid, "SIGKILL");
    const error = await call;
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toContain("the server's process was ended by SIGKILL");
    expect(await bridge.exited).toEqual({ code: 1, signal: null });
    expect(bridge.output()).toContain("the server's process was ended by SIGKILL");
    await client.close().catch(() => undefined);
  });

  it("exits 1 when the command cannot be started", async () => {
    const bridge = await startBridge({
      spec: { command: "/nonexistent/server", args: [] },
      server,
      platformUrl: platform.url,
      ready: false,
    }).catch((error: Error) => error);
    // It may exit before or after saying where it listens.
    if (bridge instanceof Error) expect(bridge.message).toContain("could not start");
    else {
      expect((await bridge.exited).code).toBe(1);
      expect(bridge.output()).toContain("could not start");
    }
  });

  it("stops a child that ignores SIGTERM with SIGKILL, and still exits 0", async () => {
    // Ignores SIGTERM, and stays when its stdin closes.
    const script = `process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); import(${JSON.stringify(binOf("@modelcontextprotocol/server-everything"))});`;
    const bridge = await startBridge({
      spec: { command: process.execPath, args: ["--input-type=module", "-e", script, "stdio"] },
      server,
      platformUrl: platform.url,
    });
    const exit = await bridge.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(bridge.output()).toContain("was killed (SIGKILL)");
    await until(() => groupMembers(bridge.childPid).length === 0);
  });
});
