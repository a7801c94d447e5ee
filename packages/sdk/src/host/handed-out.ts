import type { CallContext } from "../context.js";

// Shorter environment values (a region, a flag) are ordinary words, not worth redacting.
const ENV_REDACT_MIN_LENGTH = 12;

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
