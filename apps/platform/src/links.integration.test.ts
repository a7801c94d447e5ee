import { fileURLToPath } from "node:url";
import { credentials, type Id } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { issueTicket, readFieldValues } from "@gumstack/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PUBLIC_URL,
  type SignedIn,
  type TestPlatform,
  testPlatform,
} from "./testing/api-client.js";

const exampleCred = fileURLToPath(new URL("apps/example-cred", `file://${repoRoot}`));

/**
 * A tool's form link acts for the user it was made for, in that user's signed-in browser, once
 * (issue 11: a forwarded link filed one user's typed key under another, from any origin, as
 * often as it liked within 15 minutes).
 */
describe(`credential form links [${testDriver}]`, () => {
  let platform: TestPlatform;
  let mallory: SignedIn;
  let bob: SignedIn;
  let serverId: Id<"server">;
  let link: string;

  beforeAll(async () => {
    platform = await testPlatform();
    mallory = await platform.signUp("mallory@example.com");
    bob = await platform.signUp("bob@example.com");
    // Registered and deployed (its config recorded), as a running cred server is.
    serverId = (await platform.serverOf(mallory, "example-cred", {
      authType: "cred",
      sourcePath: exampleCred,
    })) as Id<"server">;
    const ticket = issueTicket(
      platform.services.vault,
      { userId: mallory.userId, serverId, purpose: "form" },
      Date.now(),
    );
    link = `/auth/form/example-cred?ticket=${ticket}`;
  });
  afterAll(async () => platform?.close());

  const open = (as?: SignedIn) =>
    platform.app.request(`${PUBLIC_URL}${link}`, { headers: as ? { cookie: as.cookie } : {} });
  const post = (
    as: SignedIn,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    platform.app.request(`${PUBLIC_URL}/auth/form/example-cred`, {
      method: "POST",
      headers: { cookie: as.cookie, ...headers },
      body: new URLSearchParams({
        ticket: new URL(link, PUBLIC_URL).searchParams.get("ticket") ?? "",
        ...fields,
      }),
    });
  const stored = async (who: SignedIn) =>
    readFieldValues(platform.database.db, platform.services.vault, who.userId, serverId);

  it("refuses the link in another user's browser, naming both accounts, and stores nothing", async () => {
    const page = await open(bob);
    expect(page.status).toBe(403);
    const text = await page.text();
    expect(text).toContain("for the account <strong>m•••@example.com</strong>");
    expect(text).toContain("you are signed in as <strong>bob@example.com</strong>");
    expect(text).not.toContain('name="api_key"');
    // Posting straight away, with Bob's own CSRF token, changes nothing either.
    const posted = await post(bob, {
      csrf: bob.csrfToken,
      api_key: "bob-secret-key",
      workspace: "bob",
    });
    expect(posted.status).toBe(403);
    expect(await platform.database.db.select().from(credentials)).toEqual([]);
  });

  it("asks a signed-out browser to sign in as the link's user, and comes back", async () => {
    const page = await open();
    expect(page.status).toBe(401);
    const text = await page.text();
    expect(text).toContain("<strong>m•••@example.com</strong>");
    expect(text).toContain(`href="/sign-in?next=${encodeURIComponent(link)}"`);
  });

  it("serves the form to its user, saying whose it is, not framable", async () => {
    const page = await open(mallory);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const text = await page.text();
    expect(text).toContain("For the account <strong>mallory@example.com</strong>");
    expect(text).toContain(`name="csrf" value="${mallory.csrfToken}"`);
  });

  it("refuses a post from another site, or without this session's CSRF token", async () => {
    const foreign = await post(
      mallory,
      { csrf: mallory.csrfToken, api_key: "k", workspace: "w" },
      { origin: "http://evil.example" },
    );
    expect(foreign.status).toBe(403);
    const tokenless = await post(mallory, { api_key: "k", workspace: "w" });
    expect(tokenless.status).toBe(403);
    expect(await stored(mallory)).toBeNull();
  });

  it("saves once; the same link cannot save again", async () => {
    const saved = await post(mallory, {
      csrf: mallory.csrfToken,
      api_key: "first-key-value",
      workspace: "acme",
    });
    expect(saved.status).toBe(200);
    const again = await post(mallory, {
      csrf: mallory.csrfToken,
      api_key: "second-key",
      workspace: "x",
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("already used");
    expect(await stored(mallory)).toEqual({ api_key: "first-key-value", workspace: "acme" });
  });
});
