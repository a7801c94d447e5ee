/*
 * Which redirect URIs a client may register, and which one it may then use at authorize: the one
 * answer to "may a code be sent there", for registration, metadata documents and authorize alike.
 */

/** Longer than any real callback; a bound on what we store and show. */
export const MAX_REDIRECT_URI_LENGTH = 2_000;

/** The hosts `http:` may name (RFC 8252 7.3); the code then never leaves the user's machine. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * Schemes that are not a native app's private-use scheme (RFC 8252 7.1): they run script, name
 * the browser's own content or local files, or hand the code to some other program.
 */
const REFUSED_SCHEMES = new Set([
  "javascript:",
  "data:",
  "file:",
  "vbscript:",
  "blob:",
  "about:",
  "filesystem:",
  "view-source:",
  "ftp:",
  "ws:",
  "wss:",
  "mailto:",
  "tel:",
  "sms:",
]);

/** Why `uri` may not be registered as a redirect URI, or undefined when it may. */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > MAX_REDIRECT_URI_LENGTH)
    return `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  // The URL parser drops leading spaces and tabs: ` javascript:…` would parse as javascript:.
  if (/[\s\p{Cc}]/u.test(uri)) return "must not contain spaces or control characters";
  // Checked on the text: `https://a.example/cb#` parses with an empty hash.
  if (uri.includes("#")) return "must not have a fragment (#)";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "must be an absolute URL";
  }
  if (REFUSED_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol} scheme`;
  // `https://claude.ai@evil.example/` reads as claude.ai on a consent page.
  if (url.username !== "" || url.password !== "") return "must not have a user name or password";
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? undefined
      : "http: is only allowed to a loopback host (127.0.0.1, [::1] or localhost); use https:";
  }
  // A private-use scheme, such as `cursor://anysphere.cursor-mcp/oauth/callback`.
  return undefined;
}

const isLoopbackHttp = (url: URL) => url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);

const parsed = (uri: string): URL | undefined => {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
};

/**
 * Whether `given` is one of `registered`: the same string exactly, except that a loopback http
 * URI may name any port (RFC 8252 7.3: a native app listens on whichever port it got).
 */
export function redirectUriMatches(registered: readonly string[], given: string): boolean {
  if (registered.includes(given)) return true;
  if (given.includes("#")) return false;
  const used = parsed(given);
  if (!used || !isLoopbackHttp(used) || used.username !== "" || used.password !== "") return false;
  used.port = "";
  return registered.some((uri) => {
    const declared = parsed(uri);
    if (!declared || !isLoopbackHttp(declared)) return false;
    declared.port = "";
    return declared.href === used.href;
  });
}

/** The host a person is shown for a redirect URI ("claude.ai", or the scheme of an app's). */
export function redirectHostOf(uri: string): string {
  const url = parsed(uri);
  if (!url) return uri;
  return url.host === "" ? url.protocol.slice(0, -1) : url.host;
}
