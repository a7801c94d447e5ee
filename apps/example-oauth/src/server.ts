import { fileURLToPath } from "node:url";
import { GumstackHost, getCredentials, OAuth2Provider } from "@gumstack/sdk";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

// Any OpenID Connect provider: `npm start` points these at a local demo provider.
const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = process.env;
if (!OIDC_ISSUER || !OIDC_CLIENT_ID) {
  throw new Error("set OIDC_ISSUER and OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET) to your provider's");
}
const provider = await OAuth2Provider.discover(OIDC_ISSUER, {
  clientId: OIDC_CLIENT_ID,
  ...(OIDC_CLIENT_SECRET ? { clientSecret: OIDC_CLIENT_SECRET } : {}),
  // Refresh tokens need offline_access, which OpenID providers grant only with prompt=consent.
  extraAuthorizationParams: { prompt: "consent" },
});

const mcp = new McpServer({ name: "example-oauth", version: "1.0.0" });

mcp.registerTool(
  "whoami",
  { description: "Asks the identity provider who the connected account is" },
  async () => {
    // The current user's token, refreshed when near expiry; AuthRequiredError with a link if none.
    const { access_token, nickname } = await getCredentials();
    const response = await fetch(`${OIDC_ISSUER}/me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    const profile: unknown = await response.json();
    const name =
      typeof profile === "object" && profile !== null && "name" in profile
        ? String(profile.name)
        : "unknown";
    return {
      content: [
        { type: "text", text: `Connected as ${nickname}; the provider calls you ${name}.` },
      ],
    };
  },
);

const host = new GumstackHost(mcp, fileURLToPath(new URL("../gumstack.yaml", import.meta.url)));
host.registerAuth(provider);
await host.run();
