/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Api, ApiFailure } from "./api.js";
import {
  ActionButton,
  Badge,
  CsrfField,
  DataTable,
  ErrorBanner,
  Moment,
  SecretInput,
} from "./components/index.js";
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
  | { kind: "cred"; fields: CredentialField[]; updatedAt: string | null }
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

interface AccountSectionProps {
  server: ServerListItem;
  account: Account;
  csrf: string;
  credentialProblem?: ApiFailure | undefined;
}

export function AccountSection({ server, account, csrf, credentialProblem }: AccountSectionProps) {
  if (account.kind === "oauth")
    return <ConnectionsSection server={server} account={account} csrf={csrf} />;
  if (account.kind === "cred")
    return (
      <CredentialsSection
        server={server}
        account={account}
        csrf={csrf}
        problem={credentialProblem}
      />
    );
  return (
    <section aria-labelledby="account-heading">
      <h2 id="account-heading">Your account</h2>
      <p>
        Nothing to connect: this server uses credentials its operator set as environment variables.
      </p>
    </section>
  );
}

function ConnectionsSection({
  server,
  account,
  csrf,
}: {
  server: ServerListItem;
  account: Extract<Account, { kind: "oauth" }>;
  csrf: string;
}) {
  const href = connectHref(account.connectUrl, server.name);
  const base = serverPath(server.name);
  return (
    <section aria-labelledby="account-heading">
      <h2 id="account-heading">Your connected accounts</h2>
      {account.connections.length === 0 ? (
        <p>
          You have not connected an account yet. The server's tools act as the account you connect.
        </p>
      ) : (
        <DataTable columns={["Account", "Status", "Connected", "Refreshed", "Actions"]}>
          {account.connections.map((connection) => (
            <tr>
              <td>
                <strong>{connection.nickname}</strong>
                <br />
                <span class="muted">{connection.provider}</span>
                {connection.lastError ? <p class="error">{connection.lastError}</p> : null}
              </td>
              <td>
                <Badge status={connection.status} />
              </td>
              <td>
                <Moment value={connection.connectedAt} />
              </td>
              <td>
                <Moment value={connection.refreshedAt} />
              </td>
              <td>
                <div class="actions">
                  <a
                    class="button secondary"
                    href={href}
                    aria-label={`Reconnect ${connection.nickname}`}
                  >
                    Reconnect
                  </a>
                  <ActionButton
                    action={`${base}/connections/${encodeURIComponent(connection.id)}/disconnect`}
                    label="Disconnect"
                    csrf={csrf}
                    tone="danger"
                    accessibleLabel={`Disconnect ${connection.nickname}`}
                  />
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <p>
        <a class="button" href={href}>
          {account.connections.length === 0 ? "Connect" : "Connect another account"}
        </a>
      </p>
    </section>
  );
}

function CredentialsSection({
  server,
  account,
  csrf,
  problem,
}: {
  server: ServerListItem;
  account: Extract<Account, { kind: "cred" }>;
  csrf: string;
  problem: ApiFailure | undefined;
}) {
  const base = serverPath(server.name);
  const anySet = account.fields.some((field) => field.set);
  return (
    <section aria-labelledby="account-heading">
      <h2 id="account-heading">Your credentials</h2>
      <p>
        {anySet ? (
          <>
            Saved
            {account.updatedAt ? (
              <>
                {" "}
                <Moment value={account.updatedAt} />
              </>
            ) : null}
            . Secret values are never shown again; enter one only to replace it.
          </>
        ) : (
          "Enter your credentials. They are encrypted and only this server's tools can use them."
        )}
      </p>
      <ErrorBanner id="credentials-problem" message={problem?.message} />
      <form method="post" action={`${base}/credentials`} class="stack" autocomplete="off">
        <CsrfField token={csrf} />
        {account.fields.map((field) => (
          <CredentialInput field={field} problem={problem} />
        ))}
        <button type="submit">Save credentials</button>
      </form>
      {anySet ? (
        <ActionButton
          action={`${base}/credentials/delete`}
          label="Forget my credentials"
          csrf={csrf}
          tone="danger"
        />
      ) : null}
    </section>
  );
}

/** Secret fields are password inputs, and no stored value is ever put back into the page. */
function CredentialInput({
  field,
  problem,
}: {
  field: CredentialField;
  problem: ApiFailure | undefined;
}) {
  const id = `field-${field.name}`;
  const invalid =
    problem !== undefined &&
    (problem.message.startsWith(`${field.name}:`) ||
      problem.message.includes(`values.${field.name}`));
  const hints = [
    field.description ? `${id}-description` : "",
    field.set && field.secret ? `${id}-stored` : "",
    invalid ? "credentials-problem" : "",
  ].filter(Boolean);
  const required = !field.optional && !field.set;
  return (
    <>
      <label for={id}>
        {field.label ?? field.name}
        {field.optional ? " (optional)" : ""}
      </label>
      {field.description ? (
        <p class="hint" id={`${id}-description`}>
          {field.description}
        </p>
      ) : null}
      {field.set && field.secret ? (
        <p class="hint" id={`${id}-stored`}>
          A value is stored (hidden). Leave this empty to keep it.
        </p>
      ) : null}
      {field.secret ? (
        <SecretInput
          id={id}
          name={`secret:${field.name}`}
          placeholder={field.placeholder ?? ""}
          required={required}
          describedBy={hints}
          invalid={invalid}
        />
      ) : (
        <input
          id={id}
          name={`value:${field.name}`}
          type="text"
          autocomplete="off"
          placeholder={field.placeholder ?? ""}
          value={field.value ?? undefined}
          required={required}
          aria-describedby={hints.length > 0 ? hints.join(" ") : undefined}
          aria-invalid={invalid ? "true" : undefined}
        />
      )}
    </>
  );
}
