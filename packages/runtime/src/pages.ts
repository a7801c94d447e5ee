import { type Database, type Id, users } from "@gumstack/db";
import { eq } from "drizzle-orm";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
/** What the form needs of a declared field (the SDK's CredentialField has this shape). */
export interface FormField {
  name: string;
  label?: string | undefined;
  description?: string | undefined;
  placeholder?: string | undefined;
  secret: boolean;
  optional: boolean;
}

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

// Self-contained: nothing is fetched from elsewhere, so the pages work offline.
export const PAGE_STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.4rem}label{display:block;font-weight:600;margin-top:1rem}
input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box;border:1px solid #767676;border-radius:4px}
.hint{color:#4a4a4a;font-size:.9rem;margin:.2rem 0}.who{background:#f2f5fc;border-left:4px solid #1f4fd1;padding:.5rem .8rem}
a.button{display:inline-block;margin-top:1rem;padding:.6rem 1.2rem;background:#1f4fd1;color:#fff;border-radius:4px;text-decoration:none}button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;
background:#1f4fd1;color:#fff;border:0;border-radius:4px;cursor:pointer}.error{color:#a30000}`;

export function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Gumstack</title><style>${raw(PAGE_STYLE)}</style></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

/** Which account a flow acts for: said on every page of a connect or credentials flow. */
const forAccount = (account: string | undefined) =>
  account === undefined
    ? ""
    : html`<p class="who">For the account <strong>${account}</strong>.</p>`;

export const messagePage = (title: string, message: string, account?: string) =>
  page(title, html`<p>${message}</p>${forAccount(account)}`);

export const errorPage = (title: string, message: string, account?: string) =>
  page(title, html`<p class="error" role="alert">${message}</p>${forAccount(account)}`);

/** A link made for `account` opened while signed out: sign in as that account to go on. */
export const signInFirstPage = (what: string, account: string, signInHref: string) =>
  page(
    "Sign in to continue",
    html`<p>This link ${what} for the account <strong>${account}</strong>. Sign in as that account to continue.</p>
<a class="button" href="${signInHref}">Sign in</a>`,
  );

/** A link made for one account opened by another: refused, saying both. */
export const wrongAccountPage = (what: string, linkAccount: string, signedInAs: string) =>
  page(
    "This link is for another account",
    html`<p class="error" role="alert">This link ${what} for the account <strong>${linkAccount}</strong>, but you are signed in as <strong>${signedInAs}</strong>. Nothing was changed.</p>
<p>If the link is yours, sign out and sign in as ${linkAccount}. If someone sent it to you, do not use it: ask your own assistant for a link.</p>`,
  );

/** Before a connection with no signed-in browser to check (the standalone host): who it is for. */
export const confirmConnectPage = (what: string, account: string, continueHref: string) =>
  page(
    "Connect an account",
    html`<p>This link ${what} for the account <strong>${account}</strong>.</p>
<p>If that is not you, close this page: someone may be trying to have your account used in their name.</p>
<a class="button" href="${continueHref}">Continue as ${account}</a>`,
  );

/** The cred form. Secret fields are password inputs and no value is ever sent back to the page. */
export function credentialForm(options: {
  serverName: string;
  fields: readonly FormField[];
  ticket: string;
  stored: boolean;
  /** The account the values are saved for. */
  account: string;
  action?: string;
  /** The signed-in session's CSRF token, where browsers sign in (the platform). */
  csrf?: string;
}): Html {
  const { serverName, fields, ticket, stored, account, action = "/auth/form", csrf } = options;
  return page(
    `Credentials for ${serverName}`,
    html`<p>${stored ? "Values are stored. Entering them again replaces all of them." : "Enter your credentials. They are encrypted and only this server's tools can use them."}</p>
${forAccount(account)}
<form method="post" action="${action}">
<input type="hidden" name="ticket" value="${ticket}">
${csrf === undefined ? "" : html`<input type="hidden" name="csrf" value="${csrf}">`}
${fields.map(
  (
    f,
  ) => html`<label for="f-${f.name}">${f.label ?? f.name}${f.optional ? " (optional)" : ""}</label>
${f.description ? html`<p class="hint" id="d-${f.name}">${f.description}</p>` : ""}
<input id="f-${f.name}" name="${f.name}" type="${f.secret ? "password" : "text"}" autocomplete="off"
 placeholder="${f.placeholder ?? ""}" ${f.optional ? "" : "required"} ${f.description ? html`aria-describedby="d-${f.name}"` : ""}>`,
)}
<button type="submit">Save</button></form>`,
  );
}

/** An email as a page shows it to whoever holds a link: enough to recognize, not to harvest. */
export function maskedEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return email.length > 2 ? `${email.slice(0, 1)}•••` : "•••";
  return `${email.slice(0, 1)}•••@${email.slice(at + 1)}`;
}

/** How a page names a user's account: their email on the platform, their name standalone. */
export async function accountLabel(db: Database, userId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, userId as Id<"user">));
  return row ? (row.email ?? row.name) : undefined;
}
