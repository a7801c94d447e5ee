import { envVars } from "@gumstack/db";
import { VaultDecryptError } from "@gumstack/vault";
import { asc, eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";
import { maskedPreview } from "../servers/preview.js";
import type { AnswerOf } from "./answer.js";

const location = (id: string) => ({ table: "env_vars", id, field: "value" });

async function listEnv(c: Context<AppEnv>) {
  const server = await ownedServer(c);
  const rows = await c.var.database.db
    .select()
    .from(envVars)
    .where(eq(envVars.serverId, server.id))
    .orderBy(asc(envVars.name));
  const variables = rows.map((row) => {
    let preview: string;
    try {
      preview = maskedPreview(c.var.vault.decrypt(row.value, location(row.id)));
    } catch (error) {
      if (!(error instanceof VaultDecryptError)) throw error;
      // A value no key opens is listed as such: setting it again replaces it.
      preview = "(unreadable: set it again)";
    }
    return { name: row.name, preview, updatedAt: row.updatedAt };
  });
  return c.json({ variables });
}
export type EnvListAnswer = AnswerOf<typeof listEnv>;

/** GET /api/servers/:server/env: names, masked previews and update times; never a value. */
export function registerEnvList(app: Hono<AppEnv>) {
  app.get("/api/servers/:server/env", requireSession(), listEnv);
}
