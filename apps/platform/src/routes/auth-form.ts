import { type Id, servers } from "@gumstack/db";
import {
  credentialForm,
  errorPage,
  formValues,
  messagePage,
  readTicket,
  releaseTicket,
  safeLocalPath,
  saveFieldValues,
  useTicketOnce,
} from "@gumstack/runtime";
import { eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { sessionForLink } from "../accounts/link-session.js";
import { isCsrfToken } from "../accounts/sessions.js";
import { readForm } from "../body.js";
import type { AppEnv } from "../env.js";
import { tellServerCompleted } from "../oauth/tell-completed.js";

const WHAT = "saves credentials";

/**
 * The cred server and form fields a ticket opens, for the session of the ticket's own user, or
 * the page to show instead.
 */
async function formTarget(c: Context<AppEnv>, ticketText: string | undefined) {
  const name = c.req.param("server") ?? "";
  const [server] = await c.var.database.db.select().from(servers).where(eq(servers.name, name));
  if (server?.authType !== "cred")
    return c.html(errorPage("No form here", `${name} takes no credentials.`), 404);
  // The fields are what the server's newest deployment recorded.
  const config = (await c.var.deployed.of(server.id))?.config;
  if (!config) {
    const why = `${name} has not been deployed yet; try again once it runs.`;
    return c.html(errorPage("Cannot open the form now", why), 503);
  }
  const ticket = readTicket(c.var.vault, ticketText, "form", c.var.now());
  if ("problem" in ticket || ticket.serverId !== server.id) {
    const problem = "problem" in ticket ? ticket.problem : "This link is for another server.";
    return c.html(errorPage("Cannot open the form", problem), 400);
  }
  const session = await sessionForLink(c, ticket.userId, WHAT);
  if (session instanceof Response) return session;
  const account = session.user.email ?? session.user.name;
  return {
    server,
    fields: config.fields,
    ticket,
    text: ticketText as string,
    session,
    account,
  };
}

/**
 * Where the browser goes once the form is saved, when the flow that opened it wants it back (the
 * MCP consent page): a path of ours only. Undefined when none was asked; null when refused.
 */
function returnPathOf(c: Context<AppEnv>): string | null | undefined {
  const asked = c.req.query("return_to");
  return asked === undefined ? undefined : safeLocalPath(asked);
}

/**
 * GET and POST /auth/form/:server[?return_to=…]: a hosted cred server's form, for the signed-in
 * user the link was made for, going back to `return_to` (a path of ours) once saved. Values
 * are write-only. A link saves once (a forwarded or replayed link cannot overwrite keys later), and a post must come from this page: same origin (checked for every
 * write, see sameOriginWrites) and carrying the session's CSRF token.
 */
export function registerAuthForm(app: Hono<AppEnv>) {
  app.get("/auth/form/:server", async (c) => {
    const returnTo = returnPathOf(c);
    if (returnTo === null)
      return c.html(
        errorPage("Cannot open the form", "return_to: must be a path of this site."),
        400,
      );
    const target = await formTarget(c, c.req.query("ticket"));
    if (target instanceof Response) return target;
    return c.html(
      credentialForm({
        serverName: target.server.name,
        fields: target.fields,
        ticket: target.text,
        stored: false,
        account: target.account,
        action: `/auth/form/${target.server.name}${returnTo === undefined ? "" : `?return_to=${encodeURIComponent(returnTo)}`}`,
        csrf: target.session.csrfToken,
      }),
    );
  });

  app.post("/auth/form/:server", async (c) => {
    const returnTo = returnPathOf(c);
    if (returnTo === null)
      return c.html(errorPage("Not saved", "return_to: must be a path of this site."), 400);
    const body = await readForm(c);
    const target = await formTarget(c, typeof body.ticket === "string" ? body.ticket : undefined);
    if (target instanceof Response) return target;
    const { database, vault, now } = c.var;
    const csrf = typeof body.csrf === "string" ? body.csrf : undefined;
    if (!isCsrfToken(vault, target.session.id, csrf)) {
      return c.html(
        errorPage(
          "Not saved",
          "This form did not come from this page; open the link again.",
          target.account,
        ),
        403,
      );
    }
    const form = formValues(target.fields, body);
    if ("problem" in form) return c.html(errorPage("Not saved", form.problem, target.account), 400);
    if (!(await useTicketOnce(database.db, target.text, target.ticket, now()))) {
      return c.html(
        errorPage(
          "Not saved",
          "This link was already used. Ask the tool again for a new one, or change your credentials in the dashboard.",
          target.account,
        ),
        400,
      );
    }
    try {
      await saveFieldValues(
        database.db,
        vault,
        target.session.user.id,
        target.server.id as Id<"server">,
        form.values,
      );
    } catch (error) {
      await releaseTicket(database.db, target.text);
      throw error;
    }
    c.var.proxied.changed(target.server.id, target.session.user.id);
    await tellServerCompleted(c.var, target.server.id, target.session.user.id);
    if (returnTo !== undefined) return c.redirect(returnTo, 303);
    return c.html(
      messagePage(
        "Saved",
        "Your credentials are stored. Go back to your assistant and try again.",
        target.account,
      ),
    );
  });
}
