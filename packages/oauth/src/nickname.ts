import { isJsonObject, nonEmptyString } from "./json.js";

/** Userinfo members that name an account, best first: OIDC claims, then GitHub's `login`. */
const NICKNAME_CLAIMS = ["preferred_username", "name", "email", "login", "sub"] as const;

/** The first non-empty naming member of a userinfo body, or undefined when it has none. */
export function pickNickname(userinfo: unknown): string | undefined {
  if (!isJsonObject(userinfo)) return undefined;
  for (const claim of NICKNAME_CLAIMS) {
    const value = nonEmptyString(userinfo[claim]);
    if (value !== undefined) return value;
  }
  return undefined;
}
