// The platform for `npm run bench:gateway`, in its own process: started as `npm start` starts it
// (startPlatform: the default API-key cache, embedded PGlite in <data dir> unless DATABASE_URL is
// set), then set up over its HTTP API as apps/platform/src/hosted.integration.test.ts does: a
// user made admin, a server registered (example-none unless given another folder; the runner
// deploys it as a child process) and an API key. It announces what the bench needs, including the server's runtime secret so that the
// bench can sign contexts for the direct route: a throwaway secret of a throwaway platform.
// Usage: platform-server.ts <data dir> [server folder, default apps/example-none] [extra users]
// Extra users (for a cred server) are made directly in the database, each with an API key and a
// value for every field (sign-ups from one address are throttled): bench:proxied's cold starts.
import { fileURLToPath } from "node:url";
import { users } from "@gumstack/db";
import { createLogger } from "@gumstack/log";
import { createInvite, type RunningPlatform, startPlatform } from "@gumstack/platform";
import {
  createUser,
  issueApiKey,
  loadConfig,
  runtimeSecretFor,
  saveFieldValues,
} from "@gumstack/runtime";
import { freePort } from "@gumstack/sdk/testing";
import { eq } from "drizzle-orm";
import { exitWithParent } from "../host/child.js";
import { announce } from "../shared/announce.js";
import { accessTokenFor } from "../shared/oauth-token.js";
import { PlatformApi, stringAt } from "../shared/platform-api.js";
import { BENCH_ADMIN, type GatewayReady } from "./ready.js";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: platform-server.ts <data dir> [server folder]");
const folder =
  process.argv[3] ?? fileURLToPath(new URL("../../apps/example-none", import.meta.url));
const extraUsers = Number(process.argv[4] ?? 0);

// The port is chosen before start-up: the platform's public URL (which it hands to the servers it
// runs) is built from GUMSTACK_PORT, and port 0 would make it http://127.0.0.1:0.
const env: Record<string, string> = {
  GUMSTACK_HOST: "127.0.0.1",
  GUMSTACK_PORT: String(await freePort()),
  GUMSTACK_DATA_DIR: dataDir,
  GUMSTACK_LOG_LEVEL: "warn",
};
for (const name of ["DATABASE_URL", "GUMSTACK_VAULT_KEYS", "GUMSTACK_PGLITE_SHARED_BUFFERS"]) {
  const value = process.env[name];
  if (value) env[name] = value;
}
const config = loadConfig(env);
const platform = await startPlatform(
  config,
  createLogger({ level: config.logLevel, format: config.logFormat }),
);
exitWithParent(() => platform.close());

/**
 * A user made admin, the server registered and running, an API key and an OAuth access token:
 * what the benches need.
 */
async function setUp({ url, services }: RunningPlatform): Promise<GatewayReady> {
  const api = new PlatformApi(url);
  // Accounts are by invitation: one made here, as an admin would with POST /api/invites.
  const { token } = await createInvite(services.database.db, {
    createdBy: null,
    email: null,
    days: 1,
    now: Date.now(),
  });
  const { userId } = await api.signIn("sign-up", {
    invite: token,
    ...BENCH_ADMIN,
    name: "bench",
  });
  // Registering runs code on this machine: admins only. The first admin's password went to the
  // terminal; making this user admin is what the hosted end-to-end test does too.
  await services.database.db
    .update(users)
    .set({ isAdmin: true })
    .where(eq(users.id, userId as never));
  const registered = await api.call("POST", "/api/servers", { path: folder });
  const serverId = stringAt(registered, "id");
  const name = stringAt(registered, "name");
  const apiKey = stringAt(await api.call("POST", "/api/keys", { name: "bench" }), "key");
  const accessToken = await accessTokenFor(url, services, { userId, serverId, serverName: name });
  // A per-user proxied server runs nothing until a user calls: there is no process to name.
  const perUser = stringAt(registered, "status") === "per_user";
  const running = services.runner.status(serverId);
  if (!perUser && (running?.status !== "running" || running.port === undefined))
    throw new Error(`${name} is not running: ${JSON.stringify(running)}`);
  const extraKeys: string[] = [];
  const fields = (await services.deployed.of(serverId as never))?.config?.fields ?? [];
  for (let i = 0; i < extraUsers; i++) {
    const extra = await createUser(services.database.db, `extra ${i}`);
    const values = Object.fromEntries(fields.map((f) => [f.name, `${f.name}-${i}`]));
    await saveFieldValues(services.database.db, services.vault, extra, serverId as never, values);
    extraKeys.push((await issueApiKey(services.database.db, extra, "bench")).key);
  }
  return {
    extraKeys,
    gatewayUrl: `${url}/mcp/${name}`,
    directUrl: perUser ? "" : `http://127.0.0.1:${running?.port}/mcp`,
    apiKey,
    accessToken,
    userId,
    serverId,
    runtimeSecret: runtimeSecretFor(services.vault, serverId),
    platformPid: process.pid,
    hostedPid: running?.pid ?? 0,
    driver: services.database.driver,
  };
}

try {
  announce(await setUp(platform));
} catch (error) {
  // Stops the hosted server too: it runs in a process group of its own and would outlive this one.
  await platform.close();
  throw error;
}
