/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { CsrfField, Layout } from "../dashboard/components/index.js";
import type { Me } from "../dashboard/shapes.js";
import type { AuthorizeRequest } from "./authorize-request.js";
import type { McpClient } from "./contracts.js";
import { redirectHostOf } from "./redirect-targets.js";
import type { ServerSetup } from "./server-setup.js";

/**
 * How far the client's name can be trusted: a metadata document is served from its client_id's
 * host, so that host vouches for it; an operator registered a pre-registered one; anyone can
 * register a client under any name.
 */
function ClientIdentity({ client }: { client: McpClient }) {
  if (client.kind === "metadata-document")
    return (
      <p>
        <span class="badge good">Verified</span> Its identity is published by{" "}
        <strong>{new URL(client.clientId).host}</strong>.
      </p>
    );
  if (client.kind === "preregistered")
    return (
      <p>
        <span class="badge good">Registered by your operator</span>
      </p>
    );
  return (
    <p>
      <span class="badge warn">Unverified</span> This app registered itself: Gumstack cannot confirm
      who made it or that its name is true. Allow it only if you just started connecting it
      yourself.
    </p>
  );
}

/** The step a server needs before its tools work: offered here, so the first call succeeds. */
function SetupStep({ setup, server }: { setup: ServerSetup; server: string }) {
  if (setup.kind === "ready") return null;
  if (setup.kind === "unknown")
    return (
      <section aria-labelledby="setup-heading" class="banner">
        <h2 id="setup-heading">Set up later</h2>
        <p>
          {server} is not running now ({setup.message}). Its tools will ask you for what they need.
        </p>
      </section>
    );
  return (
    <section aria-labelledby="setup-heading">
      <h2 id="setup-heading">First, set up {server}</h2>
      {setup.kind === "connect" ? (
        <>
          <p>
            {server}'s tools act as your {setup.provider} account, which is not connected yet.
            Connect it now and you come back here.
          </p>
          <p>
            <a class="button" href={setup.href}>
              Connect {setup.provider} first
            </a>
          </p>
        </>
      ) : (
        <>
          <p>
            {server}'s tools need your own credentials, which you have not entered yet. Enter them
            now and you come back here.
          </p>
          <p>
            <a class="button" href={setup.href}>
              Enter your credentials first
            </a>
          </p>
        </>
      )}
    </section>
  );
}

export interface ConsentPageProps {
  me: Me;
  request: AuthorizeRequest;
  setup: ServerSetup;
  /** The request's parameters, sealed for this session (pending.ts). */
  pending: string;
  /** The user allowed this client on this server before. */
  remembered: boolean;
}

export function ConsentPage({ me, request, setup, pending, remembered }: ConsentPageProps) {
  const { client, server } = request;
  const account = me.user.email ?? me.user.name;
  return (
    <Layout title={`Allow ${client.name} to use ${server.name}?`} me={me}>
      {remembered ? (
        <p class="notice" role="status">
          You allowed this app before. Allow again to go back to it.
        </p>
      ) : null}
      <section aria-labelledby="client-heading">
        <h2 id="client-heading">The app</h2>
        <dl class="facts">
          <dt>Name</dt>
          <dd>
            <strong>{client.name}</strong>
          </dd>
          <dt>Returns you to</dt>
          <dd>
            <code>{redirectHostOf(request.redirectUri)}</code>
          </dd>
        </dl>
        <ClientIdentity client={client} />
      </section>
      <section aria-labelledby="access-heading">
        <h2 id="access-heading">What it will be able to do</h2>
        <p>
          On the server <strong>{server.name}</strong>, as your account <strong>{account}</strong>:
        </p>
        <ul>
          <li>call its tools, which act as you;</li>
          <li>read its resources and prompts.</li>
        </ul>
        <p>
          It never sees your credentials or connected accounts for {server.name}: the server uses
          them on your behalf. You can take this access back at any time under{" "}
          <a href="/connected-apps">Connected apps</a>.
        </p>
      </section>
      <SetupStep setup={setup} server={server.name} />
      <form method="post" action="/oauth/authorize" class="actions">
        <CsrfField token={me.csrfToken} />
        <input type="hidden" name="pending" value={pending} />
        <button type="submit" name="decision" value="allow">
          Allow
        </button>
        <button type="submit" name="decision" value="deny" class="secondary">
          Deny
        </button>
      </form>
    </Layout>
  );
}

/** A request that cannot go back to the client (or should not): said here, sent nowhere. */
export function AuthorizeErrorPage({ message, me }: { message: string; me?: Me | undefined }) {
  return (
    <Layout title="Cannot connect this app" me={me}>
      <p class="error" role="alert">
        {message}
      </p>
      <p>Nothing was sent to the app. Start again from the app you were connecting.</p>
    </Layout>
  );
}
