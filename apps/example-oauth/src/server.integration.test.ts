import { startTestAuthServer } from "@gumstack/oauth/testing";
import {
  connectClient,
  freePort,
  hostEnvironment,
  openConnectLink,
  startExampleProcess,
  textOf,
} from "@gumstack/sdk/testing";
import { afterAll, describe, expect, it } from "vitest";

describe("example-oauth, run as its own process", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("connects an account through its provider and answers for it", async () => {
    const port = await freePort();
    const as = await startTestAuthServer({
      redirectUris: [`http://127.0.0.1:${port}/auth/callback`],
    });
    cleanups.push(() => as.close());
    const { env, drop } = await hostEnvironment({
      GUMSTACK_PORT: String(port),
      OIDC_ISSUER: as.issuer,
      OIDC_CLIENT_ID: as.clientId,
      OIDC_CLIENT_SECRET: as.clientSecret,
    });
    cleanups.push(drop);
    const server = await startExampleProcess("apps/example-oauth/src/server.ts", env);
    cleanups.push(server.stop);
    const client = await connectClient(server.url, server.apiKey);
    cleanups.push(() => client.close());

    const first = await client.callTool({ name: "whoami", arguments: {} });
    const link = /(http:\/\/\S+\/auth\/start\?ticket=\S+)/.exec(textOf(first))?.[1] as string;
    // The link's page says whose account it connects; its own Continue goes on.
    const { start, cookies } = await openConnectLink(link);
    const back = await as.authorize(start.headers.get("location") as string, { account: "lin" });
    expect((await fetch(back, { headers: { cookie: cookies } })).status).toBe(200);

    const second = await client.callTool({ name: "whoami", arguments: {} });
    expect(textOf(second)).toBe("Connected as lin; the provider calls you lin.");
  });
});
