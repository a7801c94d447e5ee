import { testDriver } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, type TestPlatform, testPlatform } from "../testing/api-client.js";
import { launchBrowser } from "../testing/browser.js";
import { checkPage, go, text, watchPage } from "./testing/page-checks.js";

const PASSWORD = "correct horse battery";
const ADMIN = "admin@example.com";
const BEA = { email: "bea@example.com", password: "bea's first passphrase" };
const BEA_NEW_PASSWORD = "bea's second passphrase";
const INVALID_INVITE =
  "invite: this invitation is not valid (unknown, used or expired): ask an admin for a new one";
/** A low limit, so the fourth attempt in a row on one account is the throttled one. */
const SIGN_IN_HITS = 3;

/**
 * The account pages in a real Chromium against a running platform (no hosted servers: none of
 * these pages needs one to run): invitations, invite-only sign-up, changing the password,
 * signing out everywhere, throttled sign-in, and the admin's unsafe-name override on the env page.
 * Each new page is checked with axe-core.
 */
describe(`the account pages in a real browser [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let browser: Browser;
  let carl: SignedIn;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  /** A page in a browser context of its own: its own cookies, so its own session. */
  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
    const page = await context.newPage();
    watchPage(page, url, pageErrors);
    return page;
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${url}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await go(page, page.getByRole("button", { name: "Sign in" }));
  }

  const linkField = (page: Page) => page.getByRole("textbox", { name: "Sign-up link" });

  async function createInvite(page: Page, email = ""): Promise<string> {
    await page.goto(`${url}/invites`);
    await page.getByLabel("Email (optional)").fill(email);
    await go(page, page.getByRole("button", { name: "Create invitation" }));
    return linkField(page).inputValue();
  }

  async function signUp(page: Page, who: { name: string; email: string; password: string }) {
    await page.getByLabel("Name").fill(who.name);
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(who.password);
    await go(page, page.getByRole("button", { name: "Create account" }));
  }

  let admin: Page;

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({
      publicUrl: url,
      limits: {
        signInPerAccount: {
          what: "failed sign-ins for this account",
          hits: SIGN_IN_HITS,
          windowMs: 15 * 60_000,
        },
      },
    });
    cleanups.push(
      () => platform.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    const adminSession = await platform.signUpAdmin(ADMIN);
    carl = await platform.signUp("carl@example.com", PASSWORD);
    await platform.serverOf(adminSession, "admins-server");
    await platform.serverOf(carl, "carls-server");
    browser = await launchBrowser();
    cleanups.push(() => browser.close());
    admin = await freshPage();
    await signIn(admin, ADMIN, PASSWORD);
    expect(new URL(admin.url()).pathname).toBe("/");
  }, 90_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("lets an admin invite someone: the link is shown once, signs up once, then is refused", async () => {
    await go(admin, admin.getByRole("link", { name: "Invitations" }));
    expect(new URL(admin.url()).pathname).toBe("/invites");
    // The harness's own invitations (the admin's and carl's sign-ups) are listed, used.
    expect(await admin.getByRole("row", { name: /Anyone with the link/ }).count()).toBe(2);
    await checkPage(admin, "invites");

    await admin.getByLabel("Email (optional)").fill(BEA.email);
    await go(admin, admin.getByRole("button", { name: "Create invitation" }));
    expect(await text(admin.getByRole("heading", { level: 2 }).first())).toBe(
      `New invitation for ${BEA.email}`,
    );
    const link = await linkField(admin).inputValue();
    expect(link).toMatch(new RegExp(`^${url}/sign-up\\?invite=[\\w-]+$`));
    await admin.getByRole("button", { name: "Copy the sign-up link" }).click();
    expect(await admin.evaluate("navigator.clipboard.readText()")).toBe(link);
    await checkPage(admin, "invites-created");
    // Shown once: the list names the invitation, never its link.
    await admin.goto(`${url}/invites`);
    expect(await admin.content()).not.toContain(link);
    const row = admin.getByRole("row", { name: new RegExp(BEA.email) });
    expect(await text(row)).toContain("Unused");

    const bea = await freshPage();
    await bea.goto(link);
    // The code rides in the link: no field to fill in.
    expect(await bea.getByLabel("Invitation code").count()).toBe(0);
    await signUp(bea, { name: "Bea", ...BEA });
    expect(new URL(bea.url()).pathname).toBe("/");
    expect(await text(bea.locator("header"))).toContain(BEA.email);

    const again = await freshPage();
    await again.goto(link);
    await signUp(again, { name: "Eve", email: "eve@example.com", password: "eve's passphrase!" });
    expect(new URL(again.url()).pathname).toBe("/sign-up");
    expect(await text(again.getByRole("alert"))).toBe(INVALID_INVITE);
    // Refused, the code is shown for the person to replace, marked as the field at fault.
    const code = again.getByLabel("Invitation code");
    expect(await code.getAttribute("aria-invalid")).toBe("true");
    expect(await again.getByLabel("Email").inputValue()).toBe("eve@example.com");
    await checkPage(again, "sign-up-refused");

    await admin.goto(`${url}/invites`);
    expect(await text(row)).toContain("Used");
    expect(await row.getByRole("button", { name: /^Withdraw/ }).count()).toBe(0);
  }, 60_000);

  it("signs up with a code typed (or a whole link pasted) into the sign-up form", async () => {
    const link = await createInvite(admin);
    const dee = await freshPage();
    await dee.goto(`${url}/sign-up`);
    expect(await text(dee.locator("main"))).toContain("Accounts are by invitation");
    await checkPage(dee, "sign-up-no-code");
    await dee.getByLabel("Invitation code").fill(link);
    await signUp(dee, { name: "Dee", email: "dee@example.com", password: "dee's passphrase!" });
    expect(new URL(dee.url()).pathname).toBe("/");
  });

  it("withdraws an invitation not used yet, after which its link is refused", async () => {
    const link = await createInvite(admin, "fay@example.com");
    await admin.goto(`${url}/invites`);
    const row = admin.getByRole("row", { name: /fay@example\.com/ });
    await go(admin, row.getByRole("button", { name: /^Withdraw/ }));
    expect(await text(admin.locator('[role="status"].notice'))).toBe("Invitation withdrawn.");
    const late = await freshPage();
    await late.goto(link);
    await signUp(late, { name: "Fay", email: "fay@example.com", password: "fay's passphrase!" });
    expect(await text(late.getByRole("alert"))).toBe(INVALID_INVITE);
    await admin.goto(`${url}/invites`);
    expect(await row.count()).toBe(0);
  });

  it("gives a member no Invitations page: no nav entry, and 403 as the API answers", async () => {
    const member = await freshPage();
    await signIn(member, "carl@example.com", PASSWORD);
    await member.getByRole("navigation", { name: "Main" }).waitFor();
    expect(await member.getByRole("link", { name: "Invitations" }).count()).toBe(0);
    const answer = await member.goto(`${url}/invites`);
    expect(answer?.status()).toBe(403);
    expect(await text(member.getByRole("alert"))).toBe(
      "only an admin invites people: an account can use every server",
    );
    // A member's own server: no unsafe-name override, which only an admin may use.
    await member.goto(`${url}/servers/carls-server/env`);
    await member.getByLabel("Name", { exact: true }).waitFor();
    expect(await member.getByLabel("Allow an unsafe name").count()).toBe(0);
  });

  it("changes the password: a wrong current one is refused inline, then the old one no longer signs in", async () => {
    const bea = await freshPage();
    await signIn(bea, BEA.email, BEA.password);
    const elsewhere = await freshPage();
    await signIn(elsewhere, BEA.email, BEA.password);
    await go(bea, bea.getByRole("link", { name: "Account" }));
    expect(new URL(bea.url()).pathname).toBe("/account");
    await checkPage(bea, "account");

    await bea.getByLabel("Current password").fill("not my password");
    await bea.getByLabel("New password").fill(BEA_NEW_PASSWORD);
    await go(bea, bea.getByRole("button", { name: "Change password" }));
    expect(await text(bea.getByRole("alert"))).toBe("currentPassword: wrong password");
    expect(await bea.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
    // Nothing typed into a password field comes back in the page.
    expect(await bea.getByLabel("New password").inputValue()).toBe("");
    expect(await bea.content()).not.toContain(BEA_NEW_PASSWORD);
    await checkPage(bea, "account-refused");

    await bea.getByLabel("Current password").fill(BEA.password);
    await bea.getByLabel("New password").fill(BEA_NEW_PASSWORD);
    await go(bea, bea.getByRole("button", { name: "Change password" }));
    expect(await text(bea.locator('[role="status"].notice'))).toBe(
      "Password changed. Your other sessions are signed out.",
    );
    // This browser stays signed in; the other session ended with the change.
    await bea.goto(`${url}/account`);
    expect(new URL(bea.url()).pathname).toBe("/account");
    await elsewhere.goto(`${url}/account`);
    expect(new URL(elsewhere.url()).pathname).toBe("/sign-in");

    await signIn(elsewhere, BEA.email, BEA.password);
    expect(await text(elsewhere.getByRole("alert"))).toBe("wrong email or password");
    await signIn(elsewhere, BEA.email, BEA_NEW_PASSWORD);
    expect(new URL(elsewhere.url()).pathname).toBe("/");
  }, 60_000);

  it("signs out everywhere: another browser's session ends too", async () => {
    const one = await freshPage();
    const two = await freshPage();
    await signIn(one, BEA.email, BEA_NEW_PASSWORD);
    await signIn(two, BEA.email, BEA_NEW_PASSWORD);
    await one.goto(`${url}/account`);
    await go(one, one.getByRole("button", { name: "Sign out everywhere" }));
    expect(new URL(one.url()).pathname).toBe("/sign-in");
    expect(await text(one.locator('[role="status"].notice'))).toBe(
      "You are signed out on every device.",
    );
    await two.goto(`${url}/keys`);
    expect(two.url()).toBe(`${url}/sign-in?next=%2Fkeys`);
    await one.goto(`${url}/account`);
    expect(new URL(one.url()).pathname).toBe("/sign-in");
  });

  it("says when a throttled sign-in may try again, from Retry-After", async () => {
    const page = await freshPage();
    for (let attempt = 1; attempt <= SIGN_IN_HITS; attempt++) {
      await signIn(page, "carl@example.com", "not carl's password");
      expect(await text(page.getByRole("alert")), `attempt ${attempt}`).toBe(
        "wrong email or password",
      );
    }
    // Past the limit even the right password waits: that is what stops guessing.
    await signIn(page, "carl@example.com", PASSWORD);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(await text(page.getByRole("alert"))).toMatch(
      /^Too many attempts: try again in \d+ minutes?\.$/,
    );
    await checkPage(page, "sign-in-throttled");
  });

  it("lets an admin set an unsafe name only with the override, the API's refusal next to the field", async () => {
    await admin.goto(`${url}/servers/admins-server/env`);
    await admin.getByLabel("Name", { exact: true }).fill("LD_PRELOAD");
    await admin.getByLabel("Value", { exact: true }).fill("/opt/tracing/libtrace.so");
    await go(admin, admin.getByRole("button", { name: "Save variable" }));
    const alert = await text(admin.getByRole("alert"));
    expect(alert).toMatch(
      /^name: "LD_PRELOAD" changes how the server's process loads or runs code/,
    );
    const name = admin.getByLabel("Name", { exact: true });
    expect(await name.inputValue()).toBe("LD_PRELOAD");
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    expect((await name.getAttribute("aria-describedby"))?.split(" ")).toContain("env-problem");
    await checkPage(admin, "env-unsafe-refused");

    await admin.getByLabel("Allow an unsafe name").check();
    await admin.getByLabel("Value", { exact: true }).fill("/opt/tracing/libtrace.so");
    await go(admin, admin.getByRole("button", { name: "Save variable" }));
    expect(await text(admin.locator('[role="status"].notice'))).toContain("Variable saved");
    const row = admin.getByRole("row", { name: /LD_PRELOAD/ });
    expect(await text(row)).toContain("••••");
    expect(await admin.content()).not.toContain("libtrace");
    expect(pageErrors).toEqual([]);
  });
});
