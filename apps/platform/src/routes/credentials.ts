import { credentials } from "@gumstack/db";
import { readFieldValues, saveFieldValues } from "@gumstack/runtime";
import { VaultDecryptError } from "@gumstack/vault";
import { and, eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import type { DeployedConfig } from "../servers/deployed-config.js";
import { namedServer } from "../servers/owned-server.js";
import type { AnswerOf } from "./answer.js";

const body = z.object({
  values: z.record(z.string(), z.string().max(8 * 1024, "must be at most 8 KiB")),
});

/** The caller, the cred server named in the path, its fields and what the caller has stored. */
async function target(c: Context<AppEnv>) {
  const server = await namedServer(c);
  if (server.authType !== "cred")
    throw new ApiError(
      "not_found",
      `${server.name} is ${server.authType === "oauth" ? "an" : "a"} ${server.authType} server: it takes no credentials`,
    );
  // The fields are what the server's newest deployment recorded.
  const config = (await c.var.deployed.of(server.id))?.config;
  if (!config)
    throw new ApiError(
      "unavailable",
      `${server.name} has not been deployed yet: its fields are not known`,
    );
  const userId = c.var.session.user.id;
  const mine = and(eq(credentials.userId, userId), eq(credentials.serverId, server.id));
  const [row] = await c.var.database.db
    .select({ updatedAt: credentials.updatedAt })
    .from(credentials)
    .where(mine);
  let stored: Record<string, string> = {};
  try {
    stored = (await readFieldValues(c.var.database.db, c.var.vault, userId, server.id)) ?? {};
  } catch (error) {
    if (!(error instanceof VaultDecryptError)) throw error;
    // Values no key opens count as unset: entering them again replaces the row.
  }
  return {
    server,
    userId,
    mine,
    fields: config.fields,
    stored,
    updatedAt: row?.updatedAt ?? null,
  };
}

/** Each field as the form needs it; a secret's value never leaves, only whether it is set. */
function view(
  fields: DeployedConfig["fields"],
  stored: Record<string, string>,
  updatedAt: Date | null,
) {
  return {
    fields: fields.map((f) => ({
      name: f.name,
      label: f.label ?? f.name,
      description: f.description ?? null,
      placeholder: f.placeholder ?? null,
      secret: f.secret,
      optional: f.optional,
      set: Boolean(stored[f.name]),
      ...(f.secret ? {} : { value: stored[f.name] ?? null }),
    })),
    updatedAt,
  };
}

async function readCredentials(c: Context<AppEnv>) {
  const t = await target(c);
  return c.json(view(t.fields, t.stored, t.updatedAt));
}
export type CredentialFieldsAnswer = AnswerOf<typeof readCredentials>;

/**
 * /api/servers/:server/credentials: the caller's own values for a cred server. PUT merges: a
 * field left out keeps its stored value (so a form need not hold secrets it cannot show), an
 * empty string clears an optional one. Nothing is stored unless every required field has a value.
 */
export function registerCredentials(app: Hono<AppEnv>) {
  app.get("/api/servers/:server/credentials", requireSession(), readCredentials);

  app.put("/api/servers/:server/credentials", requireSession(), async (c) => {
    const t = await target(c);
    const { values } = await readBody(c, body);
    const known = new Set(t.fields.map((f) => f.name));
    const unknown = Object.keys(values).filter((name) => !known.has(name));
    if (unknown.length > 0)
      throw new ApiError("bad_request", `values.${unknown[0]}: ${t.server.name} has no such field`);
    const merged: Record<string, string> = {};
    for (const field of t.fields) {
      const given = values[field.name]?.trim();
      const value = given === undefined ? t.stored[field.name] : given;
      if (value) merged[field.name] = value;
      else if (!field.optional)
        throw new ApiError(
          "bad_request",
          `values.${field.name}: ${field.label ?? field.name} is required`,
        );
    }
    await saveFieldValues(c.var.database.db, c.var.vault, t.userId, t.server.id, merged);
    // A proxied server's process of this user was started with the old values: replaced.
    c.var.proxied.changed(t.server.id, t.userId);
    return c.json(view(t.fields, merged, new Date()));
  });

  app.delete("/api/servers/:server/credentials", requireSession(), async (c) => {
    const t = await target(c);
    await c.var.database.db.delete(credentials).where(t.mine);
    c.var.proxied.changed(t.server.id, t.userId);
    return c.body(null, 204);
  });
}
