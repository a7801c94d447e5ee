/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiFailure } from "./api.js";
import {
  ActionButton,
  CsrfField,
  DataTable,
  ErrorBanner,
  Moment,
  SecretInput,
} from "./components/index.js";
import { formOf, localPath, type PageContext, signedIn } from "./respond.js";
import {
  apiServerPath,
  loadServer,
  requireOwner,
  sendServerPage,
  serverPath,
} from "./server-common.js";
import { type EnvVariable, envList } from "./shapes.js";

interface EnvFormState {
  /** The name the person typed, given back; a value never is. */
  name: string;
  problem: string;
  allowUnsafeName: boolean;
}

function VariablesTable({
  base,
  variables,
  csrf,
}: {
  base: string;
  variables: EnvVariable[];
  csrf: string;
}) {
  if (variables.length === 0) return <p>No variables yet.</p>;
  return (
    <DataTable columns={["Name", "Value", "Updated", "Actions"]}>
      {variables.map((variable) => (
        <tr>
          <th scope="row">
            <code>{variable.name}</code>
          </th>
          <td>
            <span class="visually-hidden">Masked value: </span>
            {variable.preview}
          </td>
          <td>
            <Moment value={variable.updatedAt} />
          </td>
          <td>
            <details>
              <summary>
                Edit<span class="visually-hidden"> {variable.name}</span>
              </summary>
              <form method="post" action={`${base}/env`} class="row">
                <CsrfField token={csrf} />
                <input type="hidden" name="name" value={variable.name} />
                <div>
                  <label for={`value-${variable.name}`}>New value for {variable.name}</label>
                  <SecretInput id={`value-${variable.name}`} name="value" />
                </div>
                <button type="submit">Save</button>
              </form>
            </details>
            <ActionButton
              action={`${base}/env/${encodeURIComponent(variable.name)}/delete`}
              label="Delete"
              csrf={csrf}
              tone="danger"
              accessibleLabel={`Delete ${variable.name}`}
            />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

interface AddFormProps {
  base: string;
  csrf: string;
  /** Only admins may set a loader or interpreter variable (the API checks it too). */
  isAdmin: boolean;
  state: EnvFormState | undefined;
}

function AddForm({ base, csrf, isAdmin, state }: AddFormProps) {
  return (
    <section aria-labelledby="add-heading">
      <h2 id="add-heading">Add or change a variable</h2>
      <ErrorBanner id="env-problem" message={state?.problem} />
      <form method="post" action={`${base}/env`} class="stack">
        <CsrfField token={csrf} />
        <label for="env-name">Name</label>
        <p class="hint" id="env-name-hint">
          Letters, digits and underscores. GUMSTACK_* and GUMLOOP_* belong to the platform.
        </p>
        <input
          id="env-name"
          name="name"
          type="text"
          required
          autocomplete="off"
          spellcheck={false}
          value={state?.name ?? ""}
          aria-describedby={`env-name-hint${state ? " env-problem" : ""}`}
          aria-invalid={state ? "true" : undefined}
        />
        {isAdmin ? (
          <div class="check">
            <input
              id="env-allow-unsafe"
              name="allowUnsafeName"
              type="checkbox"
              value="yes"
              checked={state?.allowUnsafeName ?? false}
              aria-describedby="env-allow-unsafe-hint"
            />
            <label for="env-allow-unsafe">Allow an unsafe name</label>
            <p class="hint" id="env-allow-unsafe-hint">
              Loader and interpreter variables such as LD_PRELOAD or NODE_OPTIONS change how the
              server's process runs code; they are refused unless an admin allows them here.
            </p>
          </div>
        ) : null}
        <label for="env-value">Value</label>
        <p class="hint" id="env-value-hint">
          Stored encrypted and never shown again; the list shows a masked preview.
        </p>
        <SecretInput id="env-value" name="value" describedBy={["env-value-hint"]} />
        <button type="submit">Save variable</button>
      </form>
    </section>
  );
}

async function envPage(context: PageContext, name: string, state?: EnvFormState) {
  const { api, me } = context;
  const server = await loadServer(api, name);
  requireOwner(server);
  const { variables } = await api.json(envList, "GET", `${apiServerPath(name)}/env`);
  const base = serverPath(name);
  const content = (
    <>
      <p>
        The server's processes get these variables when they start: a change takes effect at the
        next deploy.
      </p>
      <VariablesTable base={base} variables={variables} csrf={me.csrfToken} />
      <AddForm base={base} csrf={me.csrfToken} isAdmin={me.user.isAdmin} state={state} />
    </>
  );
  return sendServerPage(context, server, "env", content, state ? 400 : 200);
}

/** The owner's environment variables (write-only values) and the redeploy that applies them. */
export function registerEnvPage(app: Hono<AppEnv>) {
  app.get(
    "/servers/:name/env",
    signedIn(app, (context) => envPage(context, context.c.req.param("name") ?? "")),
  );

  app.post(
    "/servers/:name/env",
    signedIn(app, async (context) => {
      const { c, api } = context;
      const server = c.req.param("name") ?? "";
      const form = await formOf(c);
      const name = (form.name ?? "").trim();
      // Sent only when ticked: the API decides whether this user may (admins only).
      const allowUnsafeName = form.allowUnsafeName === "yes";
      if (name === "")
        return envPage(context, server, {
          name,
          problem: "name: must not be empty",
          allowUnsafeName,
        });
      try {
        await api.write("PUT", `${apiServerPath(server)}/env/${encodeURIComponent(name)}`, {
          body: { value: form.value ?? "", ...(allowUnsafeName ? { allowUnsafeName } : {}) },
          csrf: form.csrf ?? "",
        });
      } catch (error) {
        // The API's own words, next to the field: "name: GUMSTACK_X is reserved…".
        if (error instanceof ApiFailure && error.status === 400)
          return envPage(context, server, { name, problem: error.message, allowUnsafeName });
        throw error;
      }
      return c.redirect(`${serverPath(server)}/env?notice=env-saved`, 303);
    }),
  );

  app.post(
    "/servers/:name/env/:variable/delete",
    signedIn(app, async ({ c, api }) => {
      const server = c.req.param("name") ?? "";
      const form = await formOf(c);
      await api.write(
        "DELETE",
        `${apiServerPath(server)}/env/${encodeURIComponent(c.req.param("variable") ?? "")}`,
        { csrf: form.csrf ?? "" },
      );
      return c.redirect(`${serverPath(server)}/env?notice=env-deleted`, 303);
    }),
  );

  app.post(
    "/servers/:name/deploy",
    signedIn(app, async ({ c, api }) => {
      const server = c.req.param("name") ?? "";
      const form = await formOf(c);
      await api.write("POST", `${apiServerPath(server)}/deploy`, { csrf: form.csrf ?? "" });
      // Back to the page the button was on, if it is one of this server's.
      const base = serverPath(server);
      const back = localPath(form.back).split("?")[0] ?? base;
      const to = back === base || back.startsWith(`${base}/`) ? back : base;
      return c.redirect(`${to}?notice=redeployed`, 303);
    }),
  );
}
