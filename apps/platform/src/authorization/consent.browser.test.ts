import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPage, go, text, watchPage } from "../dashboard/testing/page-checks.js";
import { type TestPlatform, testPlatform } from "../testing/api-client.js";
import { launchBrowser } from "../testing/browser.js";
import { testClients } from "./testing/test-clients.js";

const exampleCred = fileURLToPath(new URL("apps/example-cred", `file://${repoRoot}`));
const PASSWORD = "correct horse battery";
const CHALLENGE = createHash("sha256").update("a-verifier-".repeat(5)).digest("base64url");

/**
 * The consent flow in a real Chromium, as an MCP client on this machine starts it: the browser
 * opens /oauth/authorize, signs in, fills the cred server's form on the way, allows, and lands on
 * the client's loopback redirect with a code; then Connected apps revokes it. Each page is
 * checked with axe-core and saved as a screenshot.
 */
describe(`the consent flow in a real browser [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let browser: Browser;
  /** The MCP client's loopback redirect: what it was sent, and a page that frames ours. */
  let client: Server;
  let clientUrl: string;
  const received: URLSearchParams[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    watchPage(page, url, pageErrors);
    return page;
  }

  const authorizeUrl = (state: string) =>
    `${url}/oauth/authorize?${new URLSearchParams({
      response_type: "code",
      client_id: "mcl_desktop",
      redirect_uri: `${clientUrl}/callback`,
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
      state,
      scope: "mcp",
      resource: `${url}/mcp/example-cred`,
    })}`;

  async function signIn(page: Page) {
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.getByLabel("Email").fill("dana@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await go(page, page.getByRole("button", { name: "Sign in" }));
  }

  beforeAll(async () => {
    client = createServer((req, res) => {
      const at = new URL(req.url ?? "/", "http://client.invalid");
      if (at.pathname === "/callback") received.push(at.searchParams);
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        at.pathname === "/frame"
          ? `<!doctype html><title>framing</title><iframe title="consent" src="${at.searchParams.get("src")}"></iframe>`
          : "<!doctype html><title>Done</title><p>You can close this window.</p>",
      );
    });
    await new Promise<void>((resolve) => client.listen(0, "127.0.0.1", resolve));
    clientUrl = `http://127.0.0.1:${(client.address() as AddressInfo).port}`;
    cleanups.push(() => new Promise((resolve) => client.close(resolve)));

    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({
      publicUrl: url,
      clients: testClients([
        {
          clientId: "mcl_desktop",
          kind: "registered",
          name: "Desktop Assistant",
          // Registered on another port: a loopback redirect may use any (RFC 8252 7.3).
          redirectUris: ["http://127.0.0.1:1/callback"],
          tokenEndpointAuthMethod: "none",
        },
      ]),
    });
    cleanups.push(
      () => platform.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    const admin = await platform.signUpAdmin("admin@example.com");
    await platform.signUp("dana@example.com", PASSWORD);
    await platform.serverOf(admin, "example-cred", { authType: "cred", sourcePath: exampleCred });
    browser = await launchBrowser();
    cleanups.push(() => browser.close());
  }, 90_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  let page: Page;

  it("signs in, fills the server's form on the way, allows, and lands on the client with a code", async () => {
    page = await freshPage();
    await page.goto(authorizeUrl("first"));
    await signIn(page);
    expect(new URL(page.url()).pathname).toBe("/oauth/authorize");
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe(
      "Allow Desktop Assistant to use example-cred?",
    );
    expect(await text(page.locator("main"))).toContain("Unverified");
    await checkPage(page, "consent-setup");

    await go(page, page.getByRole("link", { name: "Enter your credentials first" }));
    expect(new URL(page.url()).pathname).toBe("/auth/form/example-cred");
    await checkPage(page, "consent-credentials-form");
    await page.getByLabel("CRM API key").fill("crm_live_dana");
    await page.getByLabel("Workspace").fill("danas");
    await go(page, page.getByRole("button", { name: "Save" }));

    // Back on the consent page, nothing left to set up.
    expect(new URL(page.url()).pathname).toBe("/oauth/authorize");
    expect(await page.getByRole("link", { name: "Enter your credentials first" }).count()).toBe(0);
    await checkPage(page, "consent");
    await go(page, page.getByRole("button", { name: "Allow" }));
    expect(page.url().startsWith(`${clientUrl}/callback?`)).toBe(true);
    const answer = received.at(-1);
    expect(answer?.get("code")).toMatch(/^[\w-]{43,}$/);
    expect(answer?.get("state")).toBe("first");
    expect(answer?.get("iss")).toBe(url);
  });

  it("a remembered consent goes straight back to the client; after signing in, one click", async () => {
    await page.goto(authorizeUrl("remembered"));
    expect(page.url().startsWith(`${clientUrl}/callback?`)).toBe(true);
    expect(received.at(-1)?.get("state")).toBe("remembered");

    // A redirect to the client at the end of the sign-in form's answer would be blocked by its
    // form-action 'self': the consent page asks for the click instead, and its form may go there.
    const again = await freshPage();
    await again.goto(authorizeUrl("signed-in-again"));
    await signIn(again);
    expect(await text(again.getByRole("status"))).toContain("You allowed this app before");
    await checkPage(again, "consent-remembered");
    await go(again, again.getByRole("button", { name: "Allow" }));
    expect(again.url().startsWith(`${clientUrl}/callback?`)).toBe(true);
    expect(received.at(-1)?.get("state")).toBe("signed-in-again");
  });

  it("lists the app under Connected apps, and revokes it", async () => {
    await page.goto(`${url}/`);
    await go(page, page.getByRole("link", { name: "Connected apps" }));
    expect(new URL(page.url()).pathname).toBe("/connected-apps");
    const row = page.getByRole("row", { name: /Desktop Assistant/ });
    expect(await text(row)).toContain("example-cred");
    await checkPage(page, "connected-apps");
    await go(
      page,
      page.getByRole("button", { name: "Revoke Desktop Assistant's access to example-cred" }),
    );
    expect(await text(page.getByRole("status"))).toContain("Access revoked");
    expect(await page.getByRole("row", { name: /Desktop Assistant/ }).count()).toBe(0);
    await checkPage(page, "connected-apps-empty");

    // Revoked, the consent is asked for again.
    const consent = await page.goto(authorizeUrl("after-revoke"));
    expect(new URL(page.url()).pathname).toBe("/oauth/authorize");
    expect(await page.getByRole("button", { name: "Allow" }).count()).toBe(1);
    expect(pageErrors).toEqual([]);

    // And that page cannot be framed by another site (clickjacking Allow).
    expect(consent?.headers()["x-frame-options"]).toBe("DENY");
    expect(consent?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    const refusals: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("frame-ancestors")) refusals.push(message.text());
    });
    await page.goto(`${clientUrl}/frame?src=${encodeURIComponent(authorizeUrl("framed"))}`);
    await expect.poll(() => refusals.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(refusals[0]).toContain("The request has been blocked");
    const frame = page.frames().find((f) => f !== page.mainFrame());
    // The frame holds the browser's error page, never the consent page.
    expect(frame?.url().startsWith(url)).toBe(false);
    expect(await frame?.getByRole("button", { name: "Allow" }).count()).toBe(0);
  });
});
