import type { Broker, CredentialResolver } from "@gumstack/broker";
import type { Id } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import type { AuthProvider } from "@gumstack/oauth";
import { CredentialsUnavailableError } from "@gumstack/runtime";
import type { OAuthAnswer } from "@gumstack/runtime/internal-api";
import { CREDENTIALS_REFUSED_EXIT } from "@gumstack/sdk";
import {
  DeploymentFailedError,
  type Lease,
  type Runner,
  SandboxUnavailableError,
} from "../runner/index.js";
import { type BridgeLaunch, bridgeLaunch, type ProxiedDeployment } from "./deployment.js";
import { processMemory } from "./memory.js";
import { TemplateError, type Values } from "./templates.js";

/** What the gateway gets for a call to a proxied server. */
export type Acquired =
  | { lease: Lease }
  /** Answered 503 with Retry-After: over the cap with every process busy, or not running. */
  | { unavailable: string; retryAfterSeconds: number }
  /** The caller has not given what the server needs (its cred fields): the link to the form. */
  | { authRequired: { url: string; message: string } };

type Refused = Exclude<Acquired, { lease: Lease }>;

/** One per-user process, as the platform knows it. */
export interface ProcessInfo {
  userId: string;
  status: string;
  pid: number | undefined;
  startedAt: number | undefined;
  lastUsedAt: number;
  /** Requests being served now. */
  busy: number;
  /** Resident memory of the process and every process under it, bytes (Linux /proc). */
  memoryBytes: number | undefined;
}

export interface ProxiedOptions {
  runner: Runner;
  resolver: CredentialResolver;
  /** Told when a remote server refuses a caller's token (tokenRefused). */
  broker: Broker;
  log: Logger;
  now: () => number;
  /** Per-user processes on this platform at most, across servers (default 100). */
  maxTotal?: number;
  /**
   * Remote servers may be on loopback and private networks (GUMSTACK_PROXIED_ALLOW_PRIVATE_URLS;
   * default false: an operator's URL must not reach the platform's own network by accident).
   */
  allowPrivateUrls?: boolean;
  /** Overrides each server's idleMinutes (tests). */
  idleMs?: number;
  /**
   * How long a caller's values, once read, are trusted before a call reads them again (default
   * 2 s). A change made through this platform (a form saved) is seen at once (changed()).
   */
  recheckMs?: number;
}

const RETRY_AFTER_SECONDS = 5;

interface UserProcess {
  readonly key: string;
  readonly serverId: string;
  readonly userId: string;
  /** Of what the running process was started with; undefined before its first start. */
  fingerprint: string | undefined;
  /** When the caller's values were last read (0: read them again before the next call). */
  checkedAt: number;
  lastUsedAt: number;
  busy: number;
  /** The check (and start) in progress: callers arriving meanwhile share it. */
  pending: Promise<Refused | undefined> | undefined;
}

/**
 * The processes of proxied servers (stdio and remote: each is a bridge process). A server whose
 * templates use no caller's value runs
 * one shared process, deployed like a hosted server. A per-user server runs one process per
 * (server, user): started on a user's first call, replaced when the values it was started with
 * change (the runner drains the old one), stopped after its idle time, capped per server and in
 * total: over a cap the least recently used idle process is stopped, and with none idle the call
 * is refused with a retry hint. Each process is a runner deployment of its own, under the key
 * `<server id>/<user id>`, so it is sandboxed, logged and torn down (whole tree) as any other.
 */
