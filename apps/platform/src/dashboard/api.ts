import type { Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.js";

/** A JSON API answer that was not a success, with the API's own code and message. */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Each problem at its field, when the API said so (a configuration refused, say). */
    readonly fields: ReadonlyArray<{ field: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** An API answer whose body is not the shape the dashboard was written against. */
export class UnexpectedAnswerError extends Error {
  override readonly name = "UnexpectedAnswerError";
}

export interface CallOptions {
  body?: unknown;
  /** The CSRF token a form carried, sent as `x-csrf-token`: the API checks it, not the dashboard. */
  csrf?: string;
}

/**
 * The dashboard is a client of the JSON API, called in process with the browser's own cookie and
 * Origin: every rule (sessions, CSRF, owner-only, reserved names) is the API's, kept in one place.
 */
export interface Api {
  send(method: string, path: string, options?: CallOptions): Promise<Response>;
  /** The parsed body of a 2xx answer; an `ApiFailure` for any other. */
  json<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<z.output<S>>;
  /** For writes that answer 204 or a body the caller ignores; an `ApiFailure` on failure. */
  write(method: string, path: string, options?: CallOptions): Promise<Response>;
}

export function apiFor(app: Hono<AppEnv>, c: Context<AppEnv>): Api {
  const send = (method: string, path: string, options: CallOptions = {}) => {
    const headers = new Headers({ accept: "application/json" });
    for (const name of ["cookie", "origin"]) {
      const value = c.req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    if (options.csrf !== undefined) headers.set("x-csrf-token", options.csrf);
    if (options.body !== undefined) headers.set("content-type", "application/json");
    return Promise.resolve(
      app.request(new URL(path, c.req.url).toString(), {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      }),
    );
  };
  const write = async (method: string, path: string, options: CallOptions = {}) => {
    const response = await send(method, path, options);
    if (!response.ok) throw await failureOf(response);
    return response;
  };
  return {
    send,
    write,
    async json(schema, method, path, options) {
      const response = await write(method, path, options);
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success)
        throw new UnexpectedAnswerError(`${method} ${path}: ${parsed.error.message}`);
      return parsed.data;
    },
  };
}

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

/** The `{ error: { code, message } }` of a failed answer, narrowed from unknown. */
export async function failureOf(response: Response): Promise<ApiFailure> {
  const parsed = errorBody.safeParse(await response.json().catch(() => undefined));
  return parsed.success
    ? new ApiFailure(
        response.status,
        parsed.data.error.code,
        parsed.data.error.message,
        parsed.data.error.fields,
      )
    : new ApiFailure(response.status, "unknown", `the API answered ${response.status}`);
}
