import { ConnectionRequiredError, credentialsOf, RefreshUnavailableError } from "@gumstack/broker";
import { type Id, servers } from "@gumstack/db";
import { ProviderUnavailableError } from "@gumstack/oauth";
import { issueTicket, readContext, readFieldValues, runtimeSecretFor } from "@gumstack/runtime";
import { eq } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv, Services } from "../env.js";
import { ApiError } from "../errors.js";
import { callingServerId } from "../servers/calling-server.js";
import { configOf } from "../servers/config-of.js";
import type { ServerRow } from "../servers/owned-server.js";

const body = z.object({
  kind: z.enum(["oauth", "cred"]),
  context: z.string().min(1, "must be the request's context"),
});

/** The user's fresh token for the server's provider, or the link that connects an account. */
async function oauthCredentials(services: Services, server: ServerRow, userId: string) {
  const { broker, providers, vault, now, publicUrl } = services;
  let provider: string | undefined;
  try {
    provider = (await providers.of(server.id)).name;
    const grant = await broker.accessToken({
      userId: userId as Id<"user">,
      serverId: server.id,
      provider,
    });
    return {
      status: "ok",
      credentials: credentialsOf(grant),
    };
  } catch (error) {
    if (error instanceof ConnectionRequiredError) {
      const ticket = issueTicket(vault, { userId, serverId: server.id, purpose: "connect" }, now());
      return {
        status: "auth_required",
        reason: error.reason,
        what: provider,
        url: `${publicUrl}/auth/start/${server.name}?ticket=${ticket}`,
      };
    }
    if (error instanceof RefreshUnavailableError || error instanceof ProviderUnavailableError) {
      throw new ApiError(
        "unavailable",
        `the ${provider ?? "provider"} token cannot be refreshed now; try again`,
      );
    }
    throw error;
  }
}

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
    const serverId = callingServerId(c);
    const { kind, context } = await readBody(c, body);
    const read = readContext(runtimeSecretFor(vault, serverId), context, serverId, now());
    if ("problem" in read)
      throw new ApiError("context_invalid", `context: ${contextMessages[read.problem]}`);
    const [server] = await database.db.select().from(servers).where(eq(servers.id, serverId));
    if (!server) throw new ApiError("not_found", `no server ${serverId}`);
    if (server.authType !== kind)
      throw new ApiError("bad_request", `kind: ${server.name} is a ${server.authType} server`);
    if (kind === "oauth") return c.json(await oauthCredentials(c.var, server, read.userId));
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
