import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScratchDatabase, testDriver } from "@gumstack/db/testing";
import { createLogger } from "@gumstack/log";
import { loadConfig } from "@gumstack/runtime";
import { generateKeySpec } from "@gumstack/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningPlatform, startPlatform } from "../../boot.js";

const noLog = createLogger({ level: "error", format: "json", write: () => {} });

describe(`clients through the platform's real start-up [${testDriver}]`, () => {
  let env: Record<string, string>;
  let home: string;
  let drop: () => Promise<void>;
  const running: RunningPlatform[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const platform = await startPlatform(loadConfig({ ...env, ...extra }, home), noLog);
    running.push(platform);
    return platform;
  };
  const stop = async (platform: RunningPlatform) => {
    running.splice(running.indexOf(platform), 1);
    await platform.close();
  };

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), "gumstack-clients-"));
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    env = {
      GUMSTACK_PORT: "0",
      GUMSTACK_DATA_DIR: join(home, "data"),
      ...(scratch.url
        ? { DATABASE_URL: scratch.url, GUMSTACK_VAULT_KEYS: generateKeySpec("k1") }
        : {}),
    };
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((platform) => platform.close()));
    await drop();
  });

  it("still knows a client that registered before a restart, and its secret", async () => {
    const first = await start();
    const response = await fetch(`${first.url}/oauth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://claude.ai" },
      body: JSON.stringify({
        client_name: "Claude",
        redirect_uris: ["https://claude.ai/api/mcp/auth_callback"],
        token_endpoint_auth_method: "client_secret_post",
      }),
    });
    expect(response.status).toBe(201);
    const { client_id, client_secret } = (await response.json()) as {
      client_id: string;
      client_secret: string;
    };
    await stop(first);

    const second = await start();
    const client = await second.services.clients.find(client_id);
    expect(client).toEqual({
      clientId: client_id,
      kind: "registered",
      name: "Claude",
      redirectUris: ["https://claude.ai/api/mcp/auth_callback"],
      tokenEndpointAuthMethod: "client_secret_post",
    });
    if ("problem" in client) throw new Error(client.message);
    expect(await second.services.clients.authenticate(client, client_secret)).toBe(true);
    expect(await second.services.clients.authenticate(client, "mcs_wrong")).toBe(false);
  });

  it("fetches metadata documents from loopback only with GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS=1", async () => {
    let url = "";
    const site = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          client_id: url,
          client_name: "Local",
          redirect_uris: ["http://127.0.0.1:9/cb"],
        }),
      );
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/client.json`;
    try {
      const strict = await start();
      expect(await strict.services.clients.find(url)).toMatchObject({ problem: "unknown_client" });
      await stop(strict);
      const development = await start({ GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS: "1" });
      expect(await development.services.clients.find(url)).toMatchObject({
        clientId: url,
        kind: "metadata-document",
        name: "Local",
      });
    } finally {
      site.closeAllConnections();
      await new Promise<void>((resolve) => site.close(() => resolve()));
    }
  });
});
