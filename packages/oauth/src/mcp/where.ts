/** A URL for a message: origin and path, never the query (it may carry a parameter). */
export function where(url: string): string {
  const parsed = URL.parse(url);
  return parsed === null ? "an invalid URL" : `${parsed.origin}${parsed.pathname}`;
}

/** 4xx: the document is not served at this well-known URI, so the next one is tried. */
export function isNotServedHere(status: number): boolean {
  return status >= 400 && status < 500;
}
