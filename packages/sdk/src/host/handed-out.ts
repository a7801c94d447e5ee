import type { AuthRequired, CredAnswer, OAuthAnswer } from "@gumstack/runtime/internal-api";
import type { CallContext, FieldValues, OAuthCredentials } from "../context.js";
import { AuthRequiredError } from "../errors.js";

// Shorter environment values (a region, a flag) are ordinary words, not worth redacting.
const ENV_REDACT_MIN_LENGTH = 12;

/**
 * Told each link handed out (the activity record tells auth_required from an error by it);
 * answers the URL elicitation's id when the link goes to the client as one.
 */
export type OnAuthRequired = (call: CallContext, url: string) => string | undefined;

/** Records the environment values a tool was handed, so its reply cannot carry them out. */
export function handOutEnv(
  call: CallContext,
  env: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  for (const value of Object.values(env)) {
    if (value.length >= ENV_REDACT_MIN_LENGTH) call.handedOut.add(value);
  }
  return env;
}

function authRequired(call: CallContext, answer: AuthRequired, told?: OnAuthRequired): never {
  const elicitationId = told?.(call, answer.url);
  throw new AuthRequiredError(answer.url, answer.reason, answer.what, elicitationId);
}

/**
 * What a tool gets of the resolver's answer, wherever it was resolved (here, or on the
 * platform): the token, recorded as handed out; or AuthRequiredError carrying the link.
 */
export function handOutOAuth(
  call: CallContext,
  answer: OAuthAnswer,
  told?: OnAuthRequired,
): OAuthCredentials {
  if (answer.status === "auth_required") return authRequired(call, answer, told);
  call.handedOut.add(answer.credentials.access_token);
  return answer.credentials;
}

/** A cred server's values, the secret ones recorded as handed out; or AuthRequiredError. */
export function handOutFields(
  call: CallContext,
  answer: CredAnswer,
  told?: OnAuthRequired,
): FieldValues {
  if (answer.status === "auth_required") return authRequired(call, answer, told);
  const { values, secret } = answer.credentials;
  for (const name of secret) {
    const value = values[name];
    if (value) call.handedOut.add(value);
  }
  return values;
}