export class ProxiedProcesses {
  private readonly servers = new Map<string, ProxiedDeployment>();
  private readonly processes = new Map<string, UserProcess>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly o: ProxiedOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(o.idleMs ?? 30_000, 30_000));
    this.sweeper.unref();
  }

  get allowPrivateUrls(): boolean {
    return this.o.allowPrivateUrls ?? false;
  }

  /** Whether calls to this server are served here (else it is a hosted server). */
  has(serverId: string): boolean {
    return this.servers.has(serverId);
  }

  /**
   * The broker's provider for a proxied `oauth` server: the one its deployment built, if it is
   * still called `name`; undefined when it no longer is (the connection is then not refreshed).
   */
  provider(serverId: string, name: string): AuthProvider | undefined {
    const provider = this.servers.get(serverId)?.oauth?.provider;
    return provider?.name === name ? provider : undefined;
  }

  /**
   * The other servers whose users' connections serve this one: deployed here with the same
   * provider app, and neither asking for its own connection.
   */
  sharedWith(serverId: string): Id<"server">[] {
    const oauth = this.servers.get(serverId)?.oauth;
    if (!oauth || oauth.own) return [];
    return [...this.servers.values()].flatMap((other) =>
      other.serverId !== serverId && other.oauth?.app === oauth.app && !other.oauth.own
        ? [other.serverId]
        : [],
    );
  }

  /** Whether the server runs one process per caller. */
  perUser(serverId: string): boolean {
    return this.servers.get(serverId)?.config.perUser === true;
  }

  /**
   * A server deployed (or redeployed with a new configuration). Shared: its process is started
   * now, through the runner; per-user: every user's process is replaced before its next call.
   */
  async deployed(deployment: ProxiedDeployment): Promise<void> {
    const perUser = deployment.config.perUser;
    const previous = this.servers.get(deployment.serverId);
    this.servers.set(deployment.serverId, deployment);
    if (previous?.oauth !== deployment.oauth) this.closeProvider(previous);
    if (!perUser) {
      const launch = bridgeLaunch(deployment, deployment.serverId, { env: deployment.variables });
      await this.o.runner.deploy(launch.spec);
    }
    for (const process of this.of(deployment.serverId)) process.checkedAt = 0;
    // A server that stopped being per user keeps no per-user processes, and the reverse.
    if (perUser) await this.o.runner.stop(deployment.serverId);
    else await Promise.all(this.of(deployment.serverId).map((p) => this.stopProcess(p)));
  }

  /** A server removed: nothing of it runs any more. */
  async removed(serverId: string): Promise<void> {
    this.closeProvider(this.servers.get(serverId));
    this.servers.delete(serverId);
    await Promise.all([
      this.o.runner.stop(serverId),
      ...this.of(serverId).map((process) => this.stopProcess(process)),
    ]);
  }

  /**
   * The user's values changed here (a form saved or cleared, an account connected or
   * disconnected): read them before the next call, here and on every server sharing the
   * connection.
   */
  changed(serverId: string, userId: string): void {
    for (const id of [serverId, ...this.sharedWith(serverId)]) {
      const process = this.processes.get(keyOf(id, userId));
      if (process) process.checkedAt = 0;
    }
  }

  /**
   * A lease on the caller's process, started if need be. `busy` (default) counts it as a call in
   * flight, which keeps the process from being stopped as idle or to make room; a session's GET
   * stream is not busy: a connected client that calls nothing leaves its process idle.
   */
  async acquire(serverId: string, userId: string, busy = true): Promise<Acquired> {
    const deployment = this.servers.get(serverId);
    if (!deployment) return { unavailable: "the server is not deployed", retryAfterSeconds: 30 };
    if (!deployment.config.perUser) {
      const lease = this.o.runner.acquire(serverId);
      return lease
        ? { lease }
        : {
            unavailable: `${deployment.name} is not running right now (starting, restarting or stopped); try again shortly`,
            retryAfterSeconds: RETRY_AFTER_SECONDS,
          };
    }
    const key = keyOf(serverId, userId);
    let process = this.processes.get(key);
    if (!process) {
      const room = this.makeRoom(deployment);
      if (room) return room;
      process = {
        key,
        serverId,
        userId,
        fingerprint: undefined,
        checkedAt: 0,
        lastUsedAt: this.o.now(),
        busy: 0,
        pending: undefined,
      };
      this.processes.set(key, process);
    }
    process.lastUsedAt = this.o.now();
    const fresh = this.o.now() - process.checkedAt < (this.o.recheckMs ?? 2_000);
    if (fresh && !process.pending) {
      const lease = this.o.runner.acquire(key);
      if (lease) return { lease: this.counted(process, lease, busy) };
    }
    // Shared by every call arriving while one checks: one read of the values, one start.
    process.pending ??= this.ensure(deployment, process).finally(() => {
      if (process) process.pending = undefined;
    });
    const refused = await process.pending;
    if (refused) return refused;
    const lease = this.o.runner.acquire(key);
    return lease
      ? { lease: this.counted(process, lease, busy) }
      : { unavailable: `${deployment.name} stopped meanwhile`, retryAfterSeconds: 1 };
  }

  /** The per-user processes of a server, most recently used first. */
  list(serverId: string): ProcessInfo[] {
    const rows = this.of(serverId)
      .sort((a, b) => b.lastUsedAt - a.lastUsedAt)
      .map((process) => ({ process, info: this.o.runner.status(process.key) }));
    const pids = rows.flatMap(({ info }) => (info?.pid === undefined ? [] : [info.pid]));
    const memory = processMemory(pids);
    return rows.map(({ process, info }) => ({
      userId: process.userId,
      status: info?.status ?? "starting",
      pid: info?.pid,
      startedAt: info?.startedAt,
      lastUsedAt: process.lastUsedAt,
      busy: process.busy,
      memoryBytes: info?.pid === undefined ? undefined : memory?.get(info.pid),
    }));
  }

  /**
   * Stops one user's process: at once it serves no new call (the next one starts a new process),
   * and what is in flight drains in the background. False when there is none.
   */
  stop(serverId: string, userId: string): boolean {
    const process = this.processes.get(keyOf(serverId, userId));
    if (!process) return false;
    this.stopInBackground(process);
    return true;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const deployment of this.servers.values()) this.closeProvider(deployment);
  }

  /** A provider no deployment uses any more: what it holds open goes (in the background). */
  private closeProvider(deployment: ProxiedDeployment | undefined): void {
    deployment?.oauth
      ?.close()
      .catch((error: unknown) =>
        this.o.log.warn("closing a proxied server's provider failed", { error }),
      );
  }

  /**
   * Reads the caller's values and starts (or replaces) the process when they changed; undefined
   * once it runs with them.
   */
  private async ensure(
    deployment: ProxiedDeployment,
    process: UserProcess,
    retried = false,
  ): Promise<Refused | undefined> {
    const checkedAt = this.o.now();
    const values = await this.valuesOf(deployment, process.userId);
    if ("unavailable" in values) return values;
    if ("authRequired" in values) {
      // Nothing runs for a caller who has never given their values: nothing to list or cap.
      if (process.fingerprint === undefined) this.processes.delete(process.key);
      return values;
    }
    let launch: BridgeLaunch;
    try {
      launch = bridgeLaunch(deployment, process.key, values, process.userId);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      return {
        unavailable: `${deployment.name} cannot start for you: ${error.message}`,
        retryAfterSeconds: 60,
      };
    }
    const running = this.o.runner.status(process.key)?.status === "running";
    if (process.fingerprint !== launch.fingerprint || !running) {
      // First use, values changed, or the process died (killed, crashed): a new one, at once.
      try {
        await this.o.runner.deploy(launch.spec);
      } catch (error) {
        // Its own failure (it never got healthy), or no sandbox where one is required.
        if (!(error instanceof DeploymentFailedError || error instanceof SandboxUnavailableError))
          throw error;
        if (error instanceof DeploymentFailedError && error.exit?.code === CREDENTIALS_REFUSED_EXIT)
          return this.credentialsRefused(deployment, process, values, retried);
        const reason = error instanceof DeploymentFailedError ? error.reason : error.message;
        // The reason only: the process's own output (a third party's program, which may print
        // anything it was given) stays in its deployment's log, for its owner.
        this.o.log.warn(`${deployment.name}: a user's process did not start`, {
          userId: process.userId,
          reason,
        });
        // A first start that failed holds no slot against the caps.
        if (process.fingerprint === undefined) this.processes.delete(process.key);
        return {
          unavailable: `${deployment.name} did not start: ${reason}`,
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        };
      }
      process.fingerprint = launch.fingerprint;
    }
    process.checkedAt = checkedAt;
    return undefined;
  }

  /**
   * The remote server refused the caller's credentials in the bridge's first handshake (401 or
   * 403). An OAuth token that looked fresh is refreshed and tried once more; one refused again
   * means the user must connect again (the connect link). Cred values are the user's to fix.
   */
  private async credentialsRefused(
    deployment: ProxiedDeployment,
    process: UserProcess,
    values: Values,
    retried: boolean,
  ): Promise<Refused | undefined> {
    const { auth } = deployment.config;
    const connectionId = values.oauth?.connectionId;
    if (auth.type === "oauth" && values.oauth && connectionId !== undefined) {
      const request = {
        userId: process.userId as Id<"user">,
        serverId: deployment.serverId,
        provider: auth.provider,
      };
      await this.o.broker.tokenRefused(
        request,
        { connectionId: connectionId as Id<"connection">, accessToken: values.oauth.accessToken },
        !retried,
      );
      if (!retried) return this.ensure(deployment, process, true);
      const again = await this.valuesOf(deployment, process.userId);
      if ("authRequired" in again) {
        if (process.fingerprint === undefined) this.processes.delete(process.key);
        return again;
      }
    }
    if (process.fingerprint === undefined) this.processes.delete(process.key);
    return {
      unavailable: `${deployment.name} refused your credentials (HTTP 401 or 403): update them, then call again`,
      retryAfterSeconds: 60,
    };
  }

  private async valuesOf(deployment: ProxiedDeployment, userId: string): Promise<Values | Refused> {
    const { auth } = deployment.config;
    const { serverId: id, name, variables: env } = deployment;
    if (auth.type === "none") return { env };
    if (auth.type === "cred") {
      const answer = await this.o.resolver.resolve({
        userId,
        server: { id, name, auth },
        kind: "cred",
      });
      if (answer.status === "auth_required")
        return authRequired(answer.url, `${name} needs your credentials first`);
      return { env, cred: answer.credentials.values };
    }
    // A token near its expiry is refreshed here, before the process is (re)started with it: a
    // new token is a new fingerprint, so the process is replaced before the next call.
    let answer: OAuthAnswer;
    try {
      answer = await this.o.resolver.resolve({
        userId,
        server: { id, name, auth: { type: "oauth", provider: auth.provider } },
        kind: "oauth",
        sharedWith: this.sharedWith(id),
      });
    } catch (error) {
      // The provider could not refresh the token now; the user's connection stays as it is.
      if (!(error instanceof CredentialsUnavailableError)) throw error;
      return { unavailable: `${name}: ${error.message}`, retryAfterSeconds: RETRY_AFTER_SECONDS };
    }
    if (answer.status === "auth_required")
      return authRequired(answer.url, `${name} needs you to connect your ${auth.provider} account`);
    const { access_token, extras, connection_id } = answer.credentials;
    return { env, oauth: { accessToken: access_token, extras, connectionId: connection_id } };
  }

  /** Over a cap: the least recently used idle process goes; undefined once there is room. */
  private makeRoom(deployment: ProxiedDeployment): Acquired | undefined {
    const caps: Array<[UserProcess[], number, string]> = [
      [this.of(deployment.serverId), deployment.config.maxProcesses, `${deployment.name}'s`],
      [[...this.processes.values()], this.o.maxTotal ?? 100, "the platform's"],
    ];
    for (const [among, cap, whose] of caps) {
      if (among.length < cap) continue;
      const idle = among
        .filter((p) => p.busy === 0 && !p.pending)
        .sort((a, b) => a.lastUsedAt - b.lastUsedAt)[0];
      if (!idle) {
        return {
          unavailable: `all ${cap} of ${whose} processes are busy; try again shortly`,
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        };
      }
      this.stopInBackground(idle);
    }
    return undefined;
  }

  private counted(process: UserProcess, lease: Lease, busy: boolean): Lease {
    const counts = busy ? 1 : 0;
    process.busy += counts;
    let released = false;
    return {
      url: lease.url,
      deploymentId: lease.deploymentId,
      onCutOff: (listener) => lease.onCutOff(listener),
      release: () => {
        if (released) return;
        released = true;
        process.busy -= counts;
        process.lastUsedAt = this.o.now();
        lease.release();
      },
    };
  }

  private sweep(): void {
    const now = this.o.now();
    for (const process of this.processes.values()) {
      const deployment = this.servers.get(process.serverId);
      const idleMs = this.o.idleMs ?? (deployment?.config.idleMinutes ?? 10) * 60_000;
      if (process.busy > 0 || process.pending || now - process.lastUsedAt < idleMs) continue;
      this.o.log.info(`${deployment?.name ?? process.serverId}: stopping an idle user's process`, {
        userId: process.userId,
      });
      this.stopInBackground(process);
    }
  }

  /** Out of the map at once (no new call reaches it); its drain and stop go on by themselves. */
  private stopInBackground(process: UserProcess): void {
    this.stopProcess(process).catch((error: unknown) =>
      this.o.log.error("stopping a user's process failed", { userId: process.userId, error }),
    );
  }

  private async stopProcess(process: UserProcess): Promise<void> {
    if (this.processes.get(process.key) === process) this.processes.delete(process.key);
    await this.o.runner.stop(process.key);
  }

  private of(serverId: string): UserProcess[] {
    return [...this.processes.values()].filter((p) => p.serverId === serverId);
  }
}

const keyOf = (serverId: string, userId: string) => `${serverId}/${userId}`;

const authRequired = (url: string, what: string) => ({
  authRequired: { url, message: `${what}: open ${url}, then call again` },
});
