import type { OAuthRequestOptions } from "./http.js";

/** The fetch options for one attempt; the signal is added per attempt. */
export function buildRequest(options: OAuthRequestOptions): RequestInit {
  // JSON, because some providers (GitHub) answer token requests form-encoded unless asked.
  const headers = new Headers({ accept: "application/json" });
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  if (options.bearer !== undefined) headers.set("authorization", `Bearer ${options.bearer}`);
  const init: RequestInit = {
    method: options.method,
    headers,
    // An endpoint that redirects a POST or DELETE is misconfigured; following would send it again.
    redirect: options.method === "GET" ? "follow" : "manual",
  };
  if (options.form !== undefined) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    init.body = new URLSearchParams(options.form).toString();
  }
  if (options.json !== undefined) {
    headers.set("content-type", "application/json");
    init.body = JSON.stringify(options.json);
  }
  return init;
}

/** Method and URL without query or fragment, so a message never carries a parameter. */
export function describeRequest(method: string, url: string): string {
  const parsed = new URL(url);
  return `${method} ${parsed.origin}${parsed.pathname}`;
}
