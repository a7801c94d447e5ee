import type { AuthProvider, BackoffOptions } from "@gumstack/oauth";
import { type CatalogEntry, catalog, providerNames } from "./catalog.js";
import { checkedUrl, type Env, optionalVariable, requiredVariable, urlVariable } from "./env.js";
import type { ProviderOptions } from "./options.js";
import { AtlassianProvider } from "./providers/atlassian.js";
import { DiscordProvider } from "./providers/discord.js";
import { GitHubProvider } from "./providers/github.js";
import { GitLabProvider } from "./providers/gitlab.js";
import { GoogleProvider } from "./providers/google.js";
import { LinearProvider } from "./providers/linear.js";
import { MicrosoftProvider } from "./providers/microsoft.js";
import { NotionProvider } from "./providers/notion.js";
import { OidcProvider } from "./providers/oidc.js";
import { SalesforceProvider } from "./providers/salesforce.js";
import { SlackProvider } from "./providers/slack.js";

export interface CatalogProviderOptions {
  /** The server's environment: client id, secret and any extra variable are read from it. */
  env: Env;
  /** The scopes gumstack.yaml names; asked for instead of the provider's defaults. */
  scopes?: readonly string[];
  fetch?: typeof fetch;
  /** Per HTTP attempt. Default 10 s. */
  timeoutMs?: number;
  /** Tries per call where retrying is safe. Default 3. */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Ends every call of the provider at once (shutdown). */
  signal?: AbortSignal;
}

/** The extra variables of one catalog entry, by option name (`tenant`, `url`...). */
interface Extras {
  optional(key: string): string | undefined;
  /** A base URL: https, or http on loopback. */
  url(key: string): string | undefined;
  requiredUrl(key: string): string;
}

type Build = (options: ProviderOptions, extras: Extras) => AuthProvider;

/** One line per provider: its class, and what its extra variables become. */
const builders: Readonly<Record<string, Build>> = {
  github: (o) => new GitHubProvider(o),
  google: (o) => new GoogleProvider(o),
  slack: (o) => new SlackProvider(o),
  linear: (o) => new LinearProvider(o),
  notion: (o) => new NotionProvider(o),
  atlassian: (o) => new AtlassianProvider(o),
  microsoft: (o, x) => {
    const tenant = x.optional("tenant");
    return new MicrosoftProvider(tenant === undefined ? o : { ...o, tenant });
  },
  gitlab: (o, x) => new GitLabProvider(withUrl(o, "gitlab", x.url("url"))),
  discord: (o) => new DiscordProvider(o),
  salesforce: (o, x) => new SalesforceProvider(withUrl(o, "login", x.url("loginUrl"))),
  oidc: (o, x) => new OidcProvider({ ...o, issuer: x.requiredUrl("issuer") }),
};

/**
 * Builds the provider `name` from the server's environment variables (see the catalog entry for
 * their names). @throws ProviderConfigError naming a missing or malformed variable, or Error for
 * an unknown name.
 */
export function createCatalogProvider(name: string, options: CatalogProviderOptions): AuthProvider {
  const entry: CatalogEntry | undefined = catalog[name];
  const build = builders[name];
  if (entry === undefined || build === undefined) {
    throw new Error(`unknown provider "${name}": the catalog has ${providerNames.join(", ")}`);
  }
  const { env } = options;
  const variable = (key: string): string => {
    const found = entry.env.extra?.[key];
    if (found === undefined)
      throw new Error(`the ${name} catalog entry names no variable for ${key}`);
    return found;
  };
  const extras: Extras = {
    optional: (key) => optionalVariable(env, variable(key)),
    url: (key) => urlVariable(env, variable(key)),
    requiredUrl: (key) =>
      checkedUrl(variable(key), requiredVariable(env, variable(key), entry.title)),
  };
  const providerOptions: ProviderOptions = {
    clientId: requiredVariable(env, entry.env.clientId, entry.title),
    clientSecret: requiredVariable(env, entry.env.clientSecret, entry.title),
  };
  if (options.scopes !== undefined && options.scopes.length > 0) {
    providerOptions.defaultScopes = options.scopes;
  }
  if (options.fetch !== undefined) providerOptions.fetch = options.fetch;
  if (options.timeoutMs !== undefined) providerOptions.timeoutMs = options.timeoutMs;
  if (options.attempts !== undefined) providerOptions.attempts = options.attempts;
  if (options.backoff !== undefined) providerOptions.backoff = options.backoff;
  if (options.signal !== undefined) providerOptions.signal = options.signal;
  return build(providerOptions, extras);
}

function withUrl(options: ProviderOptions, host: string, url: string | undefined): ProviderOptions {
  return url === undefined ? options : { ...options, urls: { [host]: url } };
}
