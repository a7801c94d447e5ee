import { mcpGrants } from "@gumstack/db";
import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { readBody } from "../../body.js";
import type { AppEnv } from "../../env.js";
import { ApiError } from "../../errors.js";
import { requireSession } from "../../middleware/require-session.js";
import type { AnswerOf } from "../../routes/answer.js";
import { clientNameSchema, httpsUriSchema, redirectUrisSchema } from "./client-metadata.js";
import { type ClientRow, deleteClient, insertClient, listClientRows } from "./store.js";

/*
 * Clients an operator registers for an app they know (its redirect URIs, and a secret if it is
 * a server-side app): these are not marked unverified on the consent page. Admins only.
 */

const body = z.object({
  name: clientNameSchema,
  redirectUris: redirectUrisSchema,
  /** A server-side app that can keep a secret: it gets one (client_secret_basic), shown once. */
  confidential: z.boolean({ error: "must be true or false" }).default(false),
  /** The id the app is configured with; a new `mcl_…` one if not given. */
  clientId: z
    .string({ error: "must be a string" })
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._~-]{2,99}$/,
      "must be 3 to 100 letters, digits, dots, dashes, underscores or tildes",
    )
    .refine((id) => !id.startsWith("mcl_"), "must not start with mcl_ (ids we issue do)")
    .optional(),
  clientUri: httpsUriSchema.optional(),
  logoUri: httpsUriSchema.optional(),
});

function requireAdmin(c: Context<AppEnv>) {
  if (!c.var.session.user.isAdmin)
    throw new ApiError("forbidden", "only an admin registers OAuth clients for apps");
}

const summaryOf = (row: ClientRow) => ({
  clientId: row.clientId,
  name: row.name,
  redirectUris: row.redirectUris,
  tokenEndpointAuthMethod: row.tokenEndpointAuthMethod,
  clientUri: row.clientUri,
  logoUri: row.logoUri,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
});

async function createClient(c: Context<AppEnv>) {
  requireAdmin(c);
  const input = await readBody(c, body);
  const stored = await insertClient(c.var.database.db, {
    kind: "preregistered",
    now: c.var.now(),
    ...(input.clientId === undefined ? {} : { clientId: input.clientId }),
    metadata: {
      client_name: input.name,
      redirect_uris: input.redirectUris,
      token_endpoint_auth_method: input.confidential ? "client_secret_basic" : "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      ...(input.clientUri === undefined ? {} : { client_uri: input.clientUri }),
      ...(input.logoUri === undefined ? {} : { logo_uri: input.logoUri }),
    },
  });
  if (!stored) throw new ApiError("conflict", `clientId: a client ${input.clientId} exists`);
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      ...summaryOf(stored.row),
      // In this answer only: it is kept as its hash.
      clientSecret: stored.secret ?? null,
    },
    201,
  );
}
export type CreatedOAuthClientAnswer = AnswerOf<typeof createClient>;

async function listClients(c: Context<AppEnv>) {
  requireAdmin(c);
  const rows = await listClientRows(c.var.database.db, "preregistered");
  return c.json({ clients: rows.map(summaryOf) });
}
export type OAuthClientListAnswer = AnswerOf<typeof listClients>;

async function removeClient(c: Context<AppEnv>) {
  requireAdmin(c);
  const clientId = c.req.param("clientId") ?? "";
  const { db } = c.var.database;
  const gone = await db.transaction(async (tx) => {
    if (!(await deleteClient(tx, "preregistered", clientId))) return false;
    // What users allowed it goes with it, and every token issued under that (they cascade).
    await tx.delete(mcpGrants).where(eq(mcpGrants.clientId, clientId));
    return true;
  });
  if (!gone) throw new ApiError("not_found", `no pre-registered client ${clientId}`);
  return c.body(null, 204);
}

/**
 * POST /api/oauth-clients (a confidential client's secret is in this answer only),
 * GET /api/oauth-clients, DELETE /api/oauth-clients/:clientId (revokes what it was allowed).
 */
export function registerPreregisteredClients(app: Hono<AppEnv>) {
  app.post("/api/oauth-clients", requireSession(), createClient);
  app.get("/api/oauth-clients", requireSession(), listClients);
  app.delete("/api/oauth-clients/:clientId", requireSession(), removeClient);
}
