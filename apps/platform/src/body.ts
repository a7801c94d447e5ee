import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors.js";

/** The request's JSON body, checked: a bad one is a 400 whose message names each bad field. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError("bad_request", "the body must be a JSON object");
  }
  const nul = pathOfNul(body, []);
  if (nul !== undefined) {
    throw new ApiError("bad_request", `${nul || "body"}: must not contain a NUL character`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    throw new ApiError("bad_request", problems.join("; "));
  }
  return parsed.data;
}

/**
 * Where the first string holding a NUL character is (a dotted path), if any: Postgres text
 * cannot store one, so such a value would fail at the database as a 500 instead of a 400 here.
 */
function pathOfNul(value: unknown, path: readonly (string | number)[]): string | undefined {
  if (typeof value === "string") return value.includes("\0") ? path.join(".") : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = [...path, Array.isArray(value) ? Number(key) : key];
    if (key.includes("\0")) return here.join(".");
    const found = pathOfNul(item, here);
    if (found !== undefined) return found;
  }
  return undefined;
}
