import type { Context } from "hono";
import { OAuthError } from "./oauth-error.js";

/** A token or revocation request's parameters: each present at most once, empty ones omitted. */
export type Form = ReadonlyMap<string, string>;

/**
 * The form body of a request to the token or revocation endpoint (RFC 6749 3.2): urlencoded
 * only; nothing in the query string, where a code, token or secret would end up in logs and
 * browser history (OAuth 2.1); no parameter twice (RFC 6749 3.1), which two parsers could read
 * differently; an empty value is as if omitted (RFC 6749 3.1).
 */
export async function readForm(c: Context): Promise<Form> {
  if (new URL(c.req.url).search !== "") {
    throw new OAuthError("invalid_request", "parameters must be sent in the body, not the URL");
  }
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new OAuthError(
      "invalid_request",
      "content-type: must be application/x-www-form-urlencoded",
    );
  }
  const form = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(await c.req.text())) {
    if (form.has(name)) throw new OAuthError("invalid_request", `${name}: sent more than once`);
    if (value.includes("\0")) {
      throw new OAuthError("invalid_request", `${name}: must not contain a NUL character`);
    }
    form.set(name, value);
  }
  for (const [name, value] of form) if (value === "") form.delete(name);
  return form;
}

/** A parameter the request must carry. */
export function required(form: Form, name: string): string {
  const value = form.get(name);
  if (value === undefined) throw new OAuthError("invalid_request", `${name}: missing`);
  return value;
}
