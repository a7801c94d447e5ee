import { envVars, newId, servers } from "@gumstack/db";
import { variableNameProblem } from "@gumstack/sdk";
import { and, eq, sql } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";
import { maskedPreview } from "../servers/preview.js";

const body = z.object({ value: z.string().max(32 * 1024, "must be at most 32 KiB") });

/**
 * PUT /api/servers/:server/env/:name: creates or replaces a variable. The value is encrypted
 * before it is stored and never comes back; the server needs a redeploy to see it.
 */
export function registerEnvPut(app: Hono<AppEnv>) {
  app.put("/api/servers/:server/env/:name", requireSession(), async (c) => {
    const server = await ownedServer(c);
    const name = c.req.param("name");
    const problem = variableNameProblem(name);
    if (problem) throw new ApiError("invalid_variable_name", `name: ${problem}`);
    const { value } = await readBody(c, body);
    const { database, vault } = c.var;
    const saved = await database.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: envVars.id })
        .from(envVars)
        .where(and(eq(envVars.serverId, server.id), eq(envVars.name, name)));
      const id = existing?.id ?? newId("envVar");
      const sealed = vault.encrypt(value, { table: "env_vars", id, field: "value" });
      const [row] = await tx
        .insert(envVars)
        .values({ id, serverId: server.id, name, value: sealed })
        .onConflictDoUpdate({
          target: [envVars.serverId, envVars.name],
          set: { value: sealed, updatedAt: new Date() },
        })
        .returning({ updatedAt: envVars.updatedAt });
      await tx
        .update(servers)
        .set({ envVersion: sql`${servers.envVersion} + 1` })
        .where(eq(servers.id, server.id));
      return { created: existing === undefined, updatedAt: row?.updatedAt };
    });
    return c.json(
      { name, preview: maskedPreview(value), updatedAt: saved.updatedAt },
      saved.created ? 201 : 200,
    );
  });
}
