import { readFileSync } from "node:fs";
import { type Id, servers, users } from "@gumstack/db";
import { variableNameProblem } from "@gumstack/sdk";
import { asc, eq, isNotNull } from "drizzle-orm";
import type { Services } from "../env.js";
import { ApiError } from "../errors.js";
import { DeploymentFailedError } from "../runner/index.js";
import { deployServer } from "./deploy.js";
import { registerServer } from "./register.js";
import { setVariable } from "./variables.js";

/** Servers started at once at boot: each start is CPU-heavy for a moment (2 cores here). */
const STARTING_AT_ONCE = 2;

/**
 * Starts every registered server, as after a restart: hosted servers live as long as the
 * platform. One that fails to start is logged and shows "failed"; the rest still start.
 */
export async function deployRegistered(services: Services): Promise<void> {
  const rows = await services.database.db
    .select()
    .from(servers)
    .where(isNotNull(servers.sourcePath))
    .orderBy(asc(servers.name));
  const queue = [...rows];
  const worker = async () => {
    for (let server = queue.shift(); server; server = queue.shift()) {
      try {
        await deployServer(services, server);
        // A per-user proxied server runs nothing until a user calls it.
        services.log.info(
          services.proxied.perUser(server.id)
            ? `${server.name} is deployed: one process per user, started at their first call`
            : `${server.name} is running`,
        );
      } catch (error) {
        // A folder that changed on disk (a broken file, another auth type) is this server's
        // problem only: the others still start.
        if (!(error instanceof DeploymentFailedError || error instanceof ApiError)) throw error;
        services.log.warn(`${server.name} did not start`, { reason: error.message });
      }
    }
  };
  await Promise.all(Array.from({ length: STARTING_AT_ONCE }, worker));
}

/** A server to register at start: its folder, and variables set for it unless already set. */
export interface SeedServer {
  path: string;
  /** Set when missing: the operator's later changes win. */
  env?: Record<string, string>;
  /** Set at every start (a demo provider's per-run client secret, say). */
  envAlways?: Record<string, string>;
}

/**
 * Reads a seed file (or "-": standard input): a JSON array of SeedServer. Errors name the file
 * and the entry, and a reserved or malformed variable name is refused here as everywhere.
 */
export function readSeedFile(file: string): SeedServer[] {
  // "-" is standard input: `npm start` passes the examples' variables (a client secret among
  // them) through a pipe, so they are never written to disk in clear.
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  const where = file === "-" ? "the seed list on standard input" : file;
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error(`${where}: must be a JSON array of servers`);
  return parsed.map((entry: unknown, i) => {
    const e = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof e.path !== "string") throw new Error(`${where}: [${i}].path must be a folder`);
    const variables = (key: "env" | "envAlways") => {
      const value = e[key] ?? {};
      if (typeof value !== "object" || value === null)
        throw new Error(`${where}: [${i}].${key} must be an object`);
      for (const [name, v] of Object.entries(value)) {
        const problem = variableNameProblem(name);
        if (problem) throw new Error(`${where}: [${i}].${key}.${name}: ${problem}`);
        if (typeof v !== "string")
          throw new Error(`${where}: [${i}].${key}.${name} must be a string`);
      }
      return value as Record<string, string>;
    };
    return { path: e.path, env: variables("env"), envAlways: variables("envAlways") };
  });
}

/**
 * Registers the seed servers (the examples, for `npm start`) under the first admin, with their
 * variables, before everything registered is started. Registering again is harmless.
 */
export async function registerSeeds(services: Services, seeds: readonly SeedServer[]) {
  const [admin] = await services.database.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.isAdmin, true))
    .orderBy(asc(users.createdAt))
    .limit(1);
  if (!admin) throw new Error("no admin to own the registered servers");
  for (const seed of seeds) {
    const server = await registerServer(services, seed.path, admin.id as Id<"user">);
    for (const [name, value] of Object.entries(seed.env ?? {}))
      await setVariable(services, server.id, name, value, { keepExisting: true });
    for (const [name, value] of Object.entries(seed.envAlways ?? {}))
      await setVariable(services, server.id, name, value);
  }
}
