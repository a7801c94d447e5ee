import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger } from "@gumstack/log";
import { createInvite, type RunningPlatform, startPlatform } from "@gumstack/platform";
import { loadConfig } from "@gumstack/runtime";
import { hostEnvironment } from "@gumstack/sdk/testing";
import { z } from "zod";
import { startAuthProxy } from "./auth-proxy.js";
import type { Target } from "./target.js";

/** This package's folder: its gumstack.yaml names the conformance server's entry. */
const SERVER_FOLDER = fileURLToPath(new URL("../..", import.meta.url));
const SERVER = "conformance";
/** A hosted server's first start (tsx compiling it) takes seconds on a loaded 2-core box. */
const START_LIMIT_MS = 60_000;

/**
 * The conformance server hosted by the platform, as `npm start --seed` registers a server: its
 * own process started by the runner, reached at the gateway's `/mcp/conformance` through the
 * key-adding proxy, whose origin the platform lists in GUMSTACK_MCP_ALLOWED_ORIGINS.
 */
export async function startPlatformTarget(): Promise<Target> {
  const proxy = await startAuthProxy();
  // The first admin's notice is written beside the data folder: never in the repository.
  const folder = mkdtempSync(join(tmpdir(), "gumstack-conformance-"));
  const { env, drop: dropDatabase } = await hostEnvironment({
    GUMSTACK_DATA_DIR: join(folder, "data"),
    GUMSTACK_MCP_ALLOWED_ORIGINS: proxy.url,
  });
  const drop = async () => {
    await dropDatabase();
    rmSync(folder, { recursive: true, force: true });
  };
  let platform: RunningPlatform | undefined;
  try {
    platform = await startPlatform(
      loadConfig(env),
      createLogger({ level: "warn", format: "json" }),
      {
        seeds: [{ path: SERVER_FOLDER }],
      },
    );
    const apiKey = await keyOfNewUser(platform);
    proxy.point(platform.url, apiKey);
  } catch (error) {
    await proxy.close();
    await platform?.close();
    await drop();
    throw error;
  }
  const running = platform;
  return {
    name: "the platform's gateway /mcp/<server>",
    url: `${proxy.url}/mcp/${SERVER}`,
    async close() {
      await proxy.close();
      await running.close();
      await drop();
    },
  };
}

/**
 * A user invited, signed up and given an API key over the platform's own API (as a person does
 * in the dashboard), once the hosted server is running.
 */
async function keyOfNewUser(platform: RunningPlatform): Promise<string> {
  const { url, services } = platform;
  const invite = await createInvite(services.database.db, {
    createdBy: null,
    email: null,
    days: 1,
    now: services.now(),
  });
  const signUp = await post(`${url}/api/auth/sign-up`, {
    invite: invite.token,
    email: "conformance@example.com",
    password: "correct horse battery staple",
    name: "conformance",
  });
  const cookie = (signUp.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const { csrfToken } = z.object({ csrfToken: z.string() }).parse(await signUp.json());
  const session = { cookie, "x-csrf-token": csrfToken };
  const until = Date.now() + START_LIMIT_MS;
  for (;;) {
    const summary = await fetch(`${url}/api/servers/${SERVER}`, { headers: session });
    const { status } = z.object({ status: z.string().optional() }).parse(await summary.json());
    if (status === "running") break;
    if (status === "failed" || Date.now() > until)
      throw new Error(`the hosted conformance server is ${status ?? "missing"}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const created = await post(`${url}/api/keys`, { name: "conformance" }, session);
  return z.object({ key: z.string() }).parse(await created.json()).key;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response;
}
