import { type Id, servers } from "@gumstack/db";
import { ProviderUnavailableError } from "@gumstack/oauth";
import { accountLabel, DeadlineExceededError, errorPage, readTicket } from "@gumstack/runtime";
import { beginConnection, finishConnection } from "@gumstack/sdk";
import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { throttled } from "../accounts/limits.js";
import { sessionForLink } from "../accounts/link-session.js";
import { readSession, SESSION_COOKIE } from "../accounts/sessions.js";
import type { AppEnv } from "../env.js";
import { tellServerCompleted } from "../oauth/tell-completed.js";

const WHAT = "connects an account";

/**
 * Who is connecting: always the signed-in user. A tool's signed link (`ticket`) names the user
 * it was made for, and only that user's session may use it (sessionForLink).
 */
async function connectingUser(
  c: Context<AppEnv>,
  serverId: string,
): Promise<{ userId: Id<"user"> } | Response> {
  const { vault, now, database } = c.var;
  const ticketText = c.req.query("ticket");
  if (ticketText !== undefined) {
    const ticket = readTicket(vault, ticketText, "connect", now());
    if ("problem" in ticket) return c.html(errorPage("Cannot connect", ticket.problem), 400);
    if (ticket.serverId !== serverId)
      return c.html(errorPage("Cannot connect", "This link is for another server."), 400);
    const session = await sessionForLink(c, ticket.userId, WHAT);
    return session instanceof Response ? session : { userId: session.user.id };
  }
  const session = await readSession(database.db, vault, getCookie(c, SESSION_COOKIE), now());
  if (session) return { userId: session.user.id };
  // Back here once signed in; only a path of ours is ever followed.
  const next = new URL(c.req.url);
  return c.redirect(`/sign-in?next=${encodeURIComponent(next.pathname + next.search)}`, 302);
}

/**
 * GET /auth/start/:server[?ticket=…][&return_to=…]: begins a connection of the signed-in user's
 * account for that server, and GET /auth/callback: the one redirect URL of the whole platform,
 * which every provider app is registered with; the state says which server and provider it is
 * for, and it must come back to the browser of the user who began it, still signed in as them.
 */
export function registerOAuthFlow(app: Hono<AppEnv>) {
  app.get("/auth/start/:server", async (c) => {
    const [server] = await c.var.database.db
      .select()
      .from(servers)
      .where(eq(servers.name, c.req.param("server")));
    if (server?.authType !== "oauth") {
      const name = c.req.param("server");
      return c.html(errorPage("Nothing to connect", `${name} has no account to connect.`), 404);
    }
    const who = await connectingUser(c, server.id);
    if (who instanceof Response) return who;
    // Every start stores a state row: bounded per user.
    await throttled(c, `connect:user:${who.userId}`, "connectPerUser");
    const notNow = () =>
      c.html(
        errorPage("Cannot connect now", `${server.name} is not running; try again in a moment.`),
        503,
      );
    // The provider and scopes are what the server's newest deployment recorded.
    const deployed = await c.var.deployed.of(server.id);
    const scopes = deployed?.config?.scopes;
    if (!deployed?.provider) return notNow();
    const returnTo = c.req.query("return_to");
    try {
      return await beginConnection(
        c,
        c.var.broker,
        {
          userId: who.userId,
          serverId: server.id,
          provider: deployed.provider.name,
          ...(scopes ? { scopes } : {}),
          ...(returnTo === undefined ? {} : { returnTo }),
        },
        c.var.publicUrl.startsWith("https:"),
      );
    } catch (error) {
      // The provider runs in the server's process, which is down or did not answer in time.
      if (error instanceof ProviderUnavailableError || error instanceof DeadlineExceededError)
        return notNow();
      throw error;
    }
  });

  app.get("/auth/callback", async (c) => {
    const { database, vault, now, broker, log } = c.var;
    const session = await readSession(database.db, vault, getCookie(c, SESSION_COOKIE), now());
    return finishConnection(c, broker, log, {
      signedInAs: session?.user.id ?? null,
      accountOf: (userId) => accountLabel(database.db, userId),
      connected: ({ userId, serverId }) => {
        c.var.proxied.changed(serverId, userId);
        return tellServerCompleted(c.var, serverId, userId);
      },
    });
  });
}
