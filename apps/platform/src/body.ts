import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { ApiError } from "./errors.js";

/**
 * How big a request body to the app may be (the JSON API, the dashboard's and the credential
 * pages' forms). Its largest honest bodies are a 32 KiB variable or a few credential fields; a
 * bigger one is refused before it is read, so no body can make the platform hold megabytes.
 * The MCP gateway, below the app, has its own limit (gateway/handler.ts).
 */
export const MAX_BODY_BYTES = 256 * 1024;
/** Our JSON bodies are two or three levels deep; anything past this is not one of them. */
export const MAX_JSON_DEPTH = 32;

/** A body limit: declared lengths are checked up front, chunked bodies as they arrive. */
export const bodyLimitOf = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", `body: must be at most ${maxSize} bytes`);
    },
  });

/**
 * The app-wide limit. `/internal/*` is left to its routes: each takes the internal API's own
 * limit for its call (BODY_LIMITS, shared with the hosted processes that send them), which for
 * a batch of a thousand tool calls is larger than this.
 */
export function limitBodies(): MiddlewareHandler {
  const app = bodyLimitOf(MAX_BODY_BYTES);
  return function limitBodiesHandler(c, next) {
    return c.req.path.startsWith("/internal/") ? next() : app(c, next);
  };
}

/**
 * The request's JSON body, checked: sent as JSON (a cross-site form can only send text/plain,
 * urlencoded or multipart), at most MAX_JSON_DEPTH deep, with no NUL character (Postgres text
 * cannot store one), and of the route's schema; a bad one is a 400 whose message names each bad
 * field. The one reader every JSON route uses.
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(
      "unsupported_media_type",
      `content-type: must be application/json, not ${type === "" ? "missing" : JSON.stringify(type.slice(0, 100))}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError("bad_request", "body: must be a JSON object");
  }
  const problem = shapeProblem(body);
  if (problem !== undefined) throw new ApiError("bad_request", problem);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`);
    throw new ApiError("bad_request", problems.join("; "));
  }
  return parsed.data;
}

/**
 * What no schema of ours checks: nesting past MAX_JSON_DEPTH, and the first NUL character in a
 * key or string (named by its dotted path). Walked with a stack, not recursion: a body nested
 * thousands deep must be a 400, not a stack overflow.
 */
export function shapeProblem(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value, path: "", depth: 0 },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const where = item.path || "body";
    if (typeof item.value === "string") {
      if (item.value.includes("\0")) return `${where}: must not contain a NUL character`;
      continue;
    }
    if (typeof item.value !== "object" || item.value === null) continue;
    if (item.depth >= MAX_JSON_DEPTH) return `${where}: nested more than ${MAX_JSON_DEPTH} deep`;
    // Pushed in reverse, so the first problem in document order is the one reported.
    const entries = Object.entries(item.value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, unknown];
      const path = item.path === "" ? key : `${item.path}.${key}`;
      if (key.includes("\0")) return `${path}: must not contain a NUL character`;
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

/**
 * A posted HTML form's text fields (urlencoded or multipart; files and repeated fields are
 * ignored). Anything else, or a body that does not parse as a form, is a 400, not a 500.
 */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i.test(type)) {
    throw new ApiError(
      "unsupported_media_type",
      "content-type: must be a form (urlencoded or multipart)",
    );
  }
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError("bad_request", "body: not a form that can be read", { cause: error });
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string") {
      const nul = shapeProblem(value);
      if (nul) throw new ApiError("bad_request", `${name}: must not contain a NUL character`);
      fields[name] = value;
    }
  }
  return fields;
}
