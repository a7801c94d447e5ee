import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newId } from "@gumstack/db";
import type { ScriptedServer } from "@gumstack/oauth/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../testing/host-harness.js";
import {
  type BridgeProcess,
  binOf,
  connect,
  platformServer,
  startBridge,
  startPlatform,
} from "./testing/bridge-process.js";

describe("a bridge in front of server-memory", () => {
  const server = platformServer();
  const folder = mkdtempSync(join(tmpdir(), "bridge-memory-"));
  let platform: ScriptedServer;
  let bridge: BridgeProcess;

  beforeAll(async () => {
    platform = await startPlatform();
    bridge = await startBridge({
      spec: {
        name: "memory",
        command: process.execPath,
        args: [binOf("@modelcontextprotocol/server-memory")],
        cwd: folder,
        tools: { allow: [], deny: [], prefix: true },
      },
      server,
      platformUrl: platform.url,
      env: { MEMORY_FILE_PATH: join(folder, "memory.jsonl") },
    });
  });
  afterAll(async () => {
    await bridge?.stop();
    await platform?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("keeps what one client created for the next to read", async () => {
    const writer = await connect(bridge, server.context(newId("user")));
    const created = await writer.callTool({
      name: "memory_create_entities",
      arguments: {
        entities: [
          { name: "Ada", entityType: "person", observations: ["wrote the first program"] },
        ],
      },
    });
    expect(created.isError).not.toBe(true);
    await writer.close();
    const reader = await connect(bridge, server.context(newId("user")));
    const graph = await reader.callTool({ name: "memory_read_graph", arguments: {} });
    expect(textOf(graph)).toContain("wrote the first program");
    await reader.close();
  });
});
