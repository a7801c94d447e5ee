/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { SecretInput } from "./components/index.js";
import { type ConfigFormValues, rowsSection, showsBack, type ValueRow } from "./config-form.js";
import type { ConfigAnswer } from "./shapes.js";

// The Configuration form's fields: each labelled, with its hint and the API's problem at it.

/** What the form shows after a refused save: what was posted, and each problem where it is. */
export interface Refused {
  values: ConfigFormValues;
  version: string;
  /** The API's message, for the banner. */
  message: string;
  /** Problems by the id of the control they are about. */
  atControls: Map<string, string[]>;
}

/** Problem text for a control, and what the control must say about it. */
export function problemOf(refused: Refused | undefined, id: string) {
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

export const describedBy = (ids: string[]) => (ids.length > 0 ? ids.join(" ") : undefined);

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

export function Field(props: FieldProps) {
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

export function KindFields({
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
