import type { FieldProblem } from "../errors.js";
import { Template } from "./templates.js";

/*
 * Which configured values the API shows, and which it only says are set. An `env` or `headers`
 * value without any `${…}` is a literal the operator typed, and may be a secret (a token pasted
 * in): it is write-only, shown as MASKED. A value with a reference is a template, made of names
 * (`Bearer ${cred.api_key}`), and is shown whole. Sending MASKED back keeps the stored value.
 */

/** What a literal value is shown as, and sent back as to keep it. */
export const MASKED = { set: true } as const;
export type Masked = typeof MASKED;

/** The sections whose values may be secrets. */
export const MASKED_SECTIONS = ["env", "headers"] as const;

export const isMasked = (value: unknown): value is Masked =>
  typeof value === "object" &&
  value !== null &&
  Object.keys(value).length === 1 &&
  (value as { set?: unknown }).set === true;

/** Whether the value is shown: it names something (`${…}`) rather than being typed as is. */
export function isTemplated(field: string, value: string): boolean {
  return Template.parse(field, value).references.length > 0;
}

/** `record` as the API shows it: each literal value replaced by MASKED. */
export function masked(
  section: string,
  record: Readonly<Record<string, string>>,
): Record<string, string | Masked> {
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [
      name,
      isTemplated(`${section}.${name}`, value) ? value : MASKED,
    ]),
  );
}

/**
 * `config` with every MASKED value of env and headers replaced by the value stored at the same
 * name (`stored` is the file as it is). A MASKED value with nothing stored to keep is a problem
 * at its field. Everything else is left for the configuration's parser to judge.
 */
export function unmasked(
  config: Readonly<Record<string, unknown>>,
  stored: Readonly<Record<string, unknown>>,
): { config: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const result: Record<string, unknown> = { ...config };
  for (const section of MASKED_SECTIONS) {
    const given = config[section];
    if (!isRecord(given)) continue;
    const kept = isRecord(stored[section]) ? stored[section] : {};
    result[section] = Object.fromEntries(
      Object.entries(given).flatMap(([name, value]) => {
        if (!isMasked(value)) return [[name, value]];
        const old = Object.hasOwn(kept, name) ? kept[name] : undefined;
        if (typeof old === "string") return [[name, old]];
        problems.push({
          field: `${section}.${name}`,
          message: "has no stored value to keep: give its value",
        });
        return [];
      }),
    );
  }
  return { config: result, problems };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
