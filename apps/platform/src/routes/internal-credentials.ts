import { servers } from "@gumstack/db";
import { HOP_MARGIN_MS, readContext, runtimeSecretFor } from "@gumstack/runtime";
import {
  credentialsRequestSchema,
  DEADLINE_HEADER,
  INTERNAL_PATHS,
  readDeadline,
  wireErrorOf,
} from "@gumstack/runtime/internal-api";
import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { internalBodyLimit } from "../middleware/internal-body-limit.js";
import { callingServerId } from "../servers/calling-server.js";
import { credentialServerOf } from "../servers/credential-server.js";

const contextMessages = {
  invalid: "the context was not minted for this server",
  expired: "the context has expired: credentials are handed out only while a request is served",
  wrong_server: "the context names another server",
} as const;

/**
 * POST /internal/credentials: a hosted server asks for the credentials of the user it is serving.
 * It proves who it is with its runtime secret, and whom it serves with the request's context:
 * the answer is that user's, for that server, while the context lives; anything else is refused.
 * The answer is the credential resolver's, as it is standalone; its failures keep their codes.
 * A refresh gives up a margin before the caller stops waiting, and never past the context.
 */
export function registerInternalCredentials(app: Hono<AppEnv>) {
  app.post(INTERNAL_PATHS.credentials, internalBodyLimit("credentials"), async (c) => {
    const { vault, database, now, resolver } = c.var;
    const serverId = callingServerId(c);
    const { kind, context } = await readBody(c, credentialsRequestSchema);
    const read = readContext(runtimeSecretFor(vault, serverId), context, serverId, now());
    if ("problem" in read)
      throw new ApiError("context_invalid", `context: ${contextMessages[read.problem]}`);
    const asked = readDeadline(c.req.header(DEADLINE_HEADER));
    if (asked === null)
      throw new ApiError("bad_request", `${DEADLINE_HEADER}: must be milliseconds since the epoch`);
    const deadline = Math.min(asked ?? read.expiresAt, read.expiresAt) - HOP_MARGIN_MS;
    const [server] = await database.db.select().from(servers).where(eq(servers.id, serverId));
    if (!server) throw new ApiError("not_found", `no server ${serverId}`);
    const target = await credentialServerOf(c.var, server);
    try {
      return c.json(
        await resolver.resolve({ userId: read.userId, server: target, kind, deadline }),
      );
    } catch (error) {
      const wire = wireErrorOf(error);
      if (!wire) throw error;
      throw new ApiError(wire.code, wire.message, {
        cause: error,
        ...(wire.hop === undefined ? {} : { hop: wire.hop }),
      });
    }
  });
}
