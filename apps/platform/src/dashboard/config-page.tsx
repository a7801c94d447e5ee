/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiFailure } from "./api.js";
import { authLabels, CsrfField, SecretInput } from "./components/index.js";
import {
  type ConfigFormValues,
  configOfValues,
  controlOf,
  NEW_ROWS,
  rowsSection,
  showsBack,
  type ValueRow,
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

/** What the form shows after a refused save: what was posted, and each problem where it is. */
interface Refused {
  values: ConfigFormValues;
  version: string;
  /** The API's message, for the banner. */
  message: string;
  /** Problems by the id of the control they are about. */
  atControls: Map<string, string[]>;
}

/** Problem text for a control, and what the control must say about it. */
function problemOf(refused: Refused | undefined, id: string) {
  const messages = refused?.atControls.get(id);
  if (!messages) return { error: null, describedBy: [] as string[], invalid: false };
  return {
    error: (
      <p class="error" id={`${id}-error`}>
        {messages.join("; ")}
      </p>
    ),
    describedBy: [`${id}-error`],
    invalid: true,
  };
}

const describedBy = (ids: string[]) => (ids.length > 0 ? ids.join(" ") : undefined);

interface FieldProps {
  id: string;
  name: string;
  label: string;
  value: string;
  hint?: string;
  refused: Refused | undefined;
  type?: "text" | "number";
  multiline?: boolean;
  required?: boolean;
}

function Field(props: FieldProps) {
  const { error, describedBy: errorIds, invalid } = problemOf(props.refused, props.id);
  const ids = [...(props.hint ? [`${props.id}-hint`] : []), ...errorIds];
  const shared = {
    id: props.id,
    name: props.name,
    "aria-describedby": describedBy(ids),
    "aria-invalid": invalid ? "true" : undefined,
    spellcheck: false,
  };
  return (
    <>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.multiline ? (
        <textarea {...shared} rows={4}>
          {props.value}
        </textarea>
      ) : (
        <input
          {...shared}
          type={props.type ?? "text"}
          autocomplete="off"
          required={props.required}
          value={props.value}
          {...(props.type === "number" ? { min: 1, inputmode: "numeric" } : {})}
        />
      )}
      {error}
    </>
  );
}

function ValueRowFields({
  row,
  index,
  newNumber,
  noun,
  section,
  refused,
}: {
  row: ValueRow;
  index: number;
  /** 1, 2… for the rows that add a value; undefined for a stored one. */
  newNumber: number | undefined;
  noun: string;
  section: string;
  refused: Refused | undefined;
}) {
  const id = `row-${index}`;
  const { error, describedBy: errorIds, invalid } = problemOf(refused, id);
  const hidden = (name: string, value: string) => (
    <input type="hidden" name={`${id}-${name}`} value={value} />
  );
  if (newNumber !== undefined) {
    const value = showsBack(`${section}.${row.name}`, row.value) ? row.value : "";
    return (
      <div class="pair">
        <div>
          <label for={`${id}-name`}>
            Name of new {noun} {newNumber}
          </label>
          <input
            id={`${id}-name`}
            name={`${id}-name`}
            type="text"
            autocomplete="off"
            spellcheck={false}
            value={row.name}
            aria-describedby={describedBy(errorIds)}
            aria-invalid={invalid ? "true" : undefined}
          />
        </div>
        <div>
          <label for={`${id}-value`}>
            Value of new {noun} {newNumber}
          </label>
          <input
            id={`${id}-value`}
            name={`${id}-value`}
            type="text"
            autocomplete="off"
            spellcheck={false}
            value={value}
            aria-describedby={describedBy(errorIds)}
            aria-invalid={invalid ? "true" : undefined}
          />
        </div>
        {error}
      </div>
    );
  }
  const hintId = `${id}-hint`;
  const typedBack = !row.masked && showsBack(`${section}.${row.name}`, row.value);
  return (
    <div class="pair">
      {hidden("name", row.name)}
      {hidden("existing", "yes")}
      {row.masked ? hidden("masked", "yes") : null}
      <div>
        <label for={`${id}-value`}>
          Value of <code>{row.name}</code>
        </label>
        {row.masked ? (
          <>
            <p class="hint" id={hintId}>
              set — leave empty to keep
            </p>
            <SecretInput
              id={`${id}-value`}
              name={`${id}-value`}
              describedBy={[hintId, ...errorIds]}
              invalid={invalid}
            />
          </>
        ) : (
          <input
            id={`${id}-value`}
            name={`${id}-value`}
            type="text"
            autocomplete="off"
            spellcheck={false}
            value={typedBack ? row.value : ""}
            aria-describedby={describedBy(errorIds)}
            aria-invalid={invalid ? "true" : undefined}
          />
        )}
      </div>
      <div class="check">
        <input
          id={`${id}-remove`}
          name={`${id}-remove`}
          type="checkbox"
          value="yes"
          checked={row.remove}
        />
        <label for={`${id}-remove`}>
          Remove <code>{row.name}</code>
        </label>
      </div>
      {error}
    </div>
  );
}

