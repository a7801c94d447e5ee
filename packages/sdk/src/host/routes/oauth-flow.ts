import { type BeginInput, type Broker, CallbackError, ReturnUrlError } from "@gumstack/broker";
import type { Id } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import { errorPage, messagePage } from "@gumstack/runtime";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * The two ends of a connection in a browser, shared by the standalone host and the platform:
 * begin binds a new authorization to this browser (a cookie only /auth/callback reads) and
 * redirects to the provider; finish checks it all and stores the connection, or stores nothing.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Hono environment; only the request is read.
type AnyContext = Context<any>;

export async function beginConnection(
  c: AnyContext,
  broker: Broker,
  input: BeginInput,
  secureCookies: boolean,
): Promise<Response> {
  try {
    const begun = await broker.begin(input);
    setCookie(c, begun.cookie.name, begun.cookie.value, {
      httpOnly: true,
      sameSite: "Lax",
      secure: secureCookies,
      path: "/auth/callback",
      maxAge: begun.cookie.maxAgeSeconds,
    });
    return c.redirect(begun.url.toString(), 302);
  } catch (error) {
    if (error instanceof ReturnUrlError)
      return c.html(errorPage("Cannot connect", error.message), 400);
    throw error;
  }
}

export interface FinishOptions {
  /** Who the browser is signed in as, where browsers sign in (see CallbackInput.signedInAs). */
  signedInAs?: Id<"user"> | null;
  /** How the pages name the account the connection belongs to. */
  accountOf: (userId: Id<"user">) => Promise<string | undefined>;
  /** Told once the connection is stored: what waited on it (a URL elicitation) may go on. */
  connected?: (connection: { userId: Id<"user">; serverId: Id<"server"> }) => Promise<void>;
}

export async function finishConnection(
  c: AnyContext,
  broker: Broker,
  log: Logger,
  options: FinishOptions,
): Promise<Response> {
  try {
    const { connection, returnTo } = await broker.complete({
      ...(options.signedInAs === undefined ? {} : { signedInAs: options.signedInAs }),
      state: c.req.query("state"),
      code: c.req.query("code"),
      error: c.req.query("error"),
      errorDescription: c.req.query("error_description"),
      issuer: c.req.query("iss"),
      cookie: (name) => {
        const value = getCookie(c, name);
        if (value !== undefined) deleteCookie(c, name, { path: "/auth/callback" });
        return value;
      },
    });
    await options.connected?.(connection);
    if (returnTo) return c.redirect(returnTo, 302);
    return c.html(
      messagePage(
        "Connected",
        `Your ${connection.provider} account ${connection.nickname} is connected. You can close this page and go back to your assistant.`,
        await options.accountOf(connection.userId),
      ),
    );
  } catch (error) {
    if (!(error instanceof CallbackError)) throw error;
    log.info("authorization refused", { reason: error.reason });
    return c.html(errorPage("Could not connect", error.message), 400);
  }
}
