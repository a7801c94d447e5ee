/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiFailure } from "./api.js";
import { authLabels, CsrfField } from "./components/index.js";
import { describedBy, Field, KindFields, problemOf, type Refused } from "./config-fields.js";
import {
  type ConfigFormValues,
  configOfValues,
  controlOf,
  NEW_ROWS,
  valuesOfConfig,
  valuesOfForm,
} from "./config-form.js";
import { formOf, type PageContext, signedIn } from "./respond.js";
import {
  apiServerPath,
  loadServer,
  requireOwner,
  sendServerPage,
  serverPath,
} from "./server-common.js";
import { type ConfigAnswer, configAnswer, type ServerListItem, savedConfig } from "./shapes.js";

function AuthFacts({ auth }: { auth: ConfigAnswer["config"]["auth"] }) {
  return (
    <section aria-labelledby="auth-heading">
      <h2 id="auth-heading">Authentication</h2>
      <p>Fixed when the server was registered: shown here, not edited.</p>
      <dl class="facts">
        <dt>Mode</dt>
        <dd>{authLabels[auth.type]}</dd>
        {auth.type === "cred" ? (
          <>
            <dt>Fields each user fills in</dt>
            <dd>
              {auth.fields.map((field, i) => (
                <>
                  {i > 0 ? ", " : ""}
                  <code>{field.name}</code>
                  {field.secret ? " (secret)" : ""}
                </>
              ))}
            </dd>
          </>
        ) : null}
        {auth.type === "none" ? (
          <>
            <dt>Variables it uses</dt>
            <dd>
              {auth.env.length === 0
                ? "none"
                : auth.env.map((name, i) => (
                    <>
                      {i > 0 ? ", " : ""}
                      <code>{name}</code>
                    </>
                  ))}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

function ConfigForm({
  server,
  answer,
  values,
  version,
  csrf,
  refused,
}: {
  server: ServerListItem;
  answer: ConfigAnswer;
  values: ConfigFormValues;
  version: string;
  csrf: string;
  refused: Refused | undefined;
}) {
  const prefix = problemOf(refused, "cfg-prefix");
  return (
    <form method="post" action={`${serverPath(server.name)}/config`} class="stack wide">
      <CsrfField token={csrf} />
      <input type="hidden" name="version" value={version} />
      <Field
        id="cfg-description"
        name="description"
        label="Description"
        value={values.description}
        refused={refused}
      />
      <KindFields config={answer.config} values={values} refused={refused} />
      <fieldset>
        <legend>Tools</legend>
        <Field
          id="cfg-allow"
          name="allow"
          label="Allowed tools"
          hint="Names or globs (create_*), one per line; empty: every tool."
          value={values.allow}
          multiline
          refused={refused}
        />
        <Field
          id="cfg-deny"
          name="deny"
          label="Denied tools"
          hint="One per line; wins over allowed. A denied tool is not listed, and a call to it is refused."
          value={values.deny}
          multiline
          refused={refused}
        />
        <div class="check">
          <input
            id="cfg-prefix"
            name="prefix"
            type="checkbox"
            value="yes"
            checked={values.prefix}
            aria-describedby={describedBy(["cfg-prefix-hint", ...prefix.describedBy])}
          />
          <label for="cfg-prefix">Prefix tool names with the server's</label>
          <p class="hint" id="cfg-prefix-hint">
            As in {server.name}_create_issue, to keep names apart from other servers'.
          </p>
          {prefix.error}
        </div>
      </fieldset>
      <fieldset>
        <legend>Processes</legend>
        <Field
          id="cfg-idleMinutes"
          name="idleMinutes"
          label="Idle time (minutes)"
          hint="A user's process stops after this long unused."
          type="number"
          value={values.idleMinutes}
          refused={refused}
        />
        <Field
          id="cfg-startSeconds"
          name="startSeconds"
          label="Start time allowed (seconds)"
          hint="A first start may install packages (npx -y, uvx)."
          type="number"
          value={values.startSeconds}
          refused={refused}
        />
        <Field
          id="cfg-maxProcesses"
          name="maxProcesses"
          label="Per-user processes at most"
          type="number"
          value={values.maxProcesses}
          refused={refused}
        />
      </fieldset>
      <button type="submit">Save and deploy</button>
    </form>
  );
}

/** Rows for adding values after the stored ones, as many as NEW_ROWS are empty. */
function withNewRows(values: ConfigFormValues): ConfigFormValues {
  const empty = values.rows.filter((row) => !row.existing && row.name === "" && row.value === "");
  const rows = [...values.rows];
  for (let i = empty.length; i < NEW_ROWS; i++)
    rows.push({ name: "", value: "", masked: false, existing: false, remove: false });
  return { ...values, rows };
}

/** A server's configuration page: only a proxied one has a file edited here. */
async function configPage(context: PageContext, name: string, refused?: Refused) {
  const { api, me } = context;
  const server = await loadServer(api, name);
  requireOwner(server);
  if (server.kind === "hosted") {
    throw new ApiFailure(
      404,
      "not_found",
      `${server.name} is a hosted server: its gumstack.yaml is part of its code, changed in its folder.`,
    );
  }
  const answer = await api.json(configAnswer, "GET", `${apiServerPath(name)}/config`);
  const values = withNewRows(refused?.values ?? valuesOfConfig(answer.config));
  const placed = new Set(refused?.atControls.keys() ?? []);
  const content = (
    <>
      <p>
        Saving writes <code>{answer.file}</code> (keeping its comments) and deploys it. If the new
        configuration does not start, the previous file is put back.
      </p>
      {refused ? (
        <div class="error lines" role="alert" id="config-problem">
          {placed.size > 0 ? "Not saved: see the fields marked below.\n" : ""}
          {refused.message}
        </div>
      ) : null}
      <ConfigForm
        server={server}
        answer={answer}
        values={values}
        version={refused?.version ?? answer.version}
        csrf={me.csrfToken}
        refused={refused}
      />
      <AuthFacts auth={answer.config.auth} />
    </>
  );
  return sendServerPage(context, server, "config", content, refused ? 400 : 200);
}

/** The API's problems, each at the form control it is about (those at none stay in the banner). */
function placed(failure: ApiFailure, values: ConfigFormValues): Map<string, string[]> {
  const atControls = new Map<string, string[]>();
  for (const problem of failure.fields) {
    const control = controlOf(problem.field, values);
    if (control === undefined) continue;
    atControls.set(control, [
      ...(atControls.get(control) ?? []),
      `${problem.field}: ${problem.message}`,
    ]);
  }
  return atControls;
}

/**
 * A proxied server's configuration, for an admin who owns it: its file as a form, saved through
 * PUT /api/servers/:server/config (which checks, writes and deploys it). Literal env and header
 * values are never put in the page; left empty, a masked one is kept.
 */
export function registerConfigPage(app: Hono<AppEnv>) {
  app.get(
    "/servers/:name/config",
    signedIn(app, (context) => configPage(context, context.c.req.param("name") ?? "")),
  );

  app.post(
    "/servers/:name/config",
    signedIn(app, async (context) => {
      const { c, api } = context;
      const name = c.req.param("name") ?? "";
      const form = await formOf(c);
      requireOwner(await loadServer(api, name));
      // The name, kind and auth as they are: the form does not change them.
      const current = await api.json(configAnswer, "GET", `${apiServerPath(name)}/config`);
      const values = valuesOfForm(form);
      const version = form.version ?? "";
      try {
        const saved = await api.json(savedConfig, "PUT", `${apiServerPath(name)}/config`, {
          body: { version, config: configOfValues(values, current.config) },
          csrf: form.csrf ?? "",
        });
        const notice = saved.changed ? "config-saved" : "config-unchanged";
        return c.redirect(`${serverPath(name)}/config?notice=${notice}`, 303);
      } catch (error) {
        if (!(error instanceof ApiFailure)) throw error;
        // Saved by someone else meanwhile: the form shows the file as it is now.
        if (error.status === 412) {
          return configPage(context, name, {
            values: valuesOfConfig(current.config),
            version: current.version,
            message: `${error.message}. The form now shows the configuration as it is.`,
            atControls: new Map(),
          });
        }
        if (error.status === 422 || (error.status === 409 && error.code !== "not_proxied")) {
          return configPage(context, name, {
            values,
            version,
            message: error.message,
            atControls: placed(error, values),
          });
        }
        throw error;
      }
    }),
  );
}
