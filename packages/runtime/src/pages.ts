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
.hint{color:#4a4a4a;font-size:.9rem;margin:.2rem 0}button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;
background:#1f4fd1;color:#fff;border:0;border-radius:4px;cursor:pointer}.error{color:#a30000}`;

export function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Gumstack</title><style>${raw(PAGE_STYLE)}</style></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

export const messagePage = (title: string, message: string) => page(title, html`<p>${message}</p>`);

export const errorPage = (title: string, message: string) =>
  page(title, html`<p class="error" role="alert">${message}</p>`);

/** The cred form. Secret fields are password inputs and no value is ever sent back to the page. */
export function credentialForm(
  serverName: string,
  fields: readonly FormField[],
  ticket: string,
  stored: boolean,
  action = "/auth/form",
): Html {
  return page(
    `Credentials for ${serverName}`,
    html`<p>${stored ? "Values are stored. Entering them again replaces all of them." : "Enter your credentials. They are encrypted and only this server's tools can use them."}</p>
<form method="post" action="${action}">
<input type="hidden" name="ticket" value="${ticket}">
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
