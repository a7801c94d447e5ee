// A local OpenID provider for trying the oauth example offline: its login page accepts any name.
// It is the test suite's authorization server (oidc-provider, in memory); not for real use.
import { startTestAuthServer } from "@gumstack/oauth/testing";

const redirectUri = process.env.DEMO_REDIRECT_URI ?? "http://127.0.0.1:8081/auth/callback";
const server = await startTestAuthServer({ redirectUris: [redirectUri] });
process.stdout.write(
  `${JSON.stringify({ issuer: server.issuer, clientId: server.clientId, clientSecret: server.clientSecret })}\n`,
);
const stop = () => void server.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
