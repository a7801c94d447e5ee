import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { connectClient, freePort } from "@gumstack/sdk/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";
import { launchBrowser } from "../testing/browser.js";
import { checkPage, go, text, watchPage } from "./testing/page-checks.js";

const exampleProxied = fileURLToPath(new URL("apps/example-proxied", `file://${repoRoot}`));
const NAME = "example-proxied";
const PASSWORD = "correct horse battery";
const ADMIN = "admin@example.com";
const CARL = "carl@example.com";
const ADA = "ada@example.com";
/** A shared proxied server whose operator variable is not set: registered, its deploy fails. */
const NEEDS_TOKEN = `name: needs-token
kind: stdio
command: node
args: ["-e", "setInterval(() => {}, 1000)"]
env:
  API_TOKEN: "\${API_TOKEN}"
auth:
  type: none
  env: [API_TOKEN]
`;

/**
 * Proxied servers in the dashboard, in a real Chromium against a platform with a real runner:
 * an admin registers apps/example-proxied through the servers page's form, a user's call through
 * the gateway starts their own process, the owner sees and stops it on the Processes tab, then
 * removes the server. Every page visited is checked with axe-core.
 */
describe(`proxied servers in the dashboard, in a real browser [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let browser: Browser;
  let admin: Page;
  let ada: SignedIn;
  let adaKey = "";
  let adminApi: SignedIn;
  let adaClient: Client | undefined;
  let needsToken = "";
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  async function signedInPage(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    watchPage(page, url, pageErrors);
    await page.goto(`${url}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await go(page, page.getByRole("button", { name: "Sign in" }));
    expect(new URL(page.url()).pathname).toBe("/");
    return page;
  }

  const card = (page: Page) => page.getByRole("listitem").filter({ hasText: NAME });
  const processRow = (page: Page) => page.getByRole("row", { name: new RegExp(ADA) });

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url });
    cleanups.push(
      () => platform.close(),
      async () => platform.services.proxied.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    adminApi = await platform.signUpAdmin(ADMIN);
    await platform.signUp(CARL, PASSWORD);
    ada = await platform.signUp(ADA, PASSWORD);
    const folder = mkdtempSync(join(tmpdir(), "gumstack-dash-"));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    needsToken = join(folder, "needs-token.yaml");
    writeFileSync(needsToken, NEEDS_TOKEN);
    browser = await launchBrowser();
    cleanups.push(() => browser.close());
    admin = await signedInPage(ADMIN);
  }, 90_000);

  afterAll(async () => {
    await adaClient?.close();
    for (const context of contexts) await context.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("lets an admin register a server by path: the API's refusal names the field, then the result", async () => {
    const heading = admin.getByRole("heading", { name: "Register a server" });
    expect(await heading.count()).toBe(1);
    await checkPage(admin, "servers-register");

    const path = admin.getByLabel("Path on the platform's machine");
    await path.fill("/no/such/folder");
    await go(admin, admin.getByRole("button", { name: "Register and deploy" }));
    expect(await text(admin.getByRole("alert"))).toMatch(/^path: /);
    // Refused, the path is given back, marked as the field at fault.
    expect(await path.inputValue()).toBe("/no/such/folder");
    expect(await path.getAttribute("aria-invalid")).toBe("true");
    await checkPage(admin, "servers-register-refused");

    await path.fill(exampleProxied);
    await go(admin, admin.getByRole("button", { name: "Register and deploy" }));
    const result = admin.getByRole("region", { name: `Registered ${NAME}` });
    expect(await text(result)).toContain("Status: One process per user");
    expect(await result.getByText("Its first deploy failed").count()).toBe(0);
    expect(await path.inputValue()).toBe("");
    expect(await text(card(admin))).toContain("Proxied stdio · 0 processes running");
    await checkPage(admin, "servers-registered");
  }, 120_000);

  it("says why a registered server's first deploy failed", async () => {
    await admin.getByLabel("Path on the platform's machine").fill(needsToken);
    await go(admin, admin.getByRole("button", { name: "Register and deploy" }));
    const result = admin.getByRole("region", { name: "Registered needs-token" });
    expect(await text(result.locator(".error"))).toMatch(/^Its first deploy failed: .*API_TOKEN/);
    await admin.getByRole("link", { name: "needs-token", exact: true }).first().waitFor();
    await checkPage(admin, "servers-registered-deploy-failed");
  }, 60_000);

  it("shows a member the server's kind but no register form", async () => {
    const carl = await signedInPage(CARL);
    expect(await text(card(carl))).toContain("Proxied stdio");
    expect(await carl.getByRole("heading", { name: "Register a server" }).count()).toBe(0);
    expect(await carl.getByLabel("Path on the platform's machine").count()).toBe(0);
    await checkPage(carl, "servers-member");
    // Not the owner: no Processes tab, no removal.
    await go(carl, carl.getByRole("link", { name: NAME, exact: true }));
    expect(await carl.getByRole("link", { name: "Processes" }).count()).toBe(0);
    expect(await carl.getByRole("link", { name: "Remove server" }).count()).toBe(0);
    expect((await carl.goto(`${url}/servers/${NAME}/processes`))?.status()).toBe(404);
  });

  it("lists the process a user's call started, naming the user, and stops it", async () => {
    const saved = await callOver(url, ada, "PUT", `/api/servers/${NAME}/credentials`, {
      values: { notebook: "n" },
    });
    expect(saved.status).toBe(200);
    const created = await callOver(url, ada, "POST", "/api/keys", { name: "mcp" });
    adaKey = ((await created.json()) as { key: string }).key;
    adaClient = await connectClient(url, adaKey, `/mcp/${NAME}`);
    await adaClient.callTool({ name: "read_graph", arguments: {} });

    await admin.goto(url);
    expect(await text(card(admin))).toContain("1 process running");
    await go(admin, admin.getByRole("link", { name: NAME, exact: true }));
    await go(admin, admin.getByRole("link", { name: "Processes" }));
    expect(new URL(admin.url()).pathname).toBe(`/servers/${NAME}/processes`);
    const row = processRow(admin);
    expect(await row.count()).toBe(1);
    const cells = await row.locator("th, td").allTextContents();
    expect(cells[0]).toBe(`ada (${ADA})`);
    expect(cells[1]).toBe("Running");
    expect(cells[2]).toMatch(/ UTC$/);
    expect(cells[3]).toMatch(/ UTC$/);
    expect(cells[4]).toBe("0");
    // server-memory under node: tens of MiB, with one decimal.
    expect(cells[5]).toMatch(/^\d+\.\d$/);
    expect(Number(cells[5])).toBeGreaterThan(10);
    await checkPage(admin, "processes");

    await go(admin, row.getByRole("button", { name: `Stop the process of ${ADA}` }));
    expect(new URL(admin.url()).pathname).toBe(`/servers/${NAME}/processes`);
    expect(await text(admin.locator('[role="status"].notice'))).toBe(
      "Process stopped: that user's next call starts a new one.",
    );
    expect(await processRow(admin).count()).toBe(0);
    expect(await text(admin.locator("main"))).toContain(
      "No process is running: each user's starts on their first call.",
    );
    await checkPage(admin, "processes-empty");
  }, 120_000);

  it("lists the new process of the user's next call; a Stop of one already gone says so", async () => {
    // The stopped process held ada's session: her client starts again, on a new process.
    await adaClient?.close();
    adaClient = await connectClient(url, adaKey, `/mcp/${NAME}`);
    await adaClient.callTool({ name: "read_graph", arguments: {} });
    await admin.reload();
    const stop = processRow(admin).getByRole("button", { name: `Stop the process of ${ADA}` });
    await stop.waitFor();
    // Stopped elsewhere (another tab, its idle time) while this page still shows it.
    const stopped = await callOver(
      url,
      adminApi,
      "DELETE",
      `/api/servers/${NAME}/processes/${ada.userId}`,
    );
    expect(stopped.status).toBe(204);
    await go(admin, stop);
    expect(new URL(admin.url()).pathname).toBe(`/servers/${NAME}/processes`);
    expect(await text(admin.locator('[role="status"].notice'))).toBe(
      "That process had already stopped: the list shows what runs now.",
    );
    expect(await processRow(admin).count()).toBe(0);
  }, 60_000);

  it("removes the server after its name is typed, and the list no longer shows it", async () => {
    await admin.goto(`${url}/servers/${NAME}`);
    await go(admin, admin.getByRole("link", { name: "Remove server" }));
    expect(new URL(admin.url()).pathname).toBe(`/servers/${NAME}/remove`);
    await checkPage(admin, "remove-server");

    const typed = admin.getByLabel(`Type the server's name, ${NAME}, to confirm`);
    await typed.fill("example");
    await go(admin, admin.getByRole("button", { name: "Remove server" }));
    expect(await text(admin.getByRole("alert"))).toBe(`name: type ${NAME} exactly to remove it`);
    expect(await typed.getAttribute("aria-invalid")).toBe("true");
    await checkPage(admin, "remove-server-refused");
    // Still there.
    const kept = await callOver(url, ada, "GET", `/api/servers/${NAME}`);
    expect(kept.status).toBe(200);

    await typed.fill(NAME);
    await go(admin, admin.getByRole("button", { name: "Remove server" }));
    expect(new URL(admin.url()).pathname).toBe("/");
    expect(await text(admin.locator('[role="status"].notice'))).toMatch(/^Server removed/);
    expect(await admin.getByRole("link", { name: NAME, exact: true }).count()).toBe(0);
    await admin.getByRole("link", { name: "needs-token", exact: true }).waitFor();
    await checkPage(admin, "servers-after-remove");
    expect((await callOver(url, ada, "GET", `/api/servers/${NAME}`)).status).toBe(404);
  }, 60_000);

  it("met no script error or CSP violation on any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
