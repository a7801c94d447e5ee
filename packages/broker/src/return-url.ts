import { ReturnUrlError } from "./errors.js";

/**
 * Where a finished authorization may send the browser: a path on our own origin, or a URL under
 * one of the allowed prefixes. Anything else is refused, so /auth/start is no open redirect.
 */
export function checkReturnUrl(
  returnTo: string,
  ownOrigin: string,
  allowed: readonly string[],
): string {
  if (returnTo.startsWith("/") && !returnTo.startsWith("//") && !returnTo.includes("\\")) {
    return returnTo;
  }
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    throw new ReturnUrlError(`return_to is neither a path nor a URL: ${JSON.stringify(returnTo)}`);
  }
  const href = url.href;
  const ok =
    url.origin === ownOrigin ||
    allowed.some((prefix) => {
      const base = new URL(prefix);
      return base.pathname === "/" ? url.origin === base.origin : href.startsWith(base.href);
    });
  if (!ok) throw new ReturnUrlError(`return_to ${url.origin} is not on the allow-list`);
  return href;
}