function ValueRows({
  config,
  values,
  refused,
}: {
  config: ConfigAnswer["config"];
  values: ConfigFormValues;
  refused: Refused | undefined;
}) {
  const section = rowsSection(config);
  const noun = section === "env" ? "variable" : "header";
  let added = 0;
  return (
    <fieldset>
      <legend>
        {section === "env" ? "Environment of the process (env)" : "Headers sent to the server"}
      </legend>
      <p class="hint">
        A value with a reference (<code>{"${NAME}"}</code>, <code>{"${cred.field}"}</code>) is
        shown. A value typed as it is may be a secret: it is kept in the file but never shown again
        (after a refused save, type it again). Put secrets in a variable on the Environment tab and
        refer to it instead.
      </p>
      {values.rows.map((row, index) => {
        const newNumber = row.existing ? undefined : ++added;
        return (
          <ValueRowFields
            row={row}
            index={index}
            newNumber={newNumber}
            noun={noun}
            section={section}
            refused={refused}
          />
        );
      })}
    </fieldset>
  );
}

function KindFields({
  config,
  values,
  refused,
}: {
  config: ConfigAnswer["config"];
  values: ConfigFormValues;
  refused: Refused | undefined;
}) {
  if (config.kind === "stdio") {
    return (
      <>
        <Field
          id="cfg-command"
          name="command"
          label="Command"
          value={values.command}
          required
          refused={refused}
        />
        <Field
          id="cfg-args"
          name="args"
          label="Arguments"
          hint="One per line."
          value={values.args}
          multiline
          refused={refused}
        />
        <ValueRows config={config} values={values} refused={refused} />
        <Field
          id="cfg-cwd"
          name="cwd"
          label="Working directory"
          hint="Inside the file's folder; empty: that folder."
          value={values.cwd}
          refused={refused}
        />
      </>
    );
  }
  const transport = problemOf(refused, "cfg-transport");
  return (
    <>
      <Field id="cfg-url" name="url" label="URL" value={values.url} required refused={refused} />
      <label for="cfg-transport">Transport</label>
      <select
        id="cfg-transport"
        name="transport"
        aria-describedby={describedBy(transport.describedBy)}
        aria-invalid={transport.invalid ? "true" : undefined}
      >
        <option value="streamable-http" selected={values.transport === "streamable-http"}>
          Streamable HTTP
        </option>
        <option value="sse" selected={values.transport === "sse"}>
          SSE (2024-11-05)
        </option>
      </select>
      {transport.error}
      <ValueRows config={config} values={values} refused={refused} />
      <Field
        id="cfg-timeoutSeconds"
        name="timeoutSeconds"
        label="Timeout of a request (seconds)"
        type="number"
        value={values.timeoutSeconds}
        refused={refused}
      />
    </>
  );
}

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
