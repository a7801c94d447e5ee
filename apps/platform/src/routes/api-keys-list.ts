import { apiKeys } from "@gumstack/db";
import { desc, eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import type { AnswerOf } from "./answer.js";

async function listKeys(c: Context<AppEnv>) {
  const keys = await c.var.database.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      preview: apiKeys.preview,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.userId, c.var.session.user.id))
    .orderBy(desc(apiKeys.createdAt));
  return c.json({ keys });
}
export type ApiKeyListAnswer = AnswerOf<typeof listKeys>;

/** GET /api/keys: the caller's keys, by preview only; a key is shown once, when created. */
export function registerApiKeysList(app: Hono<AppEnv>) {
  app.get("/api/keys", requireSession(), listKeys);
}
