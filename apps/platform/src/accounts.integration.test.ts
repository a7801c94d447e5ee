import { sessions, users } from "@gumstack/db";
import { testDriver } from "@gumstack/db/testing";
import { ApiKeyVerifier } from "@gumstack/runtime";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureFirstAdmin, FIRST_ADMIN_EMAIL } from "./accounts/first-admin.js";
import { PUBLIC_URL, type TestPlatform, testPlatform } from "./testing/api-client.js";

const PASSWORD = "correct horse battery";

describe(`accounts, sessions and API keys [${testDriver}]`, () => {
  let platform: TestPlatform;
  beforeEach(async () => {
    platform = await testPlatform();
  });
  afterEach(async () => platform.close());

  it("signs up, stays signed in by cookie, signs out", async () => {
    const ada = await platform.signUp("Ada@Example.com");
    const me = await platform.call("GET", "/api/me", { as: ada });
    expect(await me.json()).toMatchObject({
      user: { email: "ada@example.com", isAdmin: false },
      csrfToken: ada.csrfToken,
    });
    const [stored] = await platform.database.db
      .select()
      .from(users)
      .where(eq(users.email, "ada@example.com"));
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(JSON.stringify(await platform.database.db.select().from(sessions))).not.toContain(
      ada.cookie.split("=")[1],
    );

    expect((await platform.call("POST", "/api/auth/sign-out", { as: ada })).status).toBe(204);
    expect((await platform.call("GET", "/api/me", { as: ada })).status).toBe(401);
  });

  it("sets the session cookie HttpOnly and SameSite=Lax, without Secure over plain http", async () => {
    const response = await platform.call("POST", "/api/auth/sign-up", {
      body: {
        invite: await platform.invite(),
        email: "c@example.com",
        password: PASSWORD,
        name: "C",
      },
    });
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^gs_session=[\w-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
  });

  it("answers a wrong password and an unknown email alike", async () => {
    await platform.signUp("ada@example.com", PASSWORD);
    for (const body of [
      { email: "ada@example.com", password: "wrong password here" },
      { email: "nobody@example.com", password: PASSWORD },
    ]) {
      const response = await platform.call("POST", "/api/auth/sign-in", { body });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        error: { code: "invalid_credentials", message: "wrong email or password" },
      });
    }
    const ok = await platform.call("POST", "/api/auth/sign-in", {
      body: { email: "ADA@example.com", password: PASSWORD },
    });
    expect(ok.status).toBe(200);
    expect(platform.lines.join("\n")).not.toContain(PASSWORD);
  });

  it("refuses a second account for one email, keeping the first", async () => {
    await platform.signUp("ada@example.com", PASSWORD);
    const again = await platform.call("POST", "/api/auth/sign-up", {
      body: {
        invite: await platform.invite(),
        email: "ada@example.com",
        password: "another password!",
        name: "Impostor",
      },
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      error: { code: "conflict", message: expect.stringMatching(/^email: /) },
    });
    const signIn = await platform.call("POST", "/api/auth/sign-in", {
      body: { email: "ada@example.com", password: PASSWORD },
    });
    expect(signIn.status).toBe(200);
  });

  it("refuses a cookie-authenticated write without the CSRF token, or from another origin", async () => {
    const ada = await platform.signUp("ada@example.com");
    const noToken = await platform.call("POST", "/api/keys", {
      as: ada,
      csrf: false,
      body: { name: "k" },
    });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ error: { code: "csrf_failed" } });
    const otherOrigin = await platform.call("POST", "/api/keys", {
      as: ada,
      body: { name: "k" },
      headers: { origin: "https://evil.example" },
    });
    expect(otherOrigin.status).toBe(403);
    const sameOrigin = await platform.call("POST", "/api/keys", {
      as: ada,
      body: { name: "k" },
      headers: { origin: PUBLIC_URL },
    });
    expect(sameOrigin.status).toBe(201);
    const keys = await platform.call("GET", "/api/keys", { as: ada });
    expect(((await keys.json()) as { keys: unknown[] }).keys).toHaveLength(1);
  });

  it("shows an API key once, lists it by preview, and revokes it", async () => {
    const ada = await platform.signUp("ada@example.com");
    const created = await platform.call("POST", "/api/keys", {
      as: ada,
      body: { name: "Claude Code" },
    });
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    expect(key).toMatch(/^gsk_[a-z2-7]{32}$/);
    const listed = await (await platform.call("GET", "/api/keys", { as: ada })).text();
    expect(listed).not.toContain(key);
    expect(listed).toContain(key.slice(0, 10));

    const verifier = new ApiKeyVerifier(platform.database.db, platform.services.log, {
      cacheTtlMs: 0,
    });
    expect(await verifier.verify(`Bearer ${key}`)).toBe(ada.userId);
    expect((await platform.call("DELETE", `/api/keys/${id}`, { as: ada })).status).toBe(204);
    expect(await verifier.verify(`Bearer ${key}`)).toBeNull();
    expect((await platform.call("DELETE", `/api/keys/${id}`, { as: ada })).status).toBe(404);
  });

  it("makes the first admin once, who can then sign in", async () => {
    const first = await ensureFirstAdmin(platform.database.db);
    expect(first?.email).toBe(FIRST_ADMIN_EMAIL);
    expect(await ensureFirstAdmin(platform.database.db)).toBeNull();
    const signIn = await platform.call("POST", "/api/auth/sign-in", {
      body: { email: FIRST_ADMIN_EMAIL, password: first?.password },
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ user: { isAdmin: true } });
  });
});
