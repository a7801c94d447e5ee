import type { Logger } from "@gumstack/log";
import { restartDelay } from "./backoff.js";
import { childEnvironment } from "./child-env.js";
import { serverCommand } from "./command.js";
import { DeploymentFailedError } from "./errors.js";
import { freePort } from "./free-port.js";
import { waitHealthy } from "./health.js";
import { InFlight } from "./in-flight.js";
import { LogBuffer } from "./log-buffer.js";
import type { Isolation } from "./sandbox/index.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import type {
  DeploymentInfo,
  DeploymentSpec,
  DeploymentStatus,
  Lease,
  ProcessExit,
  RestartBackoff,
} from "./types.js";

// How many output lines a failed deploy's error carries.
const FAILURE_TAIL_LINES = 20;
// After a drain's deadline, how long lease holders get to close what they still hold.
const CUT_OFF_GRACE_MS = 1_000;

export interface DeploymentSettings {
  log: Logger;
  healthTimeoutMs: number;
  drainTimeoutMs: number;
  stopGraceMs: number;
  restartBackoff: Required<RestartBackoff>;
  maxLogLines: number;
  maxLogBytes: number;
  path: string | undefined;
  now: () => number;
  isolation: Isolation;
}

export function describeExit(exit: ProcessExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error}`;
  return exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}

/**
 * One deployment of a server: its process (a new one after each crash), its leases and its
 * output. starting → running ⇄ crashed; any of those → stopping → stopped; starting → failed.
 */
export class Deployment {
  readonly logs: LogBuffer;
  private state: DeploymentStatus = "starting";
  private readonly createdAt: number;
  private process: ServerProcess | undefined;
  private port: number | undefined;
  private startedAt: number | undefined;
  private restarts = 0;
  private lastExit: ProcessExit | undefined;
  /** The exit of a first process that ended by itself before it was healthy. */
  private endedBeforeHealthy: ProcessExit | undefined;
  private readonly inFlight = new InFlight();
  /** Aborted when stopping: cancels a health wait and any restart to come. */
  private readonly stopping = new AbortController();
  private stopped: Promise<void> | undefined;
  private crashesInARow = 0;
  private runningSince = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: DeploymentSpec,
    private readonly settings: DeploymentSettings,
  ) {
    this.logs = new LogBuffer(settings.maxLogLines, settings.maxLogBytes);
    this.createdAt = settings.now();
  }

  private get healthTimeoutMs(): number {
    return this.spec.startTimeoutMs ?? this.settings.healthTimeoutMs;
  }

  get id(): string {
    return this.spec.deploymentId;
  }

  get status(): DeploymentStatus {
    return this.state;
  }

  info(): DeploymentInfo {
    return {
      serverId: this.spec.serverId,
      deploymentId: this.spec.deploymentId,
      status: this.state,
      pid: this.process?.pid,
      port: this.port,
      createdAt: this.createdAt,
      startedAt: this.startedAt,
      restarts: this.restarts,
      lastExit: this.lastExit,
      sandboxed: this.settings.isolation.unsandboxed === undefined,
    };
  }

  /** The first process; resolves once it is healthy, else throws DeploymentFailedError. */
  async start(): Promise<void> {
    const unsandboxed = this.settings.isolation.unsandboxed;
    if (unsandboxed !== undefined) {
      // Where the operator looks at this server, too: its log.
      this.settings.log.warn("deployment runs UNSANDBOXED", { ...this.fields(), unsandboxed });
      this.logs.push({
        at: this.settings.now(),
        stream: "stderr",
        text: `[gumstack] WARNING: this server runs UNSANDBOXED (${unsandboxed}): it can read every file the platform can`,
      });
    }
    const failure = await this.attempt();
    if (failure === undefined) {
      this.state = "running";
      this.runningSince = this.settings.now();
      this.settings.log.info("deployment running", this.fields());
      return;
    }
    if (!this.stopping.signal.aborted) this.state = "failed";
    this.settings.log.warn("deployment failed", { ...this.fields(), reason: failure });
    throw new DeploymentFailedError(
      this.id,
      failure,
      this.logs.tail(FAILURE_TAIL_LINES),
      this.endedBeforeHealthy,
    );
  }

  /** A lease on the running process, or undefined when it is not running. */
  acquire(): Lease | undefined {
    const port = this.port;
    if (this.state !== "running" || port === undefined || this.process?.exit) return undefined;
    return this.inFlight.lease(`http://127.0.0.1:${port}`, this.id);
  }

  /** Waits for the leases out (bounded), then stops the process. Idempotent; never rejects. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    if (this.state === "failed") return;
    this.state = "stopping";
    this.stopping.abort();
    clearTimeout(this.restartTimer);
    if (!(await this.inFlight.idle(this.settings.drainTimeoutMs))) {
      this.settings.log.warn("drain timed out: cutting off the requests and streams in flight", {
        ...this.fields(),
        inFlight: this.inFlight.size,
      });
      // Their holders close them and release; a moment for that, so the process is not
      // terminated under answers that are being ended cleanly.
      this.inFlight.cutOff();
      await this.inFlight.idle(CUT_OFF_GRACE_MS);
    }
    await this.process?.terminate(this.settings.stopGraceMs);
    // Stopped means its last words are in the logs too.
    await this.process?.drained;
    this.state = "stopped";
    this.settings.log.info("deployment stopped", this.fields());
  }

  /** launch(), with an unexpected error (no free port, spawn refused) as one more reason. */
  private async attempt(): Promise<string | undefined> {
    try {
      return await this.launch();
    } catch (error) {
      return `could not start the process: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /**
   * Starts a process on a fresh port and waits for it to be healthy. Undefined when it serves;
   * otherwise why not, with the process gone.
   */
  private async launch(): Promise<string | undefined> {
    if (this.stopping.signal.aborted) return "stopped before it started";
    const port = await freePort();
    if (this.stopping.signal.aborted) return "stopped before it started";
    const child = startServerProcess({
      launch: this.settings.isolation.launch(serverCommand(this.spec.entry), this.spec),
      cwd: this.spec.cwd,
      env: childEnvironment(this.spec, port, this.settings.path),
      onLine: (stream, text) => this.logs.push({ at: this.settings.now(), stream, text }),
      now: this.settings.now,
    });
    this.process = child;
    this.port = port;
    this.startedAt = this.settings.now();
    this.settings.log.info("deployment process started", { ...this.fields(), pid: child.pid });

    // The wait ends early when the process exits or the deployment is stopped. A listener of
    // our own, removed afterwards, rather than AbortSignal.any(): a deployment that crashes for
    // days must not pile up listeners on its long-lived stop signal.
    const attempt = new AbortController();
    const abandon = () => attempt.abort();
    this.stopping.signal.addEventListener("abort", abandon, { once: true });
    void child.exited.then((exit) => {
      this.lastExit = exit;
      attempt.abort();
    });
    const outcome = await waitHealthy(`http://127.0.0.1:${port}`, {
      timeoutMs: this.healthTimeoutMs,
      signal: attempt.signal,
    }).finally(() => this.stopping.signal.removeEventListener("abort", abandon));
    if (outcome.healthy) {
      void child.exited.then((exit) => this.exitedWhileServing(child, exit));
      return undefined;
    }
    const endedByItself = child.exit !== undefined;
    await child.terminate(this.settings.stopGraceMs);
    // The last words of a process that failed are usually why: read them all before reporting.
    await child.drained;
    if (this.stopping.signal.aborted) return "stopped before it became healthy";
    if (endedByItself && child.exit) {
      this.endedBeforeHealthy = child.exit;
      return `the process ended (${describeExit(child.exit)}) before /healthz answered 200`;
    }
    return `/healthz did not answer 200 within ${this.healthTimeoutMs} ms (last: ${outcome.lastProblem})`;
  }

  private exitedWhileServing(child: ServerProcess, exit: ProcessExit): void {
    if (this.process !== child || this.stopping.signal.aborted) return;
    this.state = "crashed";
    if (this.settings.now() - this.runningSince >= this.settings.restartBackoff.resetAfterMs) {
      this.crashesInARow = 0;
    }
    this.settings.log.warn("deployment crashed", { ...this.fields(), exit: describeExit(exit) });
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    this.crashesInARow += 1;
    const delay = restartDelay(this.crashesInARow, this.settings.restartBackoff);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
    // A restart to come must not keep the platform's process alive on its own.
    this.restartTimer.unref();
  }

  private async restart(): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopping.signal.aborted) return;
    this.restarts += 1;
    const failure = await this.attempt();
    if (this.stopping.signal.aborted) return;
    if (failure === undefined) {
      this.state = "running";
      this.runningSince = this.settings.now();
      this.settings.log.info("deployment restarted", { ...this.fields(), restarts: this.restarts });
      return;
    }
    this.settings.log.warn("restart failed", { ...this.fields(), reason: failure });
    this.scheduleRestart();
  }

  private fields() {
    return { serverId: this.spec.serverId, deploymentId: this.id, port: this.port };
  }
}
