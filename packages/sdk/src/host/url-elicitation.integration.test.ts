import { testDriver } from "@gumstack/db/testing";
import { OAuth2Provider } from "@gumstack/oauth";
import { startTestAuthServer } from "@gumstack/oauth/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ElicitationCompleteNotificationSchema,
  ErrorCode,
  UrlElicitationRequiredError,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { getCredentials } from "../get-credentials.js";
import {
  capturingLogger,
  freePort,
  hostEnvironment,
  openConnectLink,
  textOf,
} from "../testing/host-harness.js";
import { GumstackHost } from "./gumstack-host.js";

interface UrlClient {
  client: Client;
  /** The ids of `notifications/elicitation/complete` received, in order. */
  completed: string[];
  /** Resolves at the next completion notification. */
  nextCompletion: () => Promise<string>;
}

/** An MCP client that declares URL-mode elicitation (or not), as a 2025-11-25 client does. */
async function connect(url: string, apiKey: string, urlMode: boolean): Promise<UrlClient> {
  const client = new Client(
    { name: "url-client", version: "1.0.0" },
    { capabilities: urlMode ? { elicitation: { url: {} } } : {} },
  );
  const completed: string[] = [];
  const waiting: Array<(id: string) => void> = [];
  client.setNotificationHandler(ElicitationCompleteNotificationSchema, (notification) => {
    completed.push(notification.params.elicitationId);
    waiting.shift()?.(notification.params.elicitationId);
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
    }),
  );
  return {
    client,
    completed,
    nextCompletion: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

/** The URLElicitationRequiredError a tool call ends in (the test fails on any other outcome). */
async function elicitationOf(client: Client, tool: string) {
  const error = await client.callTool({ name: tool, arguments: {} }).then(
    (result) => {
      throw new Error(`expected a URL elicitation, got a result: ${textOf(result)}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(UrlElicitationRequiredError);
  const { code, elicitations } = error as UrlElicitationRequiredError;
  expect(code).toBe(ErrorCode.UrlElicitationRequired);
  expect(elicitations).toHaveLength(1);
  const [elicitation] = elicitations;
  if (elicitation?.mode !== "url") throw new Error("expected one url-mode elicitation");
  return elicitation;
}

describe(`connect and form links as URL-mode elicitations [${testDriver}]`, () => {
  const cleanups: Array<() => Promise<void>> = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function serve(mcp: McpServer, config: ConstructorParameters<typeof GumstackHost>[1]) {
    const port = await freePort();
    const { env, drop } = await hostEnvironment({ GUMSTACK_PORT: String(port) });
    cleanups.push(drop);
    const host = new GumstackHost(mcp, config, { env, log: capturingLogger().log });
    return { host, port };
  }

  it("oauth: a URL-mode client gets -32042 with the connect link, then elicitation/complete once connected", async () => {
    const mcp = new McpServer({ name: "url-oauth", version: "1.0.0" });
    mcp.registerTool("whoami", { description: "needs the account" }, async () => {
      const { nickname } = await getCredentials();
      return { content: [{ type: "text", text: `connected as ${nickname}` }] };
    });
    const { host, port } = await serve(mcp, { name: "url-oauth", auth: { type: "oauth" } });
    const server = await startTestAuthServer({
      redirectUris: [`http://127.0.0.1:${port}/auth/callback`],
    });
    cleanups.push(() => server.close());
    host.registerAuth(
      await OAuth2Provider.discover(server.issuer, {
        clientId: server.clientId,
        clientSecret: server.clientSecret,
        defaultScopes: ["openid", "profile"],
      }),
    );
    const running = await host.run([]);
    cleanups.push(running.close);
    const ada = await host.addUser("ada");
    const bob = await host.addUser("bob");
    const adaUrl = await connect(running.url, ada.apiKey, true);
    const adaOld = await connect(running.url, ada.apiKey, false);
    const bobUrl = await connect(running.url, bob.apiKey, true);
    cleanups.push(
      () => adaUrl.client.close(),
      () => adaOld.client.close(),
    );
    cleanups.push(() => bobUrl.client.close());

    const elicitation = await elicitationOf(adaUrl.client, "whoami");
    expect(elicitation.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\/start\?ticket=/);
    expect(elicitation.message).toBe("Connect your oidc account first.");
    // Bob asks too; his elicitation is his own and must stay pending when Ada connects.
    const bobs = await elicitationOf(bobUrl.client, "whoami");
    expect(bobs.elicitationId).not.toBe(elicitation.elicitationId);
    // A client without URL mode keeps the link in the tool result, as before.
    const old = await adaOld.client.callTool({ name: "whoami", arguments: {} });
    expect(old.isError).toBe(true);
    expect(textOf(old)).toMatch(/^Connect your oidc account first, then try again: http:/);

    const completion = adaUrl.nextCompletion();
    const { start, cookies } = await openConnectLink(elicitation.url);
    const back = await server.authorize(start.headers.get("location") as string, {
      account: "ada-idp",
    });
    const done = await fetch(back, { headers: { cookie: cookies }, redirect: "manual" });
    expect(done.status).toBe(200);
    expect(await completion).toBe(elicitation.elicitationId);

    const again = await adaUrl.client.callTool({ name: "whoami", arguments: {} });
    expect(textOf(again)).toBe("connected as ada-idp");
    // Notifications reach only the session that was shown the link, and only for its user.
    expect(adaUrl.completed).toEqual([elicitation.elicitationId]);
    expect(adaOld.completed).toEqual([]);
    expect(bobUrl.completed).toEqual([]);
    await expect(elicitationOf(bobUrl.client, "whoami")).resolves.toMatchObject({
      mode: "url",
    });
  });

  it("cred: the form link goes out as a URL elicitation and completes when the form is saved", async () => {
    const mcp = new McpServer({ name: "url-cred", version: "1.0.0" });
    mcp.registerTool("use_key", { description: "needs the key" }, async () => {
      const { api_key } = await getCredentials("cred");
      return { content: [{ type: "text", text: `key of length ${api_key?.length}` }] };
    });
    const { host } = await serve(mcp, {
      name: "url-cred",
      auth: { type: "cred", fields: [{ name: "api_key" }] },
    });
    const running = await host.run([]);
    cleanups.push(running.close);
    const { apiKey } = await host.addUser("ada");
    const ada = await connect(running.url, apiKey, true);
    cleanups.push(() => ada.client.close());

    const elicitation = await elicitationOf(ada.client, "use_key");
    expect(elicitation.message).toBe("url-cred needs your credentials first. Enter them here.");
    const ticket = new URL(elicitation.url).searchParams.get("ticket") as string;
    const completion = ada.nextCompletion();
    const saved = await fetch(`${running.url}/auth/form`, {
      method: "POST",
      body: new URLSearchParams({ ticket, api_key: "k".repeat(24) }),
    });
    expect(saved.status).toBe(200);
    expect(await completion).toBe(elicitation.elicitationId);
    const again = await ada.client.callTool({ name: "use_key", arguments: {} });
    expect(textOf(again)).toBe("key of length 24");
  });
});
