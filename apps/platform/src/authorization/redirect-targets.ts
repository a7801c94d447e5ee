// The client's redirect URI, three ways: as the answer is sent to it, as a person reads it on the
// consent page, and as the page's CSP names it.

/**
 * The client's redirect URI with the answer's parameters added (its own query kept), and `iss`
 * so a client talking to several authorization servers knows which one answered (RFC 9207).
 */
export function clientRedirect(
  redirectUri: string,
  issuer: string,
  parameters: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) url.searchParams.append(name, value);
  }
  url.searchParams.append("iss", issuer);
  return url.href;
}

/** Where the browser goes back to: a scheme and host for a person to recognize. */
export function redirectHostOf(redirectUri: string): string {
  const url = new URL(redirectUri);
  if (url.protocol === "https:" || url.protocol === "http:") return url.host;
  // A private-use scheme (`cursor://…`) names the app installed on this device.
  return url.host === "" ? url.protocol : `${url.protocol}//${url.host}`;
}

/**
 * The CSP source a form's submission may be redirected to: the consent page's answer goes to
 * the client, and browsers check that redirect against `form-action`. A private-use scheme or
 * an IPv6 loopback (which CSP host sources cannot name) is allowed by its scheme.
 */
export function formTargetOf(redirectUri: string): string {
  const url = new URL(redirectUri);
  const special = url.protocol === "https:" || url.protocol === "http:";
  return special && !url.hostname.startsWith("[") ? url.origin : url.protocol;
}
