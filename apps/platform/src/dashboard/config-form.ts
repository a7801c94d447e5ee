import { isTemplated } from "../proxied/edit-mask.js";
import { TemplateError } from "../proxied/templates.js";
import type { ShownConfig } from "./shapes.js";

/*
 * The Configuration form's values, both ways: from the API's answer to the form's fields, and
 * from a posted form back to the configuration the API saves. Lists are one item per line;
 * env (or headers) are rows of name and value. A row whose value is masked has no value in the
 * page: left empty it is sent as `{ "set": true }`, which keeps the stored one.
 */

export interface ValueRow {
  name: string;
  /** As typed; for a masked row, empty unless a new value was typed (never the stored one). */
  value: string;
  /** The stored value is a literal: shown only as set. */
  masked: boolean;
  /** In the file already (its name is fixed here: remove it and add another to rename). */
  existing: boolean;
  remove: boolean;
}

export interface ConfigFormValues {
  description: string;
  command: string;
  args: string;
  cwd: string;
  url: string;
  transport: string;
  timeoutSeconds: string;
  /** env of a stdio server, headers of a remote one. */
  rows: ValueRow[];
  allow: string;
  deny: string;
  prefix: boolean;
  idleMinutes: string;
  startSeconds: string;
  maxProcesses: string;
}

/** Empty rows the form offers for adding values (without a script, rows cannot be added). */
export const NEW_ROWS = 2;
/** More rows than any honest form posts: the loop reading them stops here. */
const MAX_ROWS = 512;

export const rowsSection = (config: ShownConfig) => (config.kind === "stdio" ? "env" : "headers");

export function valuesOfConfig(config: ShownConfig): ConfigFormValues {
  const shown = config.kind === "stdio" ? config.env : config.headers;
  return {
    description: config.description,
    command: config.kind === "stdio" ? config.command : "",
    args: config.kind === "stdio" ? config.args.join("\n") : "",
    cwd: config.kind === "stdio" ? (config.cwd ?? "") : "",
    url: config.kind === "remote" ? config.url : "",
    transport: config.kind === "remote" ? config.transport : "",
    timeoutSeconds: config.kind === "remote" ? String(config.timeoutSeconds) : "",
    rows: Object.entries(shown).map(([name, value]) => ({
      name,
      value: typeof value === "string" ? value : "",
      masked: typeof value !== "string",
      existing: true,
      remove: false,
    })),
    allow: config.tools.allow.join("\n"),
    deny: config.tools.deny.join("\n"),
    prefix: config.tools.prefix,
    idleMinutes: String(config.idleMinutes),
    startSeconds: String(config.startSeconds),
    maxProcesses: String(config.maxProcesses),
  };
}

/** The posted form's values, in the same shape (rows as posted: `row-<n>-name`, …). */
export function valuesOfForm(form: Readonly<Record<string, string>>): ConfigFormValues {
  const rows: ValueRow[] = [];
  for (let n = 0; n < MAX_ROWS && form[`row-${n}-name`] !== undefined; n++) {
    rows.push({
      name: (form[`row-${n}-name`] ?? "").trim(),
      value: form[`row-${n}-value`] ?? "",
      masked: form[`row-${n}-masked`] === "yes",
      existing: form[`row-${n}-existing`] === "yes",
      remove: form[`row-${n}-remove`] === "yes",
    });
  }
  const text = (name: string) => form[name] ?? "";
  return {
    description: text("description"),
    command: text("command"),
    args: text("args"),
    cwd: text("cwd"),
    url: text("url"),
    transport: text("transport"),
    timeoutSeconds: text("timeoutSeconds"),
    rows,
    allow: text("allow"),
    deny: text("deny"),
    prefix: form.prefix === "yes",
    idleMinutes: text("idleMinutes"),
    startSeconds: text("startSeconds"),
    maxProcesses: text("maxProcesses"),
  };
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

/** A whole number as typed; anything else is sent as typed, for the API to name the field. */
const numberOf = (text: string): number | string | undefined => {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed;
};

/**
 * The configuration to save: the form's values over what the API answered (the name, kind and
 * auth, which the form does not change). An empty number field means its default.
 */
export function configOfValues(
  values: ConfigFormValues,
  current: ShownConfig,
): Record<string, unknown> {
  const record: Record<string, string | { set: true }> = {};
  for (const row of values.rows) {
    if (row.remove || (!row.existing && row.name === "" && row.value === "")) continue;
    record[row.name] = row.masked && row.value === "" ? { set: true } : row.value;
  }
  const common = {
    name: current.name,
    kind: current.kind,
    description: values.description.trim(),
    auth: current.auth,
    tools: { allow: lines(values.allow), deny: lines(values.deny), prefix: values.prefix },
    idleMinutes: numberOf(values.idleMinutes),
    startSeconds: numberOf(values.startSeconds),
    maxProcesses: numberOf(values.maxProcesses),
  };
  if (current.kind === "stdio") {
    const cwd = values.cwd.trim();
    return {
      ...common,
      command: values.command.trim(),
      args: lines(values.args),
      env: record,
      ...(cwd === "" ? {} : { cwd }),
    };
  }
  return {
    ...common,
    url: values.url.trim(),
    transport: values.transport,
    headers: record,
    timeoutSeconds: numberOf(values.timeoutSeconds),
  };
}

/**
 * Whether a typed value may be put back into the page after a refused save: a template (names,
 * as the API shows) may; a literal, perhaps a secret, is typed again instead.
 */
export function showsBack(field: string, value: string): boolean {
  try {
    return isTemplated(field, value);
  } catch (error) {
    // A template with a syntax error: shown back, so the mistake can be corrected.
    if (error instanceof TemplateError) return true;
    throw error;
  }
}

/** The form control a problem of the API (`env.TOKEN`, `args[2]`) is shown at, if any. */
export function controlOf(field: string, values: ConfigFormValues): string | undefined {
  const [head = "", rest] = field.split(/[.[]/, 2);
  const scalars = [
    "description",
    "command",
    "cwd",
    "url",
    "transport",
    "timeoutSeconds",
    "idleMinutes",
    "startSeconds",
    "maxProcesses",
  ];
  if (scalars.includes(field)) return `cfg-${field}`;
  if (head === "args") return "cfg-args";
  if (head === "tools" && rest !== undefined) {
    const which = field.slice("tools.".length).split(/[.[]/)[0];
    if (which === "allow" || which === "deny" || which === "prefix") return `cfg-${which}`;
  }
  if (head === "env" || head === "headers") {
    const name = field.slice(head.length + 1);
    const index = values.rows.findIndex((row) => row.name === name && !row.remove);
    return index < 0 ? undefined : `row-${index}`;
  }
  return undefined;
}
