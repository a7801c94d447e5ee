import { html } from "hono/html";
import type { Api, ApiFailure } from "./api.js";
import { actionButton, badge, type Html, moment } from "./html.js";
import { apiServerPath, serverPath } from "./server-common.js";
import {
  type Connection,
  type CredentialField,
  connectionList,
  credentialFields,
  type ServerListItem,
} from "./shapes.js";

/** What an end user has given this server: OAuth connections or credential values. */
export type Account =
  | { kind: "oauth"; connections: Connection[]; connectUrl: string }
  | { kind: "cred"; fields: CredentialField[]; updatedAt: string | null | undefined }
  | { kind: "none" };

export async function loadAccount(api: Api, server: ServerListItem): Promise<Account> {
  const base = apiServerPath(server.name);
  if (server.authType === "oauth") {
    const { connections, connectUrl } = await api.json(
      connectionList,
      "GET",
      `${base}/connections`,
    );
    return { kind: "oauth", connections, connectUrl };
  }
  if (server.authType === "cred") {
    const { fields, updatedAt } = await api.json(credentialFields, "GET", `${base}/credentials`);
    return { kind: "cred", fields, updatedAt };
  }
  return { kind: "none" };
}

/** The provider redirect, coming back to this server's page. */
export function connectHref(connectUrl: string, server: string): string {
  const url = new URL(connectUrl, "http://platform.invalid");
  url.searchParams.set("return_to", serverPath(server));
  return url.pathname + url.search;
}

export function accountSection(
  server: ServerListItem,
  account: Account,
  csrf: string,
  credentialProblem?: ApiFailure,
): Html {
  if (account.kind === "oauth") return connectionsSection(server, account, csrf);
  if (account.kind === "cred") return credentialsSection(server, account, csrf, credentialProblem);
  return html`<section aria-labelledby="account-heading">
<h2 id="account-heading">Your account</h2>
<p>Nothing to connect: this server uses credentials its operator set as environment variables.</p>
</section>`;
}

function connectionsSection(
  server: ServerListItem,
  account: Extract<Account, { kind: "oauth" }>,
  csrf: string,
): Html {
  const href = connectHref(account.connectUrl, server.name);
  const base = serverPath(server.name);
  return html`<section aria-labelledby="account-heading">
<h2 id="account-heading">Your connected accounts</h2>
${
  account.connections.length === 0
    ? html`<p>You have not connected an account yet. The server's tools act as the account you connect.</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Account</th><th scope="col">Status</th><th scope="col">Connected</th><th scope="col">Refreshed</th><th scope="col">Actions</th></tr></thead>
<tbody>${account.connections.map(
        (connection) => html`<tr>
<td><strong>${connection.nickname}</strong><br><span class="muted">${connection.provider}</span>${connection.lastError ? html`<p class="error">${connection.lastError}</p>` : ""}</td>
<td>${badge(connection.status)}</td>
<td>${moment(connection.connectedAt)}</td>
<td>${moment(connection.refreshedAt)}</td>
<td><div class="actions"><a class="button secondary" href="${href}" aria-label="Reconnect ${connection.nickname}">Reconnect</a>
${actionButton(`${base}/connections/${encodeURIComponent(connection.id)}/disconnect`, "Disconnect", csrf, { tone: "danger", accessibleLabel: `Disconnect ${connection.nickname}` })}</div></td>
</tr>`,
      )}</tbody></table></div>`
}
<p><a class="button" href="${href}">${account.connections.length === 0 ? "Connect" : "Connect another account"}</a></p>
</section>`;
}

function credentialsSection(
  server: ServerListItem,
  account: Extract<Account, { kind: "cred" }>,
  csrf: string,
  problem?: ApiFailure,
): Html {
  const base = serverPath(server.name);
  const anySet = account.fields.some((field) => field.set);
  return html`<section aria-labelledby="account-heading">
<h2 id="account-heading">Your credentials</h2>
<p>${anySet ? html`Saved${account.updatedAt ? html` ${moment(account.updatedAt)}` : ""}. Secret values are never shown again; enter one only to replace it.` : "Enter your credentials. They are encrypted and only this server's tools can use them."}</p>
${problem ? html`<p class="error" role="alert" id="credentials-problem">${problem.message}</p>` : ""}
<form method="post" action="${base}/credentials" class="stack" autocomplete="off">
<input type="hidden" name="csrf" value="${csrf}">
${account.fields.map((field) => credentialInput(field, problem))}
<button type="submit">Save credentials</button>
</form>
${anySet ? actionButton(`${base}/credentials/delete`, "Forget my credentials", csrf, { tone: "danger" }) : ""}
</section>`;
}

/** Secret fields are password inputs, and no stored value is ever put back into the page. */
function credentialInput(field: CredentialField, problem: ApiFailure | undefined): Html {
  const id = `field-${field.name}`;
  const hints = [
    field.description ? `${id}-description` : "",
    field.set && field.secret ? `${id}-stored` : "",
    problem?.message.startsWith(`${field.name}:`) ||
    problem?.message.includes(`values.${field.name}`)
      ? "credentials-problem"
      : "",
  ].filter(Boolean);
  const invalid = hints.includes("credentials-problem");
  return html`<label for="${id}">${field.label ?? field.name}${field.optional ? " (optional)" : ""}</label>
${field.description ? html`<p class="hint" id="${id}-description">${field.description}</p>` : ""}
${field.set && field.secret ? html`<p class="hint" id="${id}-stored">A value is stored (hidden). Leave this empty to keep it.</p>` : ""}
<input id="${id}" name="${field.secret ? "secret" : "value"}:${field.name}" type="${field.secret ? "password" : "text"}" autocomplete="off"${field.secret ? html` spellcheck="false"` : ""}
 placeholder="${field.placeholder ?? ""}"${!field.secret && field.value ? html` value="${field.value}"` : ""}${!field.optional && !field.set ? " required" : ""}${hints.length > 0 ? html` aria-describedby="${hints.join(" ")}"` : ""}${invalid ? html` aria-invalid="true"` : ""}>`;
}
