import { issueApiKey } from "@gumstack/runtime";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { requireSession } from "../middleware/require-session.js";
import type { AnswerOf } from "./answer.js";

const body = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
});

async function createKey(c: Context<AppEnv>) {
  const { name } = await readBody(c, body);
  const { id, key } = await issueApiKey(c.var.database.db, c.var.session.user.id, name);
  return c.json({ id, name, key, preview: key.slice(0, 10) }, 201);
}
export type CreatedKeyAnswer = AnswerOf<typeof createKey>;

/** POST /api/keys: a new key for MCP clients. The key is in this answer and nowhere else, ever. */
export function registerApiKeysCreate(app: Hono<AppEnv>) {
  app.post("/api/keys", requireSession(), createKey);
}
