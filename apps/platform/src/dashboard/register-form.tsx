/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Badge, CsrfField, ErrorBanner } from "./components/index.js";
import { serverPath } from "./server-common.js";
import type { RegisteredServer } from "./shapes.js";

/** What the register form shows after a post: the API's refusal, or what it registered. */
export type RegisterState = { path: string; problem: string } | { registered: RegisteredServer };

function RegisteredResult({ server }: { server: RegisteredServer }) {
  // Registered all the same when the deploy failed: one after fixing it (variables, say) runs it.
  return (
    <section
      class={server.problem === null ? "notice" : "banner"}
      aria-label={`Registered ${server.name}`}
    >
      <p>
        Registered <a href={serverPath(server.name)}>{server.name}</a>. Status:{" "}
        <Badge status={server.status} />
      </p>
      {server.problem === null ? null : (
        <p class="error">Its first deploy failed: {server.problem}</p>
      )}
    </section>
  );
}

/**
 * The admin's form for POST /api/servers: a folder holding gumstack.yaml, or a proxied server's
 * .yaml file, on the platform's own machine (registering runs its code here, hence admins only).
 */
export function RegisterSection({
  csrf,
  state,
}: {
  csrf: string;
  state: RegisterState | undefined;
}) {
  const refused = state !== undefined && "problem" in state ? state : undefined;
  return (
    <section aria-labelledby="register-heading">
      <h2 id="register-heading">Register a server</h2>
      {state !== undefined && "registered" in state ? (
        <RegisteredResult server={state.registered} />
      ) : null}
      <ErrorBanner id="register-problem" message={refused?.problem} />
      <form method="post" action="/servers" class="stack">
        <CsrfField token={csrf} />
        <label for="register-path">Path on the platform's machine</label>
        <p class="hint" id="register-path-hint">
          A folder holding gumstack.yaml (a hosted server), or a proxied server's .yaml file (kind:
          stdio). It runs on this machine, as the platform's user, in its sandbox.
        </p>
        <input
          id="register-path"
          name="path"
          type="text"
          required
          autocomplete="off"
          spellcheck={false}
          value={refused?.path ?? ""}
          aria-describedby={`register-path-hint${refused ? " register-problem" : ""}`}
          aria-invalid={refused ? "true" : undefined}
        />
        <button type="submit">Register and deploy</button>
      </form>
    </section>
  );
}
