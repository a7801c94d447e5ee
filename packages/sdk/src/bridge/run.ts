import type { AddressInfo } from "node:net";
import { createLogger, type Logger } from "@gumstack/log";
import { clockOf } from "@gumstack/runtime/core";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { ActivityObserver, ActivityReporter } from "../host/activity/index.js";
import { PlatformClient } from "../host/platform-client.js";
import type { Finish } from "../host/streamable/router.js";
import { Router } from "../host/streamable/router.js";
import { Sessions } from "../host/streamable/sessions.js";
import { createBridgeApp } from "./app.js";
import { type ChildExit, StdioChild } from "./child.js";
import { Relay } from "./relay.js";
import type { BridgeSettings } from "./settings.js";
import { ToolNames } from "./tool-names.js";
import { toolPolicy } from "./tool-policy.js";

/**
 * At a stop, how long requests in flight get to finish, then how long the child's process group
 * gets after SIGTERM before SIGKILL. Together under the 10 s a server process is given when its
 * platform goes away (the runner's parent watch), so the child is always stopped by us.
 */
const DRAIN_MS = 3_000;
const KILL_AFTER_MS = 5_000;
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
 * One bridge process: listens first (so /healthz answers 503 while the child starts), starts the
 * child, initializes it, then serves. It stops on SIGTERM/SIGINT (exit 0) and when the child
 * exits on its own (exit 1: the runner restarts it), never leaving a process of the child's.
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
  let relay: Relay | undefined;
  const app = createBridgeApp({
    settings,
    router,
    sessions,
    log,
    now,
    ready: () => relay?.ready === true,
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
      await shutDown({ server, sessions, router, child, activity, log, drainMs });
    } finally {
      process.exit(code);
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info(`${signal}: shutting down`);
    void stop(0, DRAIN_MS);
  };
  const exited = (exit: ChildExit) => {
    if (stopping) return;
    const how = describeExit(exit);
    log.error(`the server's process ${how}`);
    // In-flight requests are answered before the bridge goes (the runner starts a new one).
    relay?.childGone(`the server's process ${how}`);
    void stop(1, REPLIES_MS);
  };
  const child = new StdioChild({
    command: spec.command,
    args: spec.args,
    cwd: settings.cwd,
    env: settings.childEnv,
    log,
    message: (message) => relay?.fromChild(message),
    exited,
  });
  relay = new Relay({
    router,
    child,
    tools: new ToolNames(toolPolicy(spec.tools, spec.name)),
    perUser: spec.user !== undefined,
    log,
  });
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  log.info(`${spec.name} bridge listening on ${url}/mcp, starting its server`, {
    pid: child.pid,
    process: spec.user === undefined ? "shared" : "per-user",
  });
  try {
    const init = await relay.initialize();
    log.info(`${spec.name} ready`, {
      server: init.serverInfo.name,
      protocolVersion: init.protocolVersion,
    });
  } catch (error) {
    if (stopping) return;
    log.error("the server did not initialize", { error });
    await stop(1, 0);
  }
}

function listen(app: Hono, hostname: string, port: number): Promise<ReturnType<typeof serve>> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    server.once("error", reject);
  });
}

interface Running {
  server: ReturnType<typeof serve>;
  sessions: Sessions;
  router: Router;
  child: StdioChild;
  activity: ActivityObserver;
  log: Logger;
  drainMs: number;
}

/**
 * No new connections; requests in flight get `drainMs`; the sessions end (what they still had
 * running is cancelled at the child) and whatever is left is answered with an error; then the
 * child's whole process group stops, and the last activity goes to the platform.
 */
async function shutDown(o: Running): Promise<void> {
  const closed = new Promise<void>((resolve) => o.server.close(() => resolve()));
  await o.sessions.drain(o.drainMs);
  await o.sessions.close();
  await o.router.close();
  const how = await o.child.stop(KILL_AFTER_MS);
  o.log.info(`the server's process ${how === "killed" ? "was killed (SIGKILL)" : "stopped"}`);
  await o.activity.close();
  // The last replies are written by now; a connection still open after a moment is cut.
  const timer = setTimeout(() => {
    if ("closeAllConnections" in o.server) o.server.closeAllConnections();
  }, CONNECTIONS_MS);
  await closed;
  clearTimeout(timer);
}

function describeExit(exit: ChildExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error}`;
  if (exit.signal !== null) return `was ended by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}
