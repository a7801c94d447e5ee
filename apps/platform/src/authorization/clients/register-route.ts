import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { clientAddress } from "../../accounts/client-address.js";
import { throttled } from "../../accounts/limits.js";
import { shapeProblem } from "../../body.js";
import type { AppEnv } from "../../env.js";
import { clientEndpointCors, oauthError } from "./client-endpoints.js";
import { checkClientMetadata } from "./client-metadata.js";
import { insertClient } from "./store.js";

/** A registration is a few hundred bytes; ten long redirect URIs and a name fit in 16 KiB. */
export const MAX_REGISTRATION_BYTES = 16 * 1024;

export const REGISTRATION_PATH = "/oauth/register";

async function register(c: Context<AppEnv>) {
  // Counted before anything is read: refused registrations cost work too.
  await throttled(c, `register:address:${clientAddress(c)}`, "registerPerAddress");
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type))
    return oauthError(c, 400, "invalid_client_metadata", "content-type: must be application/json");
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return oauthError(c, 400, "invalid_client_metadata", "body: must be a JSON object");
  }
  const shape = shapeProblem(body);
  if (shape !== undefined) return oauthError(c, 400, "invalid_client_metadata", shape);
  const checked = checkClientMetadata(body, {
    requireName: false,
    authMethods: ["none", "client_secret_basic", "client_secret_post"],
  });
  if (!checked.ok) return oauthError(c, 400, checked.error, checked.error_description);
  const now = c.var.now();
  const stored = await insertClient(c.var.database.db, {
    kind: "registered",
    metadata: checked.metadata,
    now,
  });
  // A new random id cannot be taken; if it somehow were, that is ours to look into.
  if (!stored) throw new Error("a new client id collided with a stored one");
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      client_id: stored.row.clientId,
      client_id_issued_at: Math.floor(now / 1000),
      // 0: it does not expire (RFC 7591 3.2.1).
      ...(stored.secret === undefined
        ? {}
        : { client_secret: stored.secret, client_secret_expires_at: 0 }),
      ...checked.metadata,
    },
    201,
  );
}

/**
 * POST /oauth/register: dynamic client registration (RFC 7591), open to any client (MCP clients
 * register themselves), throttled per address, stored in mcp_clients. Its answers carry OAuth's
 * error shape and open CORS (client-endpoints.ts).
 */
export function registerDynamicRegistration(app: Hono<AppEnv>) {
  app.use(REGISTRATION_PATH, clientEndpointCors());
  app.post(
    REGISTRATION_PATH,
    bodyLimit({
      maxSize: MAX_REGISTRATION_BYTES,
      onError: (c) => {
        // The rest of the body is not read: the connection cannot carry another request.
        c.header("Connection", "close");
        return oauthError(
          c,
          413,
          "invalid_client_metadata",
          `body: must be at most ${MAX_REGISTRATION_BYTES} bytes`,
        );
      },
    }),
    register,
  );
}
