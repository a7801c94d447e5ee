/**
 * Narrowing helpers for JSON from the network: every body is `unknown` until these checks pass.
 * They say only whether a value has a shape; the caller decides which error that is.
 */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty string, or undefined for anything else (absent, null, "", a number...). */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
