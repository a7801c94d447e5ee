import { createServer } from "node:http";
import { type Id, newId, servers, users } from "@gumstack/db";
import { createTestDatabase, type TestDatabase } from "@gumstack/db/testing";
import { createLogger } from "@gumstack/log";
import type { Clock } from "@gumstack/runtime";
import type { ProviderDescription } from "@gumstack/runtime/internal-api";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";
import { eq } from "drizzle-orm";
import { createInvite } from "../accounts/invites.js";
import type { Limits } from "../accounts/limits.js";
import { createApp, createListener } from "../app.js";
import type { ClientRegistry } from "../authorization/contracts.js";
import { assembleServices, type ServiceParts } from "../boot.js";
import type { Services } from "../env.js";
import { createLocalRunner, type Runner, type RunnerOptions } from "../runner/index.js";
import { recordDeployment } from "../servers/deploy.js";
import { deployedConfigOf } from "../servers/deployed-config.js";
import { readServerFolder } from "../servers/server-folder.js";

export const PUBLIC_URL = "http://127.0.0.1:8080";

export interface SignedIn {
  cookie: string;
  csrfToken: string;
  userId: string;
}

/**
 * A call over HTTP to a platform listening at `url`, as a signed-in user, with a JSON body if
 * any; a redirect is answered, not followed.
 */
export function callOver(
  url: string,
  as: SignedIn,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    redirect: "manual",
    headers: {
      cookie: as.cookie,
      "x-csrf-token": as.csrfToken,
      "content-type": "application/json",
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A signed-up user of the platform at `url`, and an API key of theirs for MCP clients. */
export interface KeyedUser {
  as: SignedIn;
  key: string;
}

export async function signUpWithKey(
  platform: { signUp(email: string): Promise<SignedIn> },
  url: string,
  email: string,
): Promise<KeyedUser> {
  const as = await platform.signUp(email);
  const created = await callOver(url, as, "POST", "/api/keys", { name: "mcp" });
  return { as, key: ((await created.json()) as { key: string }).key };
}

/** The platform's app on a fresh database, called in process, with a cookie-carrying client. */
export async function testPlatform(
  options: {
    publicUrl?: string;
    /** The local runner's settings; or, given `runnerOf`, the runner itself. */
    runner?: Omit<RunnerOptions, "log">;
    runnerOf?: () => Runner;
    clock?: Clock;
    limits?: Partial<Limits>;
    now?: () => number;
    trustProxy?: number;
    /** The API-key and token memory; off (0) unless a test is about it. */
    cacheTtlMs?: number;
    /** The MCP clients' registry. */
    clients?: ClientRegistry;
    /** GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS: metadata documents on loopback, as tests serve them. */
    allowPrivateClients?: boolean;
    /** Proxied servers' caps and timings (idle time, how long values are trusted). */
    proxied?: ServiceParts["proxied"];
  } = {},
) {
  const database: TestDatabase = await createTestDatabase();
  const lines: string[] = [];
  const log = createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) });
  const services: Services = assembleServices({
    database,
    vault: new Vault(parseKeyRing(generateKeySpec("k1"), "test")),
    log,
    migration: null,
    publicUrl: options.publicUrl ?? PUBLIC_URL,
    runner: options.runnerOf?.() ?? createLocalRunner({ log, ...options.runner }),
    cacheTtlMs: options.cacheTtlMs ?? 0,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    ...(options.clients ? { clients: options.clients } : {}),
    ...(options.allowPrivateClients ? { allowPrivateClients: true } : {}),
    ...(options.proxied ? { proxied: options.proxied } : {}),
  });
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
    if (options.body !== undefined) headers["content-type"] ??= "application/json";
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

  /** An admin's invitation, as POST /api/invites makes one: its token. */
  async function invite(email: string | null = null): Promise<string> {
    const { token } = await createInvite(database.db, {
      createdBy: null,
      email,
      days: 7,
      now: services.now(),
    });
    return token;
  }

  /** A new account, signed in, through the real sign-up (by an invitation made here). */
  async function signUp(email: string, password = "correct horse battery"): Promise<SignedIn> {
    const response = await call("POST", "/api/auth/sign-up", {
      body: { invite: await invite(), email, password, name: email.split("@")[0] },
    });
    if (response.status !== 201)
      throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { csrfToken: string; user: { id: string } };
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    return { cookie, csrfToken: body.csrfToken, userId: body.user.id };
  }

  /** A user made an admin, as the first start's admin is. */
  async function signUpAdmin(email: string): Promise<SignedIn> {
    const admin = await signUp(email);
    await database.db
      .update(users)
      .set({ isAdmin: true })
      .where(eq(users.id, admin.userId as never));
    return admin;
  }

  /** Serves the whole platform (gateway included) on the public URL's port; returns the stop. */
  async function listen(): Promise<() => Promise<void>> {
    const server = createServer({ noDelay: true }, createListener(services));
    const { port, hostname } = new URL(services.publicUrl);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(Number(port), hostname, resolve);
    });
    return () => new Promise((resolve) => server.close(() => resolve()));
  }

  /**
   * A server owned by `owner`, as registration would make it; given its folder, with a
   * deployment recorded as a deploy records one (the process is not started).
   */
  async function serverOf(
    owner: SignedIn,
    name: string,
    from?: {
      authType: "none" | "cred" | "oauth";
      sourcePath?: string;
      /** What an oauth server's process would have said of its provider. */
      provider?: ProviderDescription;
    },
  ): Promise<string> {
    const id = newId("server");
    await database.db.insert(servers).values({
      id,
      name,
      authType: from?.authType ?? "none",
      sourcePath: from?.sourcePath ?? null,
      ownerId: owner.userId as never,
    });
    if (from?.sourcePath) {
      await recordDeployment(database.db, {
        id: newId("deployment"),
        serverId: id as Id<"server">,
        envVersion: 0,
        config: deployedConfigOf(readServerFolder(from.sourcePath).config),
        provider: from.provider ?? null,
      });
    }
    return id;
  }

  return {
    app,
    services,
    database,
    lines,
    call,
    invite,
    signUp,
    signUpAdmin,
    listen,
    serverOf,
    users,
    close: () => database.close(),
  };
}

export type TestPlatform = Awaited<ReturnType<typeof testPlatform>>;
