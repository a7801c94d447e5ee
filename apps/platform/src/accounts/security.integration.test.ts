import { request } from "node:http";
import { rateLimits, sessions, users } from "@gumstack/db";
import { testDriver } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { PUBLIC_URL, type TestPlatform, testPlatform } from "../testing/api-client.js";

const PASSWORD = "correct horse battery";
const MINUTE = 60_000;

/** Reproductions of what a black-box probe found in accounts (issue 11); each failed before. */
describe(`account security [${testDriver}]`, () => {
  let platform: TestPlatform;
  let clock = Date.parse("2026-06-01T00:00:00Z");
  const now = () => clock;
  afterEach(async () => platform?.close());

  const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
    platform.call("POST", "/api/auth/sign-in", { body: { email, password }, headers });

  describe("login CSRF", () => {
    it("refuses a cross-site text/plain form carrying JSON to sign-in and sign-up, setting no cookie", async () => {
      platform = await testPlatform();
      await platform.signUp("attacker@example.com", PASSWORD);
      const forged = JSON.stringify({ email: "attacker@example.com", password: PASSWORD });
      for (const path of ["/api/auth/sign-in", "/api/auth/sign-up"]) {
        const response = await platform.call("POST", path, {
          body: forged,
          headers: { origin: "http://evil.example", "content-type": "text/plain" },
        });
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ error: { code: "csrf_failed" } });
        expect(response.headers.get("set-cookie")).toBeNull();
      }
    });

    it("refuses text/plain even with no Origin (415), and a cross-site fetch that sends none (403)", async () => {
      platform = await testPlatform();
      await platform.signUp("attacker@example.com", PASSWORD);
      const body = JSON.stringify({ email: "attacker@example.com", password: PASSWORD });
      const plain = await platform.call("POST", "/api/auth/sign-in", {
        body,
        headers: { "content-type": "text/plain" },
      });
      expect(plain.status).toBe(415);
      expect(await plain.json()).toMatchObject({
        error: {
          code: "unsupported_media_type",
          message: expect.stringMatching(/^content-type: /),
        },
      });
      const crossSite = await platform.call("POST", "/api/auth/sign-in", {
        body: { email: "attacker@example.com", password: PASSWORD },
        headers: { "sec-fetch-site": "cross-site" },
      });
      expect(crossSite.status).toBe(403);
      const ours = await signIn("attacker@example.com", PASSWORD, { origin: PUBLIC_URL });
      expect(ours.status).toBe(200);
    });
  });

  describe("throttling", () => {
    it("locks an account after 10 failed sign-ins, the right password included, until the window ends", async () => {
      platform = await testPlatform({ now });
      await platform.signUp("ada@example.com", PASSWORD);
      for (let i = 0; i < 10; i++) {
        expect((await signIn("ada@example.com", `wrong password ${i}`)).status).toBe(401);
      }
      const locked = await signIn("ada@example.com", PASSWORD);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBe(15 * 60);
      expect(await locked.json()).toMatchObject({
        error: {
          code: "too_many_requests",
          message: "too many failed sign-ins for this account: try again in 15 minutes",
        },
      });
      // Another account is not locked with it.
      await platform.signUp("bob@example.com", PASSWORD);
      expect((await signIn("bob@example.com", PASSWORD)).status).toBe(200);
      clock += 15 * MINUTE;
      expect((await signIn("ada@example.com", PASSWORD)).status).toBe(200);
    });

    it("answers an unknown account's guesses as a known one's: locked after 10 as well", async () => {
      platform = await testPlatform({ now });
      for (let i = 0; i < 10; i++) {
        expect((await signIn("nobody@example.com", `guess number ${i}`)).status).toBe(401);
      }
      expect((await signIn("nobody@example.com", "guess number 10")).status).toBe(429);
    });

    it("refuses most of 100 concurrent wrong sign-ins before hashing a password", async () => {
      platform = await testPlatform({ now });
      await platform.signUp("ada@example.com", PASSWORD);
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => signIn("ada@example.com", `wrong ${i} password`)),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(90);
    });

    it("counts per client address behind a trusted proxy, and a success does not clear it", async () => {
      platform = await testPlatform({
        now,
        trustProxy: 1,
        limits: {
          signInPerAddress: {
            what: "sign-in attempts from your address",
            hits: 5,
            windowMs: MINUTE,
          },
        },
      });
      await platform.signUp("ada@example.com", PASSWORD);
      const from = (address: string) => ({ "x-forwarded-for": `spoofed, ${address}` });
      for (let i = 0; i < 4; i++)
        await signIn(`user${i}@example.com`, "wrong", from("203.0.113.9"));
      expect((await signIn("ada@example.com", PASSWORD, from("203.0.113.9"))).status).toBe(200);
      const sixth = await signIn("ada@example.com", PASSWORD, from("203.0.113.9"));
      expect(sixth.status).toBe(429);
      expect(await sixth.json()).toMatchObject({
        error: { message: "too many sign-in attempts from your address: try again in 1 minute" },
      });
      expect((await signIn("ada@example.com", PASSWORD, from("198.51.100.4"))).status).toBe(200);
      // Kept hashed: no address or email in the table.
      const stored = JSON.stringify(await platform.database.db.select().from(rateLimits));
      expect(stored).not.toMatch(/203\.0\.113|ada@|user\d/);
    });

    it("throttles sign-ups per address", async () => {
      platform = await testPlatform({ now });
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const response = await platform.call("POST", "/api/auth/sign-up", {
          body: {
            invite: "not-an-invite",
            email: `u${i}@example.com`,
            password: PASSWORD,
            name: "U",
          },
        });
        statuses.push(response.status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
      expect(statuses[10]).toBe(429);
    });
  });

  describe("sign-up by invitation", () => {
    const signUpWith = (invite: string, email: string) =>
      platform.call("POST", "/api/auth/sign-up", {
        body: { invite, email, password: PASSWORD, name: "New" },
      });

    it("answers alike for a taken and a free email without an invitation: no account probing", async () => {
      platform = await testPlatform();
      await platform.signUp("ada@example.com", PASSWORD);
      const taken = await signUpWith("guessed", "ada@example.com");
      const free = await signUpWith("guessed", "free@example.com");
      expect(taken.status).toBe(400);
      expect(free.status).toBe(400);
      const [a, b] = [await taken.json(), await free.json()] as Array<{
        error: { code: string; message: string };
      }>;
      expect(a?.error).toMatchObject({
        code: "invalid_invite",
        message: expect.stringMatching(/^invite: /),
      });
      expect({ ...a?.error, requestId: 0 }).toEqual({ ...b?.error, requestId: 0 });
      expect(await platform.database.db.select().from(users)).toHaveLength(1);
    });

    it("uses an invitation once, and one made for an address admits that address only", async () => {
      platform = await testPlatform();
      const token = await platform.invite();
      expect((await signUpWith(token, "first@example.com")).status).toBe(201);
      expect((await signUpWith(token, "second@example.com")).status).toBe(400);
      const forCarol = await platform.invite("carol@example.com");
      const other = await signUpWith(forCarol, "mallory@example.com");
      expect(other.status).toBe(400);
      expect(await other.json()).toMatchObject({ error: { message: /^email: / } });
      expect((await signUpWith(forCarol, "Carol@Example.com")).status).toBe(201);
    });

    it("keeps an invitation usable when its sign-up fails on a taken email", async () => {
      platform = await testPlatform();
      await platform.signUp("ada@example.com", PASSWORD);
      const token = await platform.invite();
      expect((await signUpWith(token, "ada@example.com")).status).toBe(409);
      expect((await signUpWith(token, "new@example.com")).status).toBe(201);
    });

    it("lets admins invite, list and withdraw; others get 403", async () => {
      platform = await testPlatform();
      const admin = await platform.signUpAdmin("admin@example.com");
      const ada = await platform.signUp("ada@example.com");
      const refused = await platform.call("POST", "/api/invites", { as: ada, body: {} });
      expect(refused.status).toBe(403);
      const made = await platform.call("POST", "/api/invites", {
        as: admin,
        body: { email: "bob@example.com", days: 2 },
      });
      expect(made.status).toBe(201);
      const invite = (await made.json()) as { id: string; url: string; status: string };
      expect(invite.url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/sign-up\?invite=[\w-]{43}$/);
      expect(invite.status).toBe("pending");
      const listed = await (await platform.call("GET", "/api/invites", { as: admin })).text();
      expect(listed).toContain(invite.id);
      expect(listed).not.toContain(new URL(invite.url).searchParams.get("invite"));
      const bad = await platform.call("POST", "/api/invites", { as: admin, body: { days: 90 } });
      expect(await bad.json()).toMatchObject({ error: { message: /^days: / } });
      expect(
        (await platform.call("DELETE", `/api/invites/${invite.id}`, { as: admin })).status,
      ).toBe(204);
      const token = new URL(invite.url).searchParams.get("invite") ?? "";
      expect((await signUpWith(token, "bob@example.com")).status).toBe(400);
    });
  });

  describe("passwords and sessions", () => {
    it("changes a password given the current one, ending every other session", async () => {
      platform = await testPlatform();
      const here = await platform.signUp("ada@example.com", PASSWORD);
      const elsewhere = await signIn("ada@example.com", PASSWORD);
      const otherCookie = (elsewhere.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const wrong = await platform.call("POST", "/api/auth/password", {
        as: here,
        body: { currentPassword: "not it", newPassword: "a brand new passphrase" },
      });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({
        error: { message: "currentPassword: wrong password" },
      });
      const changed = await platform.call("POST", "/api/auth/password", {
        as: here,
        body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
      });
      expect(changed.status).toBe(200);
      expect(await changed.json()).toEqual({ sessionsEnded: 1 });
      expect((await platform.call("GET", "/api/me", { as: here })).status).toBe(200);
      expect(
        (await platform.call("GET", "/api/me", { headers: { cookie: otherCookie } })).status,
      ).toBe(401);
      expect((await signIn("ada@example.com", PASSWORD)).status).toBe(401);
      expect((await signIn("ada@example.com", "a brand new passphrase")).status).toBe(200);
      expect(platform.lines.join("\n")).not.toContain("brand new");
    });

    it("signs out everywhere: every session of the user ends, another user's stay", async () => {
      platform = await testPlatform();
      const one = await platform.signUp("ada@example.com", PASSWORD);
      await signIn("ada@example.com", PASSWORD);
      const bob = await platform.signUp("bob@example.com", PASSWORD);
      const out = await platform.call("POST", "/api/auth/sign-out-everywhere", { as: one });
      expect(await out.json()).toEqual({ sessionsEnded: 2 });
      const [ada] = await platform.database.db
        .select()
        .from(users)
        .where(eq(users.email, "ada@example.com"));
      expect(
        await platform.database.db
          .select()
          .from(sessions)
          .where(eq(sessions.userId, ada?.id ?? "usr_x")),
      ).toEqual([]);
      expect((await platform.call("GET", "/api/me", { as: bob })).status).toBe(200);
    });
  });

  describe("bodies", () => {
    it("answers a body nested 8,000 deep with a 400 naming the rule, before sign-in, logging no error", async () => {
      platform = await testPlatform();
      const deep = `{"email":${"[".repeat(8_000)}${"]".repeat(8_000)},"password":"x"}`;
      const response = await platform.call("POST", "/api/auth/sign-in", { body: deep });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: {
          code: "bad_request",
          message:
            "email.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0: nested more than 32 deep",
        },
      });
      expect(platform.lines.filter((line) => JSON.parse(line).level === "error")).toEqual([]);
    });

    it("refuses a body over 256 KiB with 413, declared or chunked, and closes the connection", async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      platform = await testPlatform({ publicUrl: url });
      const stop = await platform.listen();
      try {
        const big = JSON.stringify({ email: "a@b.co", password: "x".repeat(300 * 1024) });
        const declared = await post(`${url}/api/auth/sign-in`, big, false);
        expect(declared.status).toBe(413);
        expect(declared.connection).toBe("close");
        expect(JSON.parse(declared.body)).toMatchObject({ error: { code: "payload_too_large" } });
        const chunked = await post(`${url}/api/auth/sign-in`, big, true);
        expect(chunked.status).toBe(413);
        // The credential form too: every route of the app.
        const form = await post(
          `${url}/auth/form/x`,
          `a=${"x".repeat(300 * 1024)}`,
          true,
          "application/x-www-form-urlencoded",
        );
        expect(form.status).toBe(413);
      } finally {
        await stop();
      }
    });
  });
});

/** A POST over node:http, its body in one piece with a length or chunked without one. */
function post(
  url: string,
  body: string,
  chunked: boolean,
  type = "application/json",
): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: chunked
          ? { "content-type": type }
          : { "content-type": type, "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.once("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            body: text,
          }),
        );
      },
    );
    let answered = false;
    outgoing.once("response", () => {
      answered = true;
    });
    outgoing.on("error", (error) => {
      // Cut off mid-body after the server answered: its answer still comes.
      if (!answered) reject(error);
    });
    if (chunked)
      for (let at = 0; at < body.length; at += 16_384) outgoing.write(body.slice(at, at + 16_384));
    outgoing.end(chunked ? undefined : body);
  });
}
