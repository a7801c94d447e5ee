/**
 * The one answer to "may this browser request act here": every cookie-authenticated write, every
 * sign-in and sign-up, and every MCP request asks it. Another site can make a browser send our
 * cookies (a form post, a fetch), but the browser then says where the request comes from: in
 * `Origin`, or, where it sends no Origin, in `Sec-Fetch-Site`. A request with neither is not from
 * a browser page (curl, an SDK client): it carries no ambient cookies a third party could borrow.
 */
export interface RequestOrigin {
  origin: string | null | undefined;
  secFetchSite: string | null | undefined;
}

/** Why the request is refused, naming where it came from; null when it may proceed. */
export function crossOriginProblem(
  request: RequestOrigin,
  allowedOrigins: ReadonlySet<string>,
): string | null {
  const { origin, secFetchSite } = request;
  if (origin !== null && origin !== undefined) {
    return allowedOrigins.has(origin)
      ? null
      : `requests from ${originLabel(origin)} are not allowed here`;
  }
  if (secFetchSite === "cross-site" || secFetchSite === "same-site") {
    return `requests from another site (Sec-Fetch-Site: ${secFetchSite}) are not allowed here`;
  }
  return null;
}

/** The origins a browser page of `publicUrl` sends, plus any configured ones. */
export function originsOf(publicUrl: string, extra: readonly string[] = []): Set<string> {
  return new Set([new URL(publicUrl).origin, ...extra]);
}

// An Origin is echoed in a message: keep it short and printable.
const originLabel = (origin: string) =>
  /^[\x21-\x7e]{1,200}$/.test(origin) ? origin : "an unprintable origin";
