import { createHash } from "node:crypto";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { type Id, rowsOf } from "@gumstack/db";
import { repoRoot, testDriver } from "@gumstack/db/testing";
import { issueTicket, mintContext, runtimeSecretFor } from "@gumstack/runtime";
import { freePort } from "@gumstack/sdk/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedClient } from "./authorization/testing/fixtures.js";
import { testClients } from "./authorization/testing/test-clients.js";
import { callOver, type SignedIn, type TestPlatform, testPlatform } from "./testing/api-client.js";
import { deeplyNested, mutate, Random, randomJson, randomString } from "./testing/fuzz.js";

const exampleNone = fileURLToPath(new URL("apps/example-none", `file://${repoRoot}`));
const exampleCred = fileURLToPath(new URL("apps/example-cred", `file://${repoRoot}`));

const SEED = Number(process.env.GUMSTACK_FUZZ_SEED ?? 20261201);
const CASES_PER_ROUTE = 24;
/** Far longer than any honest answer here: a request past it is a hang. */
const HANG_MS = 20_000;
const WIDE = { what: "attempts", hits: 1_000_000, windowMs: 60_000 };
const FUZZ_CLIENT = {
  clientId: "mcl_fuzz",
  kind: "registered",
  name: "Fuzz client",
  redirectUris: ["http://127.0.0.1:9/callback"],
  tokenEndpointAuthMethod: "none",
} as const;

// Tables whose every row must be as it was after a refused request. Not `rate_limits` (counting
// refused attempts is its job) nor `tool_calls` (written by the servers' own reports, a second
// later); `api_keys` without `last_used_at` (a verified key is stamped, whatever comes next).
const SNAPSHOT = [
  "users",
  "sessions",
  "invites",
  "servers",
  "env_vars",
  "credentials",
  "connections",
  "oauth_states",
  "deployments",
  "used_tickets",
  "vault_canaries",
  "mcp_clients",
  "mcp_grants",
  "mcp_codes",
];

type Auth = "none" | "user" | "admin" | "internal";
interface Target {
  method: string;
  path: (r: Random) => string;
  auth: Auth;
  /** JSON bodies (mutated from this valid one), form bodies, or query strings. */
  body?: { kind: "json" | "form"; valid: () => Record<string, unknown> };
  query?: () => Record<string, unknown>;
}

/**
 * One request over node:http, not fetch: a server may answer 413 and close before the client
 * has sent the whole body, and fetch then reports only a socket error; node:http still gives the
 * answer. Rejects after HANG_MS: a request with no answer by then is a hang.
 */
function send(
  target: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`no answer in ${HANG_MS} ms: a hang`));
    }, HANG_MS);
    const outgoing = request(target, { method: init.method, headers: init.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
      });
    });
    let answered = false;
    outgoing.once("response", () => {
      answered = true;
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      // Cut off while sending a body the server already refused: its answer still comes.
      if (answered && (error.code === "EPIPE" || error.code === "ECONNRESET")) return;
      clearTimeout(timer);
      const sent = `${init.method} ${target.slice(0, 200)} with ${init.body?.length ?? 0} bytes`;
      reject(new Error(`${sent}: ${error.message}`, { cause: error }));
    });
    outgoing.end(init.body);
  });
}

/** Lone surrogates replaced: what a real client can put in a URL or a header at all. */
const wellFormed = (text: string) => text.replace(/[\ud800-\udfff]/g, "\ufffd");

