/** What a catalog provider needs from the server's environment and from the tool author. */
export interface CatalogEntry {
  /** As written in gumstack.yaml (`provider: github`) and stored with every connection. */
  name: string;
  title: string;
  /** Environment variable names; `extra` maps an option (tenant, base URL...) to its variable. */
  env: { clientId: string; clientSecret: string; extra?: Record<string, string> };
  /** Scopes the nickname call needs; always asked for, with the ones refresh needs. */
  nicknameScopes: readonly string[];
  /** Asked for when gumstack.yaml names no scopes. */
  defaultScopes: readonly string[];
  /** Where the provider's app (and its redirect URL, `<public URL>/auth/callback`) is registered. */
  docs: string;
}

const entries: readonly CatalogEntry[] = [
  {
    name: "github",
    title: "GitHub",
    env: { clientId: "GITHUB_CLIENT_ID", clientSecret: "GITHUB_CLIENT_SECRET" },
    nicknameScopes: [],
    defaultScopes: ["repo"],
    docs: "https://github.com/settings/developers",
  },
  {
    name: "google",
    title: "Google",
    env: { clientId: "GOOGLE_CLIENT_ID", clientSecret: "GOOGLE_CLIENT_SECRET" },
    nicknameScopes: ["openid", "email"],
    defaultScopes: ["openid", "email", "profile"],
    docs: "https://console.cloud.google.com/apis/credentials",
  },
  {
    name: "slack",
    title: "Slack",
    env: { clientId: "SLACK_CLIENT_ID", clientSecret: "SLACK_CLIENT_SECRET" },
    nicknameScopes: [],
    defaultScopes: ["channels:read", "channels:history", "users:read", "chat:write"],
    docs: "https://api.slack.com/apps",
  },
  {
    name: "linear",
    title: "Linear",
    env: { clientId: "LINEAR_CLIENT_ID", clientSecret: "LINEAR_CLIENT_SECRET" },
    nicknameScopes: ["read"],
    defaultScopes: ["read", "write"],
    docs: "https://linear.app/settings/api/applications/new",
  },
  {
    name: "notion",
    title: "Notion",
    env: { clientId: "NOTION_CLIENT_ID", clientSecret: "NOTION_CLIENT_SECRET" },
    nicknameScopes: [],
    defaultScopes: [],
    docs: "https://www.notion.so/developers/connections",
  },
  {
    name: "atlassian",
    title: "Atlassian (Jira and Confluence)",
    env: { clientId: "ATLASSIAN_CLIENT_ID", clientSecret: "ATLASSIAN_CLIENT_SECRET" },
    nicknameScopes: ["read:me"],
    defaultScopes: [
      "read:jira-work",
      "read:jira-user",
      "read:confluence-content.all",
      "read:confluence-space.summary",
    ],
    docs: "https://developer.atlassian.com/console/myapps/",
  },
  {
    name: "microsoft",
    title: "Microsoft Entra ID",
    env: {
      clientId: "MICROSOFT_CLIENT_ID",
      clientSecret: "MICROSOFT_CLIENT_SECRET",
      extra: { tenant: "MICROSOFT_TENANT_ID" },
    },
    nicknameScopes: ["User.Read"],
    defaultScopes: ["openid", "profile", "User.Read", "offline_access"],
    docs: "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
  },
  {
    name: "gitlab",
    title: "GitLab",
    env: {
      clientId: "GITLAB_CLIENT_ID",
      clientSecret: "GITLAB_CLIENT_SECRET",
      extra: { url: "GITLAB_URL" },
    },
    nicknameScopes: ["read_user"],
    defaultScopes: ["read_user", "read_api"],
    docs: "https://gitlab.com/-/user_settings/applications",
  },
  {
    name: "discord",
    title: "Discord",
    env: { clientId: "DISCORD_CLIENT_ID", clientSecret: "DISCORD_CLIENT_SECRET" },
    nicknameScopes: ["identify"],
    defaultScopes: ["identify"],
    docs: "https://discord.com/developers/applications",
  },
  {
    name: "salesforce",
    title: "Salesforce",
    env: {
      clientId: "SALESFORCE_CLIENT_ID",
      clientSecret: "SALESFORCE_CLIENT_SECRET",
      extra: { loginUrl: "SALESFORCE_LOGIN_URL" },
    },
    nicknameScopes: ["openid"],
    defaultScopes: ["api", "refresh_token", "openid"],
    docs: "https://help.salesforce.com/s/articleView?id=sf.connected_app_create_basics.htm",
  },
  {
    name: "oidc",
    title: "Any OpenID Connect provider (discovery)",
    env: {
      clientId: "OIDC_CLIENT_ID",
      clientSecret: "OIDC_CLIENT_SECRET",
      extra: { issuer: "OIDC_ISSUER" },
    },
    nicknameScopes: ["openid"],
    defaultScopes: ["openid", "profile", "email"],
    docs: "https://openid.net/specs/openid-connect-discovery-1_0.html",
  },
];

export const catalog: Readonly<Record<string, CatalogEntry>> = Object.freeze(
  Object.fromEntries(entries.map((entry) => [entry.name, entry])),
);

export const providerNames: readonly string[] = Object.freeze(entries.map((entry) => entry.name));
