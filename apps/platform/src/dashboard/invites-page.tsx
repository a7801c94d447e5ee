/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiFailure } from "./api.js";
import {
  ActionButton,
  Badge,
  CsrfField,
  DataTable,
  ErrorBanner,
  Layout,
  Moment,
} from "./components/index.js";
import { formOf, type PageContext, sendPage, signedIn } from "./respond.js";
import { createdInvite, type Invite, inviteList } from "./shapes.js";

interface InvitesState {
  /** The sign-up link just made: on this one page, once (the API keeps only a hash of it). */
  created?: { url: string; email: string | null };
  problem?: { email: string; days: string; message: string; field: "email" | "days" | null };
}

function InvitesTable({ invites, csrf }: { invites: Invite[]; csrf: string }) {
  if (invites.length === 0) return <p>No invitations yet.</p>;
  return (
    <DataTable columns={["For", "Status", "Created", "Expires", "Used", "Actions"]}>
      {invites.map((invite) => (
        <tr>
          <th scope="row">{invite.email ?? "Anyone with the link"}</th>
          <td>
            <Badge status={invite.status} />
          </td>
          <td>
            <Moment value={invite.createdAt} />
          </td>
          <td>
            <Moment value={invite.expiresAt} />
          </td>
          <td>
            <Moment value={invite.usedAt} />
          </td>
          <td>
            {invite.usedAt === null ? (
              <ActionButton
                action={`/invites/${encodeURIComponent(invite.id)}/revoke`}
                label="Withdraw"
                csrf={csrf}
                tone="danger"
                accessibleLabel={`Withdraw the invitation created ${invite.createdAt.slice(0, 16).replace("T", " ")} UTC for ${invite.email ?? "anyone"}`}
              />
            ) : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function NewInvite({ url, email }: { url: string; email: string | null }) {
  return (
    <section class="secret-once" aria-labelledby="new-invite-heading">
      <h2 id="new-invite-heading">New invitation{email ? ` for ${email}` : ""}</h2>
      <p>
        <strong>Copy it now: it is shown once.</strong> Whoever opens it can create one account;
        send it only to the person it is for.
      </p>
      <label for="invite-link">Sign-up link</label>
      <input
        id="invite-link"
        type="text"
        readonly
        value={url}
        data-copy="Copy the sign-up link"
        spellcheck={false}
      />
    </section>
  );
}

function CreateForm({ csrf, problem }: { csrf: string; problem: InvitesState["problem"] }) {
  const about = (field: "email" | "days") => problem?.field === field;
  return (
    <section aria-labelledby="create-invite-heading">
      <h2 id="create-invite-heading">Invite someone</h2>
      <ErrorBanner id="invite-problem" message={problem?.message} />
      <form method="post" action="/invites" class="stack">
        <CsrfField token={csrf} />
        <label for="invite-email">Email (optional)</label>
        <p class="hint" id="invite-email-hint">
          When given, only this address can sign up with the link.
        </p>
        <input
          id="invite-email"
          name="email"
          type="email"
          autocomplete="off"
          value={problem?.email ?? ""}
          aria-describedby={`invite-email-hint${about("email") ? " invite-problem" : ""}`}
          aria-invalid={about("email") ? "true" : undefined}
        />
        <label for="invite-days">Valid for (days)</label>
        <input
          id="invite-days"
          name="days"
          type="number"
          min={1}
          max={30}
          required
          value={problem?.days ?? "7"}
          aria-describedby={about("days") ? "invite-problem" : undefined}
          aria-invalid={about("days") ? "true" : undefined}
        />
        <button type="submit">Create invitation</button>
      </form>
    </section>
  );
}

async function invitesPage(context: PageContext, state: InvitesState = {}) {
  const { c, api, me } = context;
  const { invites } = await api.json(inviteList, "GET", "/api/invites");
  return sendPage(
    c,
    <Layout title="Invitations" me={me} section="invites" notice={c.req.query("notice")}>
      {state.created ? <NewInvite url={state.created.url} email={state.created.email} /> : null}
      <p>Accounts are by invitation: each link creates one account, once, before it expires.</p>
      <CreateForm csrf={me.csrfToken} problem={state.problem} />
      <h2>Invitations</h2>
      <InvitesTable invites={invites} csrf={me.csrfToken} />
    </Layout>,
    state.problem ? 400 : state.created ? 201 : 200,
  );
}

/**
 * GET/POST /invites: admins make sign-up links, see which were used, withdraw unused ones. The
 * API decides who may: for anyone else these pages answer as it does (403).
 */
export function registerInvitesPage(app: Hono<AppEnv>) {
  app.get(
    "/invites",
    signedIn(app, (context) => invitesPage(context)),
  );

  app.post(
    "/invites",
    signedIn(app, async (context) => {
      const form = await formOf(context.c);
      const email = (form.email ?? "").trim();
      const days = (form.days ?? "").trim();
      // An empty field is left out, for the API's default (any address; 7 days).
      const body = {
        ...(email === "" ? {} : { email }),
        ...(days === "" ? {} : { days: Number(days) }),
      };
      try {
        const created = await context.api.json(createdInvite, "POST", "/api/invites", {
          body,
          csrf: form.csrf ?? "",
        });
        // Rendered, not redirected: the link must not sit in a URL of ours or in history.
        return await invitesPage(context, { created: { url: created.url, email: created.email } });
      } catch (error) {
        if (!(error instanceof ApiFailure && error.status === 400)) throw error;
        const field = /^(email|days):/.exec(error.message)?.[1];
        return invitesPage(context, {
          problem: {
            email,
            days,
            message: error.message,
            field: field === "email" || field === "days" ? field : null,
          },
        });
      }
    }),
  );

  app.post(
    "/invites/:id/revoke",
    signedIn(app, async ({ c, api }) => {
      const form = await formOf(c);
      await api.write("DELETE", `/api/invites/${encodeURIComponent(c.req.param("id") ?? "")}`, {
        csrf: form.csrf ?? "",
      });
      return c.redirect("/invites?notice=invite-revoked", 303);
    }),
  );
}
