import type { Context, Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { readEditableConfig, saveConfig } from "../proxied/edit.js";
import { ownedServer } from "../servers/owned-server.js";
import type { AnswerOf } from "./answer.js";

const body = z.object({
  version: z.string().min(1, "must be the version GET …/config answered"),
  config: z.record(z.string(), z.unknown()),
});

/** Admins only, like registering: what is saved here runs on this machine. Then the owner's. */
async function editedServer(c: Context<AppEnv>) {
  if (!c.var.session.user.isAdmin) {
    throw new ApiError(
      "forbidden",
      "only an admin edits a server's configuration: it says what runs on this machine",
    );
  }
  return ownedServer(c);
}

async function getConfig(c: Context<AppEnv>) {
  return c.json(await readEditableConfig(await editedServer(c)));
}
export type ConfigAnswer = AnswerOf<typeof getConfig>;

async function putConfig(c: Context<AppEnv>) {
  const server = await editedServer(c);
  const save = await readBody(c, body);
  return c.json(await saveConfig(c.var, server, save));
}
export type SavedConfigAnswer = AnswerOf<typeof putConfig>;

/**
 * GET /api/servers/:server/config: a proxied server's configuration, literal env and header
 * values masked (`{ "set": true }`), with the `version` of its file. PUT with `{ version, config
 * }` saves and deploys it (a masked value sent back keeps the stored one): 412 when the file
 * changed since that version, 409 for a changed name, kind or auth type, a hosted server
 * (`not_proxied`) or a file that cannot be written, 422 with every problem at its field
 * (`fields`) or for a deploy that failed (the old file is put back). Admins only, their own
 * servers.
 */
export function registerServerConfig(app: Hono<AppEnv>) {
  app.get("/api/servers/:server/config", requireSession(), getConfig);
  app.put("/api/servers/:server/config", requireSession(), putConfig);
}
