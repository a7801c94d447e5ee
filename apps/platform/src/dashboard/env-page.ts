import type { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../env.js";
import { ApiFailure } from "./api.js";
import { actionButton, type Html, moment } from "./html.js";
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
}

function variablesTable(base: string, variables: EnvVariable[], csrf: string): Html {
  if (variables.length === 0) return html`<p>No variables yet.</p>`;
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Updated</th><th scope="col">Actions</th></tr></thead>
<tbody>${variables.map(
    (variable) => html`<tr>
<th scope="row"><code>${variable.name}</code></th>
<td><span aria-label="masked value">${variable.preview}</span></td>
<td>${moment(variable.updatedAt)}</td>
<td>
<details><summary>Edit<span class="visually-hidden"> ${variable.name}</span></summary>
<form method="post" action="${base}/env" class="row">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="name" value="${variable.name}">
<div><label for="value-${variable.name}">New value for ${variable.name}</label>
<input id="value-${variable.name}" name="value" type="password" autocomplete="off" spellcheck="false"></div>
<button type="submit">Save</button>
</form></details>
${actionButton(`${base}/env/${encodeURIComponent(variable.name)}/delete`, "Delete", csrf, { tone: "danger", accessibleLabel: `Delete ${variable.name}` })}
</td></tr>`,
  )}</tbody></table></div>`;
}

function addForm(base: string, csrf: string, state?: EnvFormState): Html {
  return html`<section aria-labelledby="add-heading">
<h2 id="add-heading">Add or change a variable</h2>
${state ? html`<p class="error" role="alert" id="env-problem">${state.problem}</p>` : ""}
<form method="post" action="${base}/env" class="stack">
<input type="hidden" name="csrf" value="${csrf}">
<label for="env-name">Name</label>
<p class="hint" id="env-name-hint">Letters, digits and underscores. GUMSTACK_* and GUMLOOP_* belong to the platform.</p>
<input id="env-name" name="name" type="text" required autocomplete="off" spellcheck="false" value="${state?.name ?? ""}"
 aria-describedby="env-name-hint${state ? " env-problem" : ""}"${state ? html` aria-invalid="true"` : ""}>
<label for="env-value">Value</label>
<p class="hint" id="env-value-hint">Stored encrypted and never shown again; the list shows a masked preview.</p>
<input id="env-value" name="value" type="password" autocomplete="off" spellcheck="false" aria-describedby="env-value-hint">
<button type="submit">Save variable</button>
</form>
</section>`;
}

async function envPage(context: PageContext, name: string, state?: EnvFormState) {
  const { api, me } = context;
  const server = await loadServer(api, name);
  requireOwner(server);
  const { variables } = await api.json(envList, "GET", `${apiServerPath(name)}/env`);
  const base = serverPath(name);
  const content = html`<p>The server's processes get these variables when they start: a change takes effect at the next deploy.</p>
${variablesTable(base, variables, me.csrfToken)}
${addForm(base, me.csrfToken, state)}`;
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
      if (name === "")
        return envPage(context, server, { name, problem: "name: must not be empty" });
      try {
        await api.write("PUT", `${apiServerPath(server)}/env/${encodeURIComponent(name)}`, {
          body: { value: form.value ?? "" },
          csrf: form.csrf ?? "",
        });
      } catch (error) {
        // The API's own words, next to the field: "name: GUMSTACK_X is reserved…".
        if (error instanceof ApiFailure && error.status === 400)
          return envPage(context, server, { name, problem: error.message });
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
