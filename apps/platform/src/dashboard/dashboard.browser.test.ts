import { fileURLToPath } from "node:url";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { startTestAuthServer, type TestAuthServer } from "@gumstack/oauth/testing";
import { connectClient, freePort, textOf } from "@gumstack/sdk/testing";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";
import { launchBrowser } from "../testing/browser.js";
import { envList } from "./shapes.js";
import { checkPage, go as goTo, text, watchPage } from "./testing/page-checks.js";

const example = (name: string) =>
  fileURLToPath(new URL(`apps/example-${name}`, `file://${repoRoot}`));

const ADMIN = { email: "admin@example.com", password: "correct horse battery" };
const ENV_SECRET = "wk_browser_secret_0123456789";
const CRED_SECRET = "crm_live_browser_secret_4242";

/**
 * The whole dashboard journey in a real Chromium (testing/browser.ts says which) against a running
 * platform with hosted example servers and a real OpenID provider: each page is screenshotted and
 * checked with axe-core.
 */
describe(`the dashboard in a real browser [${testDriver}]`, () => {
  let platform: TestPlatform;
  let as: TestAuthServer;
  let url: string;
  let admin: SignedIn;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let apiKey = "";
  const pageErrors: string[] = [];
  /** Requests that left loopback: the dashboard must work offline (no CDN, fonts, analytics). */
  const offsite: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  const api = (method: string, path: string, body?: unknown) =>
    callOver(url, admin, method, path, body);

  // `page` changes hands in the sign-up step: these act on whichever is current.
  const go = (target: Locator) => goTo(page, target);
  const check = (name: string) => checkPage(page, name);
  /** The page's one notice (copy buttons add their own, empty, status regions). */
  const notice = () => page.locator('[role="status"].notice');

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    as = await startTestAuthServer({ redirectUris: [`${url}/auth/callback`] });
    cleanups.push(() => as.close());
    platform = await testPlatform({ publicUrl: url });
    cleanups.push(
      () => platform.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin(ADMIN.email);

    const registered = await Promise.all(
      ["none", "cred", "oauth"].map((name) => api("POST", "/api/servers", { path: example(name) })),
    );
    expect(registered.map((r) => r.status)).toEqual([201, 201, 201]);
    // The oauth example needs its provider's settings, which the operator sets as variables.
    for (const [name, value] of Object.entries({
      OIDC_ISSUER: as.issuer,
      OIDC_CLIENT_ID: as.clientId,
      OIDC_CLIENT_SECRET: as.clientSecret,
    })) {
      expect((await api("PUT", `/api/servers/example-oauth/env/${name}`, { value })).status).toBe(
        201,
      );
    }
    expect((await api("POST", "/api/servers/example-oauth/deploy")).status).toBe(200);

    browser = await launchBrowser();
    cleanups.push(() => browser.close());
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
    context.on("request", (request) => {
      const { protocol, hostname } = new URL(request.url());
      if (/^(https?|wss?):$/.test(protocol) && hostname !== "127.0.0.1")
        offsite.push(request.url());
    });
    page = await context.newPage();
    // A CSP violation or a script error on any of our pages fails the journey at the end.
    watchPage(page, url, pageErrors);
  }, 90_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("sends a signed-out visitor to sign in, refuses a wrong password, and signs in", async () => {
    await page.goto(`${url}/servers/example-none`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await check("sign-in");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill("not the password");
    await go(page.getByRole("button", { name: "Sign in" }));
    expect(await text(page.getByRole("alert"))).toBe("wrong email or password");
    expect(await page.getByLabel("Email").inputValue()).toBe(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await go(page.getByRole("button", { name: "Sign in" }));
    // Back where the visitor was going.
    expect(new URL(page.url()).pathname).toBe("/servers/example-none");

    await page.goto(url);
    for (const name of ["example-none", "example-cred", "example-oauth"]) {
      await page.getByRole("link", { name, exact: true }).waitFor();
    }
    expect(await text(page.locator("main"))).toContain("Running");
    await check("servers");
  });

  it("sets an environment variable (masked), refuses a reserved name inline, deletes one, redeploys", async () => {
    await page.goto(`${url}/servers/example-none/env`);
    await page.getByLabel("Name", { exact: true }).fill("WEATHER_API_KEY");
    await page.getByLabel("Value", { exact: true }).fill(ENV_SECRET);
    await go(page.getByRole("button", { name: "Save variable" }));
    expect(await text(notice())).toContain("Variable saved");
    const row = page.getByRole("row", { name: /WEATHER_API_KEY/ });
    expect(await text(row)).toContain("••••");
    expect(await text(row)).not.toContain(ENV_SECRET.slice(-4));
    expect(await text(page.getByRole("region", { name: "Redeploy pending" }))).toContain(
      "Redeploy pending",
    );

    await page.getByLabel("Name", { exact: true }).fill("GUMSTACK_TOKEN");
    await page.getByLabel("Value", { exact: true }).fill("anything");
    await go(page.getByRole("button", { name: "Save variable" }));
    expect(await text(page.getByRole("alert"))).toBe(
      'name: "GUMSTACK_TOKEN" is reserved: names starting with GUMSTACK_ or GUMLOOP_ (in any letter case) belong to the platform',
    );
    const name = page.getByLabel("Name", { exact: true });
    expect(await name.inputValue()).toBe("GUMSTACK_TOKEN");
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Value", { exact: true }).inputValue()).toBe("");
    await check("env");
    expect(await page.content()).not.toContain(ENV_SECRET);

    await page.getByLabel("Name", { exact: true }).fill("WEATHER_UNITS");
    await page.getByLabel("Value", { exact: true }).fill("imperial");
    await go(page.getByRole("button", { name: "Save variable" }));
    await go(page.getByRole("button", { name: "Delete WEATHER_UNITS" }));
    expect(await text(notice())).toContain("Variable deleted");
    expect(await page.getByRole("row", { name: /WEATHER_UNITS/ }).count()).toBe(0);

    await go(page.getByRole("button", { name: "Redeploy now" }));
    expect(await text(notice())).toContain("Redeployed");
    expect(await page.getByRole("region", { name: "Redeploy pending" }).count()).toBe(0);
    expect(await page.content()).not.toContain(ENV_SECRET);
  }, 60_000);

  it("shows the server's status, auth mode and tools, and its deployments with their logs", async () => {
    await page.goto(`${url}/servers/example-none`);
    const facts = await text(page.locator("dl.facts").first());
    expect(facts).toContain("Running");
    expect(facts).toContain("Environment variables");
    expect(facts).toContain(`${url}/mcp/example-none`);
    await page.getByRole("heading", { name: "Tools" }).waitFor();
    expect(await text(page.locator("dl.tools"))).toContain("forecast");
    await check("server");

    await go(page.getByRole("link", { name: "Deployments" }));
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    expect(await text(rows.first())).toContain("Running");
    await page.getByRole("heading", { name: /^Logs of/ }).waitFor();
    await check("deployments");
  });

  it("connects an OAuth account through the provider's pages and shows its nickname", async () => {
    await page.goto(`${url}/servers/example-oauth`);
    expect(await text(page.locator("main"))).toContain("You have not connected an account yet");
    await go(page.getByRole("link", { name: "Connect", exact: true }));
    // The provider's own login and consent pages (oidc-provider), then back to the dashboard.
    expect(page.url().startsWith(as.issuer)).toBe(true);
    await page.locator('input[name="account"]').fill("lin");
    await go(page.getByRole("button", { name: "Continue" }));
    await Promise.all([
      page.waitForURL(`${url}/servers/example-oauth`),
      page.getByRole("button", { name: "Continue" }).click(),
    ]);
    const row = page.getByRole("row", { name: /lin/ });
    expect(await text(row)).toContain("Active");
    await page.getByRole("button", { name: "Disconnect lin" }).waitFor();
    await page.getByRole("link", { name: "Reconnect lin" }).waitFor();
    await check("server-oauth");
  }, 30_000);

  it("fills the cred form built from the declared fields; the secret is never echoed back", async () => {
    await page.goto(`${url}/servers/example-cred`);
    const secret = page.getByLabel("CRM API key");
    expect(await secret.getAttribute("type")).toBe("password");
    expect(await secret.getAttribute("placeholder")).toBe("crm_live_…");
    expect(await text(page.locator("main"))).toContain(
      "Create one under Settings → API in your CRM.",
    );
    await secret.fill(CRED_SECRET);
    await page.getByLabel("Workspace").fill("acme");
    await go(page.getByRole("button", { name: "Save credentials" }));
    expect(await text(notice())).toContain("Your credentials are saved");
    expect(await page.getByLabel("CRM API key").inputValue()).toBe("");
    expect(await page.getByLabel("Workspace").inputValue()).toBe("acme");
    expect(await page.content()).not.toContain(CRED_SECRET);

    // A required plain field left empty: the API's message, next to the form; nothing lost.
    await page.getByLabel("Workspace").fill("");
    await page.getByLabel("Workspace").evaluate((input) => input.removeAttribute("required"));
    await go(page.getByRole("button", { name: "Save credentials" }));
    expect(await text(page.getByRole("alert"))).toBe("values.workspace: Workspace is required");
    expect(await page.content()).not.toContain(CRED_SECRET);
    await check("server-cred");
    await page.goto(`${url}/servers/example-cred`);
    expect(await page.getByLabel("Workspace").inputValue()).toBe("acme");
  });

  it("creates an API key shown once with a copy button, with client snippets, and revokes it", async () => {
    await page.goto(`${url}/keys`);
    await page.getByLabel("Name", { exact: true }).fill("laptop");
    await go(page.getByRole("button", { name: "Create key" }));
    apiKey = await page.getByLabel("API key", { exact: true }).inputValue();
    expect(apiKey).toMatch(/^gsk_/);
    await page.getByRole("button", { name: "Copy the new API key" }).click();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(apiKey);
    // In collapsed <details> too: textContent, not innerText.
    const snippets = (await page.locator("main").textContent()) ?? "";
    expect(snippets).toContain(
      `claude mcp add --transport http example-none ${url}/mcp/example-none --header "Authorization: Bearer ${apiKey}"`,
    );
    expect(snippets).toContain('"Authorization": "Bearer');
    expect(snippets).toContain("npx @modelcontextprotocol/inspector --cli");
    await check("keys");

    // The key works, and the dashboard's work shows through it: the variable, the account.
    const none = await connectClient(url, apiKey, "/mcp/example-none");
    const oauth = await connectClient(url, apiKey, "/mcp/example-oauth");
    try {
      expect(textOf(await none.callTool({ name: "forecast", arguments: { city: "Oslo" } }))).toBe(
        "Forecast for Oslo: 18° metric (API key configured)",
      );
      expect(textOf(await oauth.callTool({ name: "whoami", arguments: {} }))).toMatch(
        /^Connected as lin;/,
      );
    } finally {
      await none.close();
      await oauth.close();
    }

    await page.goto(`${url}/keys`);
    expect(await page.content()).not.toContain(apiKey);
    await go(page.getByRole("button", { name: "Revoke laptop" }));
    expect(await text(notice())).toContain("API key revoked");
    expect(await text(page.getByRole("row", { name: /laptop/ }))).toContain("Revoked");
  }, 30_000);

  it("refuses a dashboard write without the session's CSRF token, or from another origin", async () => {
    const forged = await page.request.post(`${url}/servers/example-none/env`, {
      form: { name: "FORGED", value: "x", csrf: "not-the-token" },
    });
    expect(forged.status()).toBe(403);
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const elsewhere = await page.request.post(`${url}/servers/example-none/env`, {
      form: { name: "FORGED", value: "x", csrf },
      headers: { origin: "https://evil.example" },
    });
    expect(elsewhere.status()).toBe(403);
    const { variables } = envList.parse(
      await (await api("GET", "/api/servers/example-none/env")).json(),
    );
    expect(variables.map((v) => v.name)).toEqual(["WEATHER_API_KEY"]);
  });

  it("shows activity per tool: calls, error rate, p50 and p95, with calls over time as a chart", async () => {
    // The hosted server reports its calls about once a second: reload until this one is in.
    const row = page.getByRole("row", { name: /forecast/ });
    for (let attempt = 0; attempt < 50; attempt++) {
      await page.goto(`${url}/servers/example-none/activity`);
      if ((await row.count()) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const cells = await row.locator("td").allTextContents();
    expect(cells[0]).toBe("1");
    expect(cells[2]).toBe("0.0%");
    expect(cells[4]).toMatch(/^\d+ ms$/);
    expect(cells[5]).toMatch(/^\d+ ms$/);
    await page.getByRole("img", { name: /Calls per hour/ }).waitFor();
    await check("activity");
  });

  it("disconnects the OAuth account", async () => {
    await page.goto(`${url}/servers/example-oauth`);
    await go(page.getByRole("button", { name: "Disconnect lin" }));
    expect(await text(notice())).toContain("Account disconnected");
    expect(await page.getByRole("row", { name: /lin/ }).count()).toBe(0);
    await page.getByRole("link", { name: "Connect", exact: true }).waitFor();
  });

  it("reads at mobile width without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/", "/servers/example-cred", "/servers/example-none/env", "/keys"]) {
      await page.goto(`${url}${path}`);
      const overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto(`${url}/servers/example-cred`);
    await check("server-mobile");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("signs up an end user, who sees every server but none of its management pages", async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const main = page;
    page = await other.newPage();
    try {
      await page.goto(`${url}/sign-up?invite=${await platform.invite()}`);
      await page.getByLabel("Name").fill("Ada");
      await page.getByLabel("Email").fill("ada@example.com");
      await page.getByLabel("Password").fill("another long passphrase");
      await check("sign-up");
      await go(page.getByRole("button", { name: "Create account" }));
      expect(new URL(page.url()).pathname).toBe("/");
      expect(await page.locator(".card").count()).toBe(3);
      expect(await text(page.locator("main"))).not.toContain("yours");
      await page.goto(`${url}/servers/example-oauth`);
      expect(await text(page.locator("main"))).toContain("You have not connected an account yet");
      expect(await page.getByRole("link", { name: "Environment" }).count()).toBe(0);
      const env = await page.goto(`${url}/servers/example-none/env`);
      expect(env?.status()).toBe(404);
    } finally {
      await other.close();
      page = main;
    }
  });

  it("signs out, after which pages send the browser to sign in again", async () => {
    await page.goto(`${url}/keys`);
    await go(page.getByRole("button", { name: "Sign out" }));
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(await text(notice())).toContain("You are signed out");
    await page.goto(`${url}/keys`);
    expect(page.url()).toBe(`${url}/sign-in?next=%2Fkeys`);
    expect(pageErrors).toEqual([]);
    expect(offsite).toEqual([]);
  });
});
