import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { repoRoot } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import { expect } from "vitest";
import {
  callOver,
  type SignedIn,
  type TestPlatform,
  testPlatform,
} from "../../testing/api-client.js";

/*
 * What the end-to-end tests of MCP authorization share: the platform listening on loopback with
 * example-none really deployed (its own process, behind the gateway), a person signed in, a
 * "browser" that goes through the consent page as a person would, and a loopback site serving a
 * client's metadata document.
 */

const exampleNone = fileURLToPath(new URL("apps/example-none", `file://${repoRoot}`));
export const FORECAST = "Forecast for Oslo: 18° metric (API key missing: set WEATHER_API_KEY)";

export interface EndToEnd {
  platform: TestPlatform;
  url: string;
  /** `<url>/mcp/example-none`. */
  mcpUrl: string;
  person: SignedIn;
  close(): Promise<void>;
}

export async function endToEnd(): Promise<EndToEnd> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const platform = await testPlatform({ publicUrl: url, allowPrivateClients: true });
  const stop = await platform.listen();
  const admin = await platform.signUpAdmin("admin@example.com");
  const registered = await callOver(url, admin, "POST", "/api/servers", { path: exampleNone });
  expect(registered.status).toBe(201);
  const person = await platform.signUp("person@example.com");
  return {
    platform,
    url,
    mcpUrl: `${url}/mcp/example-none`,
    person,
    close: async () => {
      await stop();
      await platform.services.runner.close();
      await platform.close();
    },
  };
}

/**
 * A person at the consent page: opens the authorization URL signed in, checks what the page
 * names, presses Allow (the form as the page has it, CSRF field and sealed request), and returns
 * where the platform sends the browser: the client's redirect URI with the code.
 */
export async function consent(
  e2e: EndToEnd,
  authorizationUrl: URL | string,
  expectOnPage: readonly string[] = [],
): Promise<URL> {
  const page = await fetch(authorizationUrl, {
    redirect: "manual",
    headers: { cookie: e2e.person.cookie },
  });
  const html = await page.text();
  expect(page.status, html.slice(0, 500)).toBe(200);
  for (const text of expectOnPage) expect(html).toContain(text);
  const field = (name: string) =>
    new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1]?.replaceAll("&amp;", "&");
  const pending = field("pending");
  const csrf = field("csrf");
  expect(pending).toBeDefined();
  expect(csrf).toBeDefined();
  const answer = await fetch(`${e2e.url}/oauth/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: {
      cookie: e2e.person.cookie,
      origin: e2e.url,
      "sec-fetch-site": "same-origin",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      pending: pending as string,
      csrf: csrf as string,
      decision: "allow",
    }),
  });
  expect(answer.status).toBe(303);
  return new URL(answer.headers.get("location") ?? "");
}

/** A loopback site serving one client's metadata document at `/client.json`; its URL is the client_id. */
export async function metadataSite(
  document: (clientId: string) => Record<string, unknown>,
): Promise<{ clientId: string; close(): Promise<void> }> {
  let clientId = "";
  const site: Server = createServer((req, res) => {
    if (req.url !== "/client.json") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(document(clientId)));
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  clientId = `http://127.0.0.1:${(site.address() as AddressInfo).port}/client.json`;
  return { clientId, close: () => new Promise((resolve) => site.close(() => resolve())) };
}
