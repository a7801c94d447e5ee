/**
 * The canonical URI of an MCP server (MCP authorization, "Canonical Server URI"; RFC 8707 §2):
 * lowercase scheme and host (URL parsing does that), no fragment, and no trailing slash on a
 * bare origin. The query is kept: it may be what tells two servers on one path apart.
 * Throws a TypeError naming `field` for anything but an absolute http(s) URL.
 */
export function canonicalResourceUri(value: string, field: string): string {
  const url = URL.parse(value);
  if (url === null || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new TypeError(`${field} must be an absolute http(s) URL`);
  }
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.origin}${path}${url.search}`;
}

/**
 * Whether two resource identifiers name the same resource once canonical. RFC 9728 §3.3 asks for
 * identical values; this tolerates only what the MCP spec says clients should accept (case of
 * scheme and host, one trailing slash after the origin). False when either is no http(s) URL.
 */
export function sameResource(a: string, b: string): boolean {
  try {
    return canonicalResourceUri(a, "a") === canonicalResourceUri(b, "b");
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}
