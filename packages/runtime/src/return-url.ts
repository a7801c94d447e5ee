/**
 * The one answer to "where may a browser be sent back to" (after signing in, after connecting an
 * account). Browsers are lenient where we must be strict: they drop tabs and newlines from a URL
 * (`/\t/evil.example` becomes `//evil.example`, another host), treat `\` as `/`, and a raw newline
 * in a `Location` header fails the response. So a return URL is printable ASCII with no spaces and
 * no backslash, or it is refused before anything is stored or redirected.
 */

const MAX_LENGTH = 2_048;
const PRINTABLE = /^[\x21-\x7e]+$/;

/** A path on this site (`/servers?x=1`), normalized, or null for anything else. */
export function safeLocalPath(value: unknown): string | null {
  if (!isPlain(value) || !value.startsWith("/") || value.startsWith("//")) return null;
  const base = "http://local.invalid";
  const url = new URL(value, base);
  // Anything that would move the browser to another host resolves away from the base.
  if (url.origin !== base) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Where a finished flow may redirect: a path of ours, a URL on our own origin, or a URL under one
 * of `allowed` (origins, or URL prefixes matched on whole path segments). Null for anything else.
 */
export function safeReturnUrl(
  value: unknown,
  ownOrigin: string,
  allowed: readonly string[] = [],
): string | null {
  if (!isPlain(value)) return null;
  if (value.startsWith("/")) return safeLocalPath(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username !== "" || url.password !== "") return null;
  if (url.origin === ownOrigin) return url.href;
  return allowed.some((prefix) => isUnder(url, new URL(prefix))) ? url.href : null;
}

function isPlain(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length <= MAX_LENGTH &&
    PRINTABLE.test(value) &&
    !value.includes("\\")
  );
}

function isUnder(url: URL, base: URL): boolean {
  if (url.origin !== base.origin) return false;
  if (base.pathname === "/") return true;
  const prefix = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  return url.pathname === base.pathname || url.pathname.startsWith(prefix);
}
