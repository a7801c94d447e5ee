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
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    throw new ApiError("bad_request", problems.join("; "));
  }
  return parsed.data;
}
