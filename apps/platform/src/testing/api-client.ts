import { newId, servers, users } from "@gumstack/db";
import { createTestDatabase, type TestDatabase } from "@gumstack/db/testing";
import { createLogger } from "@gumstack/log";
import { ApiKeyVerifier } from "@gumstack/runtime";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { createApp } from "../app.js";
import type { Services } from "../env.js";
import { createLocalRunner, type RunnerOptions } from "../runner/index.js";

export const PUBLIC_URL = "http://127.0.0.1:8080";

export interface SignedIn {
  cookie: string;
  csrfToken: string;
  userId: string;
}

/** The platform's app on a fresh database, called in process, with a cookie-carrying client. */
export async function testPlatform(
  options: { publicUrl?: string; runner?: Omit<RunnerOptions, "log"> } = {},
) {
  const database: TestDatabase = await createTestDatabase();
  const lines: string[] = [];
  const log = createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) });
  const services: Services = {
    database,
    vault: new Vault(parseKeyRing(generateKeySpec("k1"), "test")),
    log,
    migration: null,
    publicUrl: options.publicUrl ?? PUBLIC_URL,
    now: Date.now,
    runner: createLocalRunner({ log, ...options.runner }),
    apiKeys: new ApiKeyVerifier(database.db, log, { cacheTtlMs: 0 }),
  };
  const app = createApp(services);

  async function call(
    method: string,
    path: string,
    options: {
      body?: unknown;
      as?: SignedIn;
      csrf?: boolean;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.as) {
      headers.cookie = options.as.cookie;
      if (options.csrf !== false) headers["x-csrf-token"] = options.as.csrfToken;
    }
    return app.request(`${PUBLIC_URL}${path}`, {
      method,
      headers,
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
    });
  }

  async function signUp(email: string, password = "correct horse battery"): Promise<SignedIn> {
    const response = await call("POST", "/api/auth/sign-up", {
      body: { email, password, name: email.split("@")[0] },
    });
    if (response.status !== 201)
      throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { csrfToken: string; user: { id: string } };
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    return { cookie, csrfToken: body.csrfToken, userId: body.user.id };
  }

  /** A server owned by `owner`, as registration would make it. */
  async function serverOf(owner: SignedIn, name: string): Promise<string> {
    const id = newId("server");
    await database.db
      .insert(servers)
      .values({ id, name, authType: "none", ownerId: owner.userId as never });
    return id;
  }

  return {
    app,
    services,
    database,
    lines,
    call,
    signUp,
    serverOf,
    users,
    close: () => database.close(),
  };
}

export type TestPlatform = Awaited<ReturnType<typeof testPlatform>>;
