import { CookieJar } from "./cookie-jar.js";
import { parseForm } from "./html-form.js";

export interface BrowseOptions {
  /** The account typed into the login page. */
  account: string;
  /** Where the walk ends: a redirect to one of these is returned, not followed. */
  redirectUris: readonly string[];
  /** Only this origin is browsed; a redirect elsewhere that is not a redirect URI is an error. */
  origin: string;
}

/** authorize → login → consent → authorize → callback is 8 requests; the rest is headroom. */
const MAX_REQUESTS = 20;

/**
 * Walks an authorization URL the way a person's browser would, over plain HTTP: follows
 * redirects by hand, keeps cookies, fills the account into the login form, submits consent.
 * Returns the redirect back to the client (with `code` and `state`, or with `error`).
 */
export async function browseToCallback(
  authorizationUrl: string,
  options: BrowseOptions,
): Promise<URL> {
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  let form: URLSearchParams | undefined;
  for (let count = 0; count < MAX_REQUESTS; count++) {
    if (isRedirectUri(url, options.redirectUris)) return url;
    if (url.origin !== options.origin) throw new Error(`the authorization left for ${url.origin}`);
    const headers = new Headers();
    const cookie = jar.header(url);
    if (cookie !== undefined) headers.set("cookie", cookie);
    const response = await fetch(url, {
      method: form === undefined ? "GET" : "POST",
      headers,
      redirect: "manual",
      ...(form === undefined ? {} : { body: form }),
    });
    jar.store(url, response.headers.getSetCookie());
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      url = new URL(location, url);
      form = undefined;
      continue;
    }
    const page = await response.text();
    const next = response.status === 200 ? parseForm(page) : undefined;
    if (next === undefined) {
      throw new Error(`authorization stopped at ${response.status} ${url.pathname}: ${text(page)}`);
    }
    url = new URL(next.action, url);
    form = new URLSearchParams(next.fields);
    if ("account" in next.fields) form.set("account", options.account);
  }
  throw new Error(`authorization did not reach the client within ${MAX_REQUESTS} requests`);
}

function isRedirectUri(url: URL, redirectUris: readonly string[]): boolean {
  return redirectUris.some((uri) => {
    const registered = new URL(uri);
    return registered.origin === url.origin && registered.pathname === url.pathname;
  });
}

/** A page's words, short, for an error message (oidc-provider's error page names the error). */
function text(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
}
