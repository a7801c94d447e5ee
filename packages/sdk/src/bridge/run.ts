import type { AddressInfo } from "node:net";
import { createLogger } from "@gumstack/log";
import { clockOf } from "@gumstack/runtime/core";
import { serve } from "@hono/node-server";
import { ActivityObserver, ActivityReporter } from "../host/activity/index.js";
import { PlatformClient } from "../host/platform-client.js";
import type { FetchApp } from "../host/streamable/request.js";
import type { Finish } from "../host/streamable/router.js";
import { Router } from "../host/streamable/router.js";
import { Sessions } from "../host/streamable/sessions.js";
import { createBridgeApp } from "./app.js";
import { CredentialsRefusedError, remoteUpstream } from "./remote/index.js";
import type { BridgeSettings } from "./settings.js";
import { CREDENTIALS_REFUSED_EXIT } from "./spec.js";
import { stdioUpstream } from "./stdio-upstream.js";
import type { Upstream } from "./upstream.js";

/**
 * At a stop, how long requests in flight get to finish. With the child's 5 s after SIGTERM (see
 * stdio-upstream.ts), under the 10 s a server process is given when its platform goes away (the
 * runner's parent watch), so the child is always stopped by us.
 */
const DRAIN_MS = 3_000;
/**
 * When the child dies, how long the answers to what it had in flight get to go out: the sessions'
 * drain, which ends as soon as each request's stream is done.
 */
const REPLIES_MS = 1_000;
/** How long a connection may stay open once everything is answered (a client's idle keep-alive). */
const CONNECTIONS_MS = 500;

/** Nothing to take out of replies: the bridge hands no credentials to any code. */
const passThrough = (): Finish => (message) => message;

const urlOf = (host: string, port: number) =>
  `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

/**
 * One bridge process: listens first (so /healthz answers 503 while the server starts), starts
 * its upstream (the child, or the remote server's session), initializes it, then serves. It stops
 * on SIGTERM/SIGINT (exit 0) and when the child exits on its own (exit 1: the runner restarts
 * it), never leaving a process of the child's.
 */
export async function runBridge(settings: BridgeSettings): Promise<void> {
  const { runtime, hosted, spec } = settings;
  const log = createLogger({ level: runtime.logLevel, format: runtime.logFormat });
  const clock = clockOf();
  const now = () => clock.now();
  const activity = new ActivityObserver(
    new ActivityReporter({ client: new PlatformClient({ ...hosted, clock }), log }),
    now,
  );
  const router = new Router(activity);
  router.onerror = (error) => log.debug("a client's stream", { error });
  const sessions = new Sessions(router, passThrough);
  let upstream: Upstream | undefined;
  const app = createBridgeApp({
    settings,
    router,
    sessions,
    log,
    now,
    ready: () => upstream?.relay.ready === true,
  });
  const server = await listen(app, runtime.host, runtime.port);
  const url = urlOf(runtime.host, (server.address() as AddressInfo).port);

  let stopping = false;
  const stop = async (code: number, drainMs: number) => {
    if (stopping) return;
    stopping = true;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    try {
      await shutDown({ server, sessions, router, upstream, activity, drainMs });
    } finally {
      process.exit(code);
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info(`${signal}: shutting down`);
    void stop(0, DRAIN_MS);
  };
  const context = {
    settings,
    router,
    log,
    failed: (reason: string) => {
      if (stopping) return;
      log.error(reason);
      void stop(1, REPLIES_MS);
    },
    credentialsRefused: () => {
      if (stopping) return;
      log.error("the remote server refused this user's credentials: ending this process");
      void stop(CREDENTIALS_REFUSED_EXIT, REPLIES_MS);
    },
  };
  upstream = spec.kind === "remote" ? remoteUpstream(spec, context) : stdioUpstream(spec, context);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  log.info(`${spec.name} bridge listening on ${url}/mcp, starting its server`, {
    ...upstream.fields,
    process: spec.user === undefined ? "shared" : "per-user",
  });
  try {
    const init = await upstream.start();
    log.info(`${spec.name} ready`, {
      server: init.serverInfo.name,
      protocolVersion: init.protocolVersion,
    });
  } catch (error) {
    if (stopping) return;
    log.error("the server did not initialize", { error });
    await stop(error instanceof CredentialsRefusedError ? CREDENTIALS_REFUSED_EXIT : 1, 0);
  }
}

function listen(app: FetchApp, hostname: string, port: number): Promise<ReturnType<typeof serve>> {
  return new Promise((resolve, reject) => {
    // noDelay: see GumstackHost.run (an SSE event must not wait for the client's delayed ACK).
    const server = serve(
      { fetch: app.fetch, hostname, port, serverOptions: { noDelay: true } },
      () => resolve(server),
    );
    server.once("error", reject);
  });
}

interface Running {
  server: ReturnType<typeof serve>;
  sessions: Sessions;
  router: Router;
  upstream: Upstream | undefined;
  activity: ActivityObserver;
  drainMs: number;
}

/**
 * No new connections; requests in flight get `drainMs`; the sessions end (what they still had
 * running is cancelled at the server) and whatever is left is answered with an error; then the
 * upstream stops (the child's whole process group; a remote session ends), and the last activity
 * goes to the platform.
 */
async function shutDown(o: Running): Promise<void> {
  const closed = new Promise<void>((resolve) => o.server.close(() => resolve()));
  await o.sessions.drain(o.drainMs);
  await o.sessions.close();
  await o.router.close();
  await o.upstream?.stop();
  await o.activity.close();
  // The last replies are written by now; a connection still open after a moment is cut.
  const timer = setTimeout(() => {
    if ("closeAllConnections" in o.server) o.server.closeAllConnections();
  }, CONNECTIONS_MS);
  await closed;
  clearTimeout(timer);
}
