import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { PAGE_STYLE } from "./pages.js";

/**
 * The headers of every HTML page we serve (the dashboard, the connect and credential pages):
 * never cached (they hold CSRF tokens, keys shown once, links), never framed (no clickjacking a
 * "connect" or "save" button), nothing loaded from elsewhere, forms posting only here.
 * `styles` are the exact texts of inline `<style>` elements the page may carry; `formActions` are
 * CSP sources a form's submission may end at besides this site (browsers hold the redirects that
 * follow a submission to `form-action` too: the consent page's answer redirects to the client).
 */
export function pageHeaders(
  options: { styles?: readonly string[]; formActions?: readonly string[] } = {},
): Record<string, string> {
  const inline = (options.styles ?? []).map(
    (text) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`,
  );
  const styleSrc = ["'self'", ...inline].join(" ");
  const formAction = ["'self'", ...(options.formActions ?? [])].join(" ");
  return {
    "cache-control": "no-store",
    "content-security-policy": `default-src 'none'; style-src ${styleSrc}; script-src 'self'; img-src 'self'; connect-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
  };
}

/**
 * For the flows' own pages (`/auth/*`: connect, callback, credential form), whose style is
 * inline so they need no asset route: every HTML answer gets the headers above.
 */
export function flowPageHeaders(): MiddlewareHandler {
  const headers = pageHeaders({ styles: [PAGE_STYLE] });
  return async function flowPageHeadersHandler(c, next) {
    await next();
    if (!c.res.headers.get("content-type")?.startsWith("text/html")) return;
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
