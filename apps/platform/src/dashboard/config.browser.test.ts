import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";
import { launchBrowser } from "../testing/browser.js";
import { checkPage, go, text, watchPage } from "./testing/page-checks.js";

const NAME = "configured";
const PASSWORD = "correct horse battery";
const ADMIN = "admin@example.com";
const MEMBER = "member@example.com";
/** Typed into the file as it is: the page must never carry it. */
const SECRET = "s3cret-in-the-file-9913";
const FILE = `# Comments like this one survive a save.
name: ${NAME}
kind: stdio
description: server-everything
command: node
args: ["node_modules/@modelcontextprotocol/server-everything/dist/index.js", "stdio"]
env:
  LITERAL_SECRET: "${SECRET}"
  FROM_VARIABLE: "\${API_TOKEN}"
auth:
  type: none
  env: [API_TOKEN]
`;

/**
 * A proxied server's Configuration tab in a real Chromium, against a platform with a real runner
 * serving server-everything: the admin edits and saves (it is deployed), sees the literal value
 * only as set, and a refused save names the field at fault. Every page is checked with axe-core.
 */
describe(`a proxied server's configuration in the dashboard, in a real browser [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let browser: Browser;
  let admin: Page;
  let adminApi: SignedIn;
  let file = "";
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
    return page;
  }

  beforeAll(async () => {
    const folder = mkdtempSync(join(tmpdir(), "gumstack-dash-config-"));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    // The sandbox shows a server its folder's node_modules: here, the repository's.
    symlinkSync(join(repoRoot, "node_modules"), join(folder, "node_modules"));
    file = join(folder, `${NAME}.yaml`);
    writeFileSync(file, FILE);
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url });
    cleanups.push(
      () => platform.close(),
      async () => platform.services.proxied.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    adminApi = await platform.signUpAdmin(ADMIN);
    await platform.signUp(MEMBER, PASSWORD);
    expect((await callOver(url, adminApi, "POST", "/api/servers", { path: file })).status).toBe(
      201,
    );
    const variable = await callOver(url, adminApi, "PUT", `/api/servers/${NAME}/env/API_TOKEN`, {
      value: "tok-77",
    });
    expect(variable.status).toBe(201);
    expect((await callOver(url, adminApi, "POST", `/api/servers/${NAME}/deploy`)).status).toBe(200);
    browser = await launchBrowser();
    cleanups.push(() => browser.close());
    admin = await signedInPage(ADMIN);
  }, 90_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("shows the configuration, a literal value only as set", async () => {
    await admin.goto(`${url}/servers/${NAME}`);
    await go(admin, admin.getByRole("link", { name: "Configuration" }));
    expect(new URL(admin.url()).pathname).toBe(`/servers/${NAME}/config`);
    expect(await admin.getByLabel("Command").inputValue()).toBe("node");
    expect(await admin.getByLabel("Arguments").inputValue()).toBe(
      "node_modules/@modelcontextprotocol/server-everything/dist/index.js\nstdio",
    );
    expect(await admin.getByLabel("Value of FROM_VARIABLE").inputValue()).toBe("${API_TOKEN}");
    const secret = admin.getByLabel("Value of LITERAL_SECRET");
    expect(await secret.getAttribute("type")).toBe("password");
    expect(await secret.inputValue()).toBe("");
    expect(await admin.locator("#row-0-hint").textContent()).toBe("set — leave empty to keep");
    expect(await admin.content()).not.toContain(SECRET);
    expect(await text(admin.getByRole("region", { name: "Authentication" }))).toContain(
      "API_TOKEN",
    );
    await checkPage(admin, "config");
  }, 60_000);

  it("saves an edit, deploys it, and keeps the literal value it did not show", async () => {
    await admin.getByLabel("Description").fill("server-everything, without get-sum");
    await admin.getByLabel("Denied tools").fill("get-sum\n");
    await admin.getByLabel("Idle time (minutes)").fill("15");
    await go(admin, admin.getByRole("button", { name: "Save and deploy" }));
    expect(new URL(admin.url()).pathname).toBe(`/servers/${NAME}/config`);
    expect(await text(admin.locator('[role="status"].notice'))).toBe(
      "Configuration saved and deployed.",
    );
    expect(await admin.getByLabel("Denied tools").inputValue()).toBe("get-sum");
    expect(await admin.getByLabel("Idle time (minutes)").inputValue()).toBe("15");
    expect(await admin.locator("#row-0-hint").textContent()).toBe("set — leave empty to keep");
    expect(await admin.content()).not.toContain(SECRET);
    const saved = readFileSync(file, "utf8");
    expect(saved).toContain(`LITERAL_SECRET: "${SECRET}"`);
    expect(saved).toContain("# Comments like this one survive a save.");
    expect(saved).toContain("idleMinutes: 15");
    await checkPage(admin, "config-saved");

    // Deployed: the server no longer offers the denied tool.
    await admin.goto(`${url}/servers/${NAME}`);
    const tools = admin.getByRole("region", { name: "Tools" });
    expect(await text(tools)).toContain("get-env");
    expect(await text(tools)).not.toContain("get-sum");
  }, 60_000);

  it("names the field a refused save is about, and changes nothing", async () => {
    const before = readFileSync(file, "utf8");
    await admin.goto(`${url}/servers/${NAME}/config`);
    const templated = admin.getByLabel("Value of FROM_VARIABLE");
    await templated.fill("${NOT_DECLARED}");
    await admin.getByLabel("Name of new variable 1").fill("ANOTHER");
    await admin.getByLabel("Value of new variable 1").fill("typed-literal-55");
    await go(admin, admin.getByRole("button", { name: "Save and deploy" }));
    expect(await text(admin.getByRole("alert"))).toMatch(
      /^Not saved: see the fields marked below\.\s+config is invalid:/,
    );
    expect(await text(admin.locator("#row-1-error"))).toBe(
      "env.FROM_VARIABLE: ${NOT_DECLARED} is not one of the server's variables",
    );
    expect(await templated.getAttribute("aria-invalid")).toBe("true");
    // The template is given back to be corrected; the typed literal is not put in the page.
    expect(await templated.inputValue()).toBe("${NOT_DECLARED}");
    expect(await admin.getByLabel("Name of new variable 1").inputValue()).toBe("ANOTHER");
    expect(await admin.getByLabel("Value of new variable 1").inputValue()).toBe("");
    expect(await admin.content()).not.toContain("typed-literal-55");
    expect(await admin.content()).not.toContain(SECRET);
    expect(readFileSync(file, "utf8")).toBe(before);
    await checkPage(admin, "config-refused");
  }, 60_000);

  it("is not offered to a member, and not there for them", async () => {
    const member = await signedInPage(MEMBER);
    await member.goto(`${url}/servers/${NAME}`);
    expect(await member.getByRole("link", { name: "Configuration" }).count()).toBe(0);
    expect((await member.goto(`${url}/servers/${NAME}/config`))?.status()).toBe(404);
  }, 60_000);

  it("met no script error or CSP violation on any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
