import type { BackoffOptions, OAuth2ProviderConfig } from "@gumstack/oauth";

/** What every catalog provider takes. `Host` names the provider's base URLs (`web`, `api`...). */
export interface ProviderOptions<Host extends string = string> {
  clientId: string;
  clientSecret: string;
  /** Asked for when the server's configuration names none; see each provider's default. */
  defaultScopes?: readonly string[];
  /** Base URLs to use instead of the provider's: tests, proxies, self-hosted editions. */
  urls?: Partial<Record<Host, string>>;
  /** Per HTTP attempt. Default 10 s. */
  timeoutMs?: number;
  /** Tries per call where retrying is safe. Default 3. */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Ends every call of this provider at once (shutdown). */
  signal?: AbortSignal;
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

type Transport = Pick<
  OAuth2ProviderConfig,
  "clientId" | "clientSecret" | "timeoutMs" | "attempts" | "backoff" | "signal" | "fetch"
>;

/** The options every provider hands to the generic client unchanged. */
export function transportOf(options: ProviderOptions): Transport {
  const transport: Transport = { clientId: options.clientId, clientSecret: options.clientSecret };
  if (options.timeoutMs !== undefined) transport.timeoutMs = options.timeoutMs;
  if (options.attempts !== undefined) transport.attempts = options.attempts;
  if (options.backoff !== undefined) transport.backoff = options.backoff;
  if (options.signal !== undefined) transport.signal = options.signal;
  if (options.fetch !== undefined) transport.fetch = options.fetch;
  return transport;
}

/** The provider's base URLs with any overrides, without trailing slashes. */
export function urlsOf<Host extends string>(
  defaults: Readonly<Record<Host, string>>,
  overrides: Partial<Record<Host, string>> | undefined,
): Record<Host, string> {
  const urls: Record<Host, string> = { ...defaults };
  for (const host of Object.keys(defaults) as Host[]) {
    urls[host] = (overrides?.[host] ?? defaults[host]).replace(/\/+$/, "");
  }
  return urls;
}