describe(`fuzzing every route that takes a body or a query [${testDriver}, seed ${SEED}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let admin: SignedIn;
  let user: SignedIn;
  let serverId: Id<"server">;
  let credServerId: Id<"server">;
  let apiKey: string;
  /** A consent page's sealed request, for the user. */
  let pending: string;
  const authorizeQuery = () => ({
    response_type: "code",
    client_id: FUZZ_CLIENT.clientId,
    redirect_uri: FUZZ_CLIENT.redirectUris[0],
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    state: "s",
    scope: "mcp",
    resource: `${url}/mcp/example-none`,
  });
  let mcpClientId: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({
      publicUrl: url,
      limits: {
        signInPerAccount: WIDE,
        signInPerAddress: WIDE,
        signUpPerAddress: WIDE,
        passwordPerUser: WIDE,
        connectPerUser: WIDE,
        registerPerAddress: WIDE,
      },
      clients: testClients([FUZZ_CLIENT]),
    });
    cleanups.push(
      () => platform.close(),
      () => platform.services.runner.close(),
    );
    cleanups.push(await platform.listen());
    admin = await platform.signUpAdmin("admin@example.com");
    user = await platform.signUp("user@example.com");
    // A running none server for the gateway, a cred server for the form.
    const registered = await callOver(url, admin, "POST", "/api/servers", { path: exampleNone });
    expect(registered.status).toBe(201);
    serverId = ((await registered.json()) as { id: Id<"server"> }).id;
    credServerId = (await platform.serverOf(admin, "example-cred", {
      authType: "cred",
      sourcePath: exampleCred,
    })) as Id<"server">;
    const created = await callOver(url, user, "POST", "/api/keys", { name: "fuzz" });
    apiKey = ((await created.json()) as { key: string }).key;
    const consent = await fetch(`${url}/oauth/authorize?${new URLSearchParams(authorizeQuery())}`, {
      headers: { cookie: user.cookie },
    });
    pending = /name="pending" value="([^"]+)"/.exec(await consent.text())?.[1] ?? "";
    expect(pending).not.toBe("");
    // A public MCP client, so the token endpoint's requests get past client authentication.
    mcpClientId = (await seedClient(platform.database.db)).clientId;
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const ticket = (purpose: "connect" | "form", server: string) =>
    issueTicket(
      platform.services.vault,
      { userId: user.userId, serverId: server, purpose },
      Date.now(),
    );
  const name = (r: Random, valid: string) =>
    r.chance(0.75) ? valid : encodeURIComponent(wellFormed(randomString(r)));

  const targets: Record<string, Target> = {
    "sign-up": {
      method: "POST",
      path: () => "/api/auth/sign-up",
      auth: "none",
      body: {
        kind: "json",
        valid: () => ({
          invite: "x",
          email: "new@example.com",
          password: "a long passphrase",
          name: "N",
        }),
      },
    },
    "sign-in": {
      method: "POST",
      path: () => "/api/auth/sign-in",
      auth: "none",
      body: {
        kind: "json",
        valid: () => ({ email: "user@example.com", password: "wrong password" }),
      },
    },
    password: {
      method: "POST",
      path: () => "/api/auth/password",
      auth: "user",
      body: {
        kind: "json",
        valid: () => ({ currentPassword: "nope", newPassword: "another passphrase" }),
      },
    },
    keys: {
      method: "POST",
      path: () => "/api/keys",
      auth: "user",
      body: { kind: "json", valid: () => ({ name: "k" }) },
    },
    invites: {
      method: "POST",
      path: () => "/api/invites",
      auth: "admin",
      body: { kind: "json", valid: () => ({ email: "i@example.com", days: 3 }) },
    },
    "servers-register": {
      method: "POST",
      path: () => "/api/servers",
      auth: "admin",
      body: { kind: "json", valid: () => ({ path: "/nonexistent/server" }) },
    },
    "env-put": {
      method: "PUT",
      path: (r) => `/api/servers/${name(r, "example-none")}/env/${name(r, "FUZZ_VAR")}`,
      auth: "admin",
      body: { kind: "json", valid: () => ({ value: "v", allowUnsafeName: false }) },
    },
    credentials: {
      method: "PUT",
      path: (r) => `/api/servers/${name(r, "example-cred")}/credentials`,
      auth: "user",
      body: { kind: "json", valid: () => ({ values: { api_key: "k", workspace: "w" } }) },
    },
    activity: {
      method: "GET",
      path: (r) => `/api/servers/${name(r, "example-none")}/activity`,
      auth: "admin",
      query: () => ({ hours: 24 }),
    },
    "internal-credentials": {
      method: "POST",
      path: () => "/internal/credentials",
      auth: "internal",
      body: {
        kind: "json",
        valid: () => ({
          kind: "cred",
          context: mintContext(
            runtimeSecretFor(platform.services.vault, serverId),
            { userId: user.userId, serverId, requestId: "r" },
            Date.now(),
          ),
        }),
      },
    },
    "internal-activity": {
      method: "POST",
      path: () => "/internal/activity",
      auth: "internal",
      body: {
        kind: "json",
        valid: () => ({
          entries: [
            {
              userId: user.userId,
              tool: "t",
              outcome: "ok",
              latencyMs: 1,
              calledAt: new Date().toISOString(),
            },
          ],
        }),
      },
    },
    "auth-start": {
      method: "GET",
      path: (r) => `/auth/start/${name(r, "example-none")}`,
      auth: "user",
      query: () => ({ ticket: ticket("connect", serverId), return_to: "/" }),
    },
    "auth-callback": {
      method: "GET",
      path: () => "/auth/callback",
      auth: "user",
      query: () => ({ state: "s", code: "c", error: "access_denied", error_description: "d" }),
    },
    "auth-form-get": {
      method: "GET",
      path: (r) => `/auth/form/${name(r, "example-cred")}`,
      auth: "user",
      query: () => ({ ticket: ticket("form", credServerId) }),
    },
    "auth-form-post": {
      method: "POST",
      path: (r) => `/auth/form/${name(r, "example-cred")}`,
      auth: "user",
      body: {
        kind: "form",
        valid: () => ({
          ticket: ticket("form", credServerId),
          csrf: user.csrfToken,
          api_key: "k",
          workspace: "w",
        }),
      },
    },
    "oauth-authorize-get": {
      method: "GET",
      path: () => "/oauth/authorize",
      auth: "user",
      query: authorizeQuery,
    },
    "oauth-authorize-post": {
      method: "POST",
      path: () => "/oauth/authorize",
      auth: "user",
      body: {
        kind: "form",
        valid: () => ({ csrf: user.csrfToken, pending, decision: "allow" }),
      },
    },
    "dashboard-sign-in": {
      method: "POST",
      path: () => "/sign-in",
      auth: "none",
      body: {
        kind: "form",
        valid: () => ({ email: "user@example.com", password: "wrong", next: "/" }),
      },
    },
    "dashboard-sign-up": {
      method: "POST",
      path: () => "/sign-up",
      auth: "none",
      body: {
        kind: "form",
        valid: () => ({
          invite: "x",
          email: "n@example.com",
          name: "n",
          password: "a long passphrase",
        }),
      },
    },
    "dashboard-pages": {
      method: "GET",
      path: (r) =>
        r.pick([
          "/sign-in",
          "/sign-up",
          "/",
          "/keys",
          "/connected-apps",
          "/servers/example-none",
          "/servers/example-none/env",
        ]),
      auth: "user",
      query: () => ({ next: "/keys", invite: "x", notice: "env-saved" }),
    },
    "dashboard-env": {
      method: "POST",
      path: (r) => `/servers/${name(r, "example-none")}/env`,
      auth: "admin",
      body: {
        kind: "form",
        valid: () => ({ name: "FUZZ_FORM", value: "v", csrf: admin.csrfToken }),
      },
    },
    "oauth-register": {
      method: "POST",
      path: () => "/oauth/register",
      auth: "none",
      body: {
        kind: "json",
        valid: () => ({
          client_name: "Fuzz",
          redirect_uris: ["https://claude.ai/api/mcp/auth_callback", "http://127.0.0.1:33418/"],
          token_endpoint_auth_method: "client_secret_basic",
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          client_uri: "https://claude.ai",
        }),
      },
    },
    "oauth-clients": {
      method: "POST",
      path: () => "/api/oauth-clients",
      auth: "admin",
      body: {
        kind: "json",
        valid: () => ({
          name: "Fuzz",
          redirectUris: ["https://app.example/cb"],
          confidential: true,
        }),
      },
    },
    "oauth-token": {
      method: "POST",
      path: () => "/oauth/token",
      auth: "none",
      body: {
        kind: "form",
        valid: () => ({
          grant_type: "authorization_code",
          code: "gsc_unknown",
          redirect_uri: "http://127.0.0.1:33418/callback",
          code_verifier: "v".repeat(43),
          client_id: mcpClientId,
        }),
      },
    },
    "oauth-refresh": {
      method: "POST",
      path: () => "/oauth/token",
      auth: "none",
      body: {
        kind: "form",
        valid: () => ({
          grant_type: "refresh_token",
          refresh_token: "gsr_unknown",
          client_id: mcpClientId,
          scope: "mcp",
        }),
      },
    },
    "oauth-revoke": {
      method: "POST",
      path: () => "/oauth/revoke",
      auth: "none",
      body: {
        kind: "form",
        valid: () => ({
          token: "gsa_unknown",
          token_type_hint: "access_token",
          client_id: mcpClientId,
        }),
      },
    },
    gateway: {
      method: "POST",
      path: (r) => `/mcp/${name(r, "example-none")}`,
      auth: "none",
      body: {
        kind: "json",
        valid: () => ({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "forecast", arguments: { city: "Oslo" } },
        }),
      },
    },
  };

  /** Every row of the tables a refused request must leave alone, as one digest. */
  async function snapshot(): Promise<string> {
    const hash = createHash("sha256");
    for (const table of SNAPSHOT) {
      const rows = rowsOf(
        await platform.database.db.execute(sql.raw(`select * from ${table} order by 1`)),
      );
      hash.update(`${table}:${JSON.stringify(rows)}`);
    }
    const keys = await platform.database.db.execute(
      sql.raw("select id, user_id, name, hash, revoked_at from api_keys order by 1"),
    );
    hash.update(JSON.stringify(rowsOf(keys)));
    return hash.digest("hex");
  }

  function request(r: Random, target: Target) {
    const headers: Record<string, string> = {};
    const as = target.auth === "admin" ? admin : target.auth === "user" ? user : undefined;
    if (as && r.chance(0.9)) headers.cookie = as.cookie;
    if (as && r.chance(0.8)) headers["x-csrf-token"] = as.csrfToken;
    if (target.auth === "internal" && r.chance(0.9)) {
      headers.authorization = `Bearer ${runtimeSecretFor(platform.services.vault, serverId)}`;
      headers["x-gumstack-server"] = r.chance(0.9)
        ? serverId
        : encodeURIComponent(wellFormed(randomString(r)));
    }
    if (target.path(r).startsWith("/mcp/") && r.chance(0.9)) {
      headers.authorization = `Bearer ${apiKey}`;
      headers.accept = r.pick([
        "application/json, text/event-stream",
        "application/json",
        "*/*",
        "text/html",
      ]);
    }
    const origin = r.int(10);
    if (origin === 0) headers.origin = "http://evil.example";
    else if (origin === 1) headers.origin = url;
    else if (origin === 2) headers["sec-fetch-site"] = "cross-site";
    let path = target.path(r);
    if (target.query) {
      const query = mutate(r, target.query());
      const params = new URLSearchParams();
      if (typeof query === "object" && query !== null && !Array.isArray(query))
        for (const [key, value] of Object.entries(query))
          params.append(key, typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
      else params.append(randomString(r).slice(0, 20), String(query));
      path += `?${params}`;
    }
    let body: string | undefined;
    if (target.body) {
      const shape = r.int(20);
      if (shape === 0) body = deeplyNested(8_000);
      else if (shape === 1) body = JSON.stringify({ email: "x".repeat(300 * 1024), password: "x" });
      else if (shape === 2) body = r.pick(["{", "nul\u0000", "[1,2", "", '{"a":}']);
      else {
        const value = mutate(r, target.body.valid());
        if (
          target.body.kind === "form" &&
          typeof value === "object" &&
          value !== null &&
          !Array.isArray(value)
        ) {
          body = new URLSearchParams(
            Object.entries(value).map(([k, v]): [string, string] => [
              k,
              typeof v === "string" ? v : (JSON.stringify(v) ?? ""),
            ]),
          ).toString();
        } else body = JSON.stringify(value ?? randomJson(r));
      }
      headers["content-type"] = r.chance(0.8)
        ? target.body.kind === "json"
          ? "application/json"
          : "application/x-www-form-urlencoded"
        : r.pick([
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/json; charset=utf-16",
            "application/xml",
          ]);
    }
    return {
      path,
      init: { method: target.method, headers, ...(body === undefined ? {} : { body }) },
    };
  }

  for (const [label, target] of Object.entries(targets)) {
    it(`${label}: ${CASES_PER_ROUTE} seeded requests, never a 5xx, never a hang, nothing stored when refused`, async () => {
      const r = new Random(SEED ^ createHash("sha256").update(label).digest().readUInt32BE(0));
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const { path, init } = request(r, target);
        const before = await snapshot();
        const response = await send(`${url}${path}`, init);
        const text = response.body;
        const what = `case ${i} of ${label} (seed ${SEED}): ${init.method} ${path.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;
        expect(response.status, `${what}\n${errorsLogged().join("\n")}`).toBeLessThan(500);
        if (response.status >= 400)
          expect(await snapshot(), `${what}: a refused request changed the database`).toBe(before);
      }
    }, 240_000);
  }

  const errorsLogged = () => platform.lines.filter((line) => JSON.parse(line).level === "error");

  it("logged no error while fuzzing: every bad input was a clear refusal", () => {
    expect(errorsLogged()).toEqual([]);
  });
});
