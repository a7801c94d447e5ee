import { isId, servers } from "@gumstack/db";
import {
  isRuntimeSecret,
  issueTicket,
  readContext,
  readFieldValues,
  runtimeSecretFor,
} from "@gumstack/runtime";
import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { configOf } from "../servers/config-of.js";

const body = z.object({
  kind: z.enum(["oauth", "cred"]),
  context: z.string().min(1, "must be the request's context"),
});

const contextMessages = {
  invalid: "the context was not minted for this server",
  expired: "the context has expired: credentials are handed out only while a request is served",
  wrong_server: "the context names another server",
} as const;

/**
 * POST /internal/credentials: a hosted server asks for the credentials of the user it is serving.
 * It proves who it is with its runtime secret, and whom it serves with the request's context:
 * the answer is that user's, for that server, while the context lives; anything else is refused.
 */
export function registerInternalCredentials(app: Hono<AppEnv>) {
  app.post("/internal/credentials", async (c) => {
    const { vault, database, now, publicUrl } = c.var;
    const serverId = c.req.header("x-gumstack-server") ?? "";
    const secret = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    if (!isId("server", serverId) || !isRuntimeSecret(vault, serverId, secret)) {
      throw new ApiError(
        "unauthorized",
        "send this server's runtime secret as Authorization: Bearer, and its id as x-gumstack-server",
      );
    }
    const { kind, context } = await readBody(c, body);
    const read = readContext(runtimeSecretFor(vault, serverId), context, serverId, now());
    if ("problem" in read)
      throw new ApiError("context_invalid", `context: ${contextMessages[read.problem]}`);
    const [server] = await database.db.select().from(servers).where(eq(servers.id, serverId));
    if (!server) throw new ApiError("not_found", `no server ${serverId}`);
    if (server.authType !== kind)
      throw new ApiError("bad_request", `kind: ${server.name} is a ${server.authType} server`);
    if (kind === "oauth") {
      throw new ApiError(
        "unavailable",
        "OAuth connections for hosted servers are not available yet on this platform",
      );
    }
    const config = configOf(server);
    const fields = config.auth.type === "cred" ? config.auth.fields : [];
    const values = (await readFieldValues(database.db, vault, read.userId, serverId)) ?? {};
    if (fields.some((f) => !f.optional && !values[f.name])) {
      const ticket = issueTicket(vault, { userId: read.userId, serverId, purpose: "form" }, now());
      return c.json({
        status: "auth_required",
        reason: "credentials_missing",
        what: server.name,
        url: `${publicUrl}/auth/form/${server.name}?ticket=${ticket}`,
      });
    }
    return c.json({
      status: "ok",
      credentials: { values, secret: fields.filter((f) => f.secret).map((f) => f.name) },
    });
  });
}
