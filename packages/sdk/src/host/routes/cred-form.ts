import type { Id } from "@gumstack/db";
import {
  accountLabel,
  credentialForm,
  errorPage,
  formValues,
  messagePage,
  readFieldValues,
  readTicket,
  releaseTicket,
  saveFieldValues,
  useTicketOnce,
} from "@gumstack/runtime";
import { VaultDecryptError } from "@gumstack/vault";
import type { Context, Hono } from "hono";
import type { HostEnv } from "../app-env.js";

async function ticketOf(c: Context<HostEnv>, text: string | undefined, title: string) {
  const { store, now } = c.var.services;
  const ticket = readTicket(store.vault, text, "form", now());
  if ("problem" in ticket) return c.html(errorPage(title, ticket.problem), 400);
  const account = await accountLabel(store.database.db, ticket.userId);
  if (account === undefined)
    return c.html(errorPage(title, "This link is for a user that no longer exists."), 404);
  return { ...ticket, text: text as string, account };
}

/**
 * GET and POST /auth/form: the cred server's form. Values are write-only: never sent back. Each
 * page names the user the values are saved for, and a link saves once: a second post (or a
 * forwarded link used later) is refused, so a link cannot be used to overwrite keys silently.
 */
export function registerCredForm(app: Hono<HostEnv>) {
  app.get("/auth/form", async (c) => {
    const { config, store } = c.var.services;
    if (config.auth.type !== "cred")
      return c.html(errorPage("No form here", `${config.name} takes no credentials.`), 404);
    const ticket = await ticketOf(c, c.req.query("ticket"), "Cannot open the form");
    if (ticket instanceof Response) return ticket;
    const stored = await readFieldValues(
      store.database.db,
      store.vault,
      ticket.userId,
      ticket.serverId,
    ).catch((error: unknown) => {
      // Unreadable values count as none: saving the form replaces them.
      if (error instanceof VaultDecryptError) return null;
      throw error;
    });
    return c.html(
      credentialForm({
        serverName: config.name,
        fields: config.auth.fields,
        ticket: ticket.text,
        stored: stored !== null,
        account: ticket.account,
      }),
    );
  });

  app.post("/auth/form", async (c) => {
    const { config, store, now, log } = c.var.services;
    if (config.auth.type !== "cred")
      return c.html(errorPage("No form here", `${config.name} takes no credentials.`), 404);
    let body: Record<string, unknown>;
    try {
      body = await c.req.parseBody();
    } catch {
      // Not a form (a forged multipart body, say): refused as such, not a 500.
      return c.html(errorPage("Not saved", "That was not a form this page sends."), 400);
    }
    const ticket = await ticketOf(
      c,
      typeof body.ticket === "string" ? body.ticket : undefined,
      "Not saved",
    );
    if (ticket instanceof Response) return ticket;
    const form = formValues(config.auth.fields, body);
    if ("problem" in form) return c.html(errorPage("Not saved", form.problem, ticket.account), 400);
    if (!(await useTicketOnce(store.database.db, ticket.text, ticket, now()))) {
      return c.html(
        errorPage(
          "Not saved",
          "This link was already used. Ask the tool again for a new one.",
          ticket.account,
        ),
        400,
      );
    }
    try {
      await saveFieldValues(
        store.database.db,
        store.vault,
        ticket.userId as Id<"user">,
        ticket.serverId as Id<"server">,
        form.values,
      );
    } catch (error) {
      await releaseTicket(store.database.db, ticket.text);
      throw error;
    }
    log.info("credentials saved", {
      userId: ticket.userId,
      fields: Object.keys(form.values).join(", "),
    });
    await c.var.services.elicitations.completed(ticket.userId);
    return c.html(
      messagePage(
        "Saved",
        "Your credentials are stored. Go back to your assistant and try again.",
        ticket.account,
      ),
    );
  });
}
