interface StoredCookie {
  name: string;
  value: string;
  path: string;
  /** Epoch ms; undefined for a session cookie. */
  expires?: number;
}

/**
 * Just enough of RFC 6265 for one host: a browser's cookie jar for driving an authorization
 * server's login over fetch. Names and paths are kept apart the way a browser keeps them, because
 * oidc-provider scopes its interaction cookies to one path each.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Takes the Set-Cookie headers of a response to a request for `url`. */
  store(url: URL, setCookieHeaders: readonly string[], now = Date.now()): void {
    for (const header of setCookieHeaders) {
      const cookie = parseSetCookie(header, url, now);
      if (cookie === undefined) continue;
      const key = `${cookie.path}\u0000${cookie.name}`;
      if (cookie.expires !== undefined && cookie.expires <= now) this.#cookies.delete(key);
      else this.#cookies.set(key, cookie);
    }
  }

  /** The Cookie header for a request to `url`, or undefined when nothing applies. */
  header(url: URL, now = Date.now()): string | undefined {
    const matching = [...this.#cookies.values()]
      .filter((cookie) => (cookie.expires ?? Number.POSITIVE_INFINITY) > now)
      .filter((cookie) => pathMatches(url.pathname, cookie.path))
      // RFC 6265 §5.4: longer paths first.
      .sort((a, b) => b.path.length - a.path.length);
    if (matching.length === 0) return undefined;
    return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
  }
}

function parseSetCookie(header: string, url: URL, now: number): StoredCookie | undefined {
  const [pair = "", ...attributes] = header.split(";");
  const separator = pair.indexOf("=");
  if (separator <= 0) return undefined;
  const cookie: StoredCookie = {
    name: pair.slice(0, separator).trim(),
    value: pair.slice(separator + 1).trim(),
    path: defaultPath(url.pathname),
  };
  for (const attribute of attributes) {
    const [rawKey = "", ...rest] = attribute.split("=");
    const key = rawKey.trim().toLowerCase();
    const value = rest.join("=").trim();
    if (key === "path" && value.startsWith("/")) cookie.path = value;
    if (key === "max-age" && /^-?\d+$/.test(value)) cookie.expires = now + Number(value) * 1000;
    if (key === "expires" && cookie.expires === undefined && !Number.isNaN(Date.parse(value))) {
      cookie.expires = Date.parse(value);
    }
  }
  return cookie;
}

/** RFC 6265 §5.1.4: the request path up to, not including, its last "/". */
function defaultPath(pathname: string): string {
  const last = pathname.lastIndexOf("/");
  return last <= 0 ? "/" : pathname.slice(0, last);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}
