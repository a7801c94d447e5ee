import type { Logger } from "@gumstack/log";

/** What to run for one deployment of a hosted server. */
export interface DeploymentSpec {
  /** `srv_…` */
  serverId: string;
  /** `dep_…`, chosen by the caller; one already kept by the runner is refused. */
  deploymentId: string;
  /** Absolute path of the entry script: `.ts` runs from source through tsx, `.js` as is. */
  entry: string;
  /** The server's folder (where its gumstack.yaml is): the process's working directory. */
  cwd: string;
  /** The operator's variables. Reserved names (GUMSTACK_*, GUMLOOP_*) are refused. */
  env: Record<string, string>;
  /**
   * The platform's own variables for this server (storage, server id, runtime secret…). Only
   * reserved names are taken here, so the server's tools never see them (`getCredentials("none")`
   * hides reserved names); GUMSTACK_HOST and GUMSTACK_PORT are the runner's.
   */
  platformEnv: Record<string, string>;
  /**
   * Names in `env` an admin allowed on purpose although they change how the process loads code
   * (see unsafeNameProblem); any other such name is refused.
   */
  allowUnsafeNames?: readonly string[];
  /**
   * Sandboxed, the process sees its own folder, its dependencies and the system read-only, a
   * temp and a home of its own, and nothing else of the host's files, unless listed here
   * (absolute paths that exist). Default: nothing more.
   */
  mounts?: { readOnly?: readonly string[]; writable?: readonly string[] };
  /**
   * How long this deployment's process has to answer `/healthz` with 200, when it is not the
   * runner's healthTimeoutMs: a proxied server's first start may install packages (`npx -y`).
   */
  startTimeoutMs?: number;
}

/** See RunnerOptions.sandbox. */
export type SandboxMode = "auto" | "require" | "off";

export type DeploymentStatus =
  | "starting"
  | "running"
  | "crashed"
  | "stopping"
  | "stopped"
  | "failed";

export interface ProcessExit {
  /** Null when a signal ended the process, or when it could not be started at all. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the process could not be started (spawn failed), when that is what happened. */
  error?: string;
  /** Milliseconds since the epoch (the runner's clock). */
  at: number;
}

export interface DeploymentInfo {
  serverId: string;
  deploymentId: string;
  status: DeploymentStatus;
  /**
   * The newest process of this deployment (a restart starts a new one), alive or not: the
   * server, or sandboxed the bwrap holding it (killing it ends the sandbox and all in it).
   */
  pid: number | undefined;
  /** Whether it runs in the sandbox (see RunnerOptions.sandbox). */
  sandboxed: boolean;
  port: number | undefined;
  /** When deploy() was called. */
  createdAt: number;
  /** When the newest process was started. */
  startedAt: number | undefined;
  /** Processes started after a crash. */
  restarts: number;
  lastExit: ProcessExit | undefined;
}

/** The right to send one request to a running deployment; release it when the reply is done. */
export interface Lease {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly deploymentId: string;
  /**
   * `listener` runs once when the deployment's drain runs out of time (at once if it has): a
   * holder still streaming (an open GET, a long SSE answer) ends it and releases, so a
   * redeploy's drain stays bounded. Returns the function that removes the listener.
   */
  onCutOff(listener: () => void): () => void;
  /** Idempotent. Until every lease is released, a replaced deployment keeps running. */
  release(): void;
}

export interface LogLine {
  /** Milliseconds since the epoch (the runner's clock). */
  at: number;
  stream: "stdout" | "stderr";
  text: string;
}

export interface Runner {
  /**
   * Starts the process and resolves once `/healthz` answers 200; it then serves the server, and
   * the deployment it replaces drains and stops in the background. Rejects (the deployment is
   * "failed") when it never gets healthy, leaving the previous deployment serving. Deploys of one
   * server run one after the other.
   */
  deploy(spec: DeploymentSpec): Promise<DeploymentInfo>;
  /** For the gateway: the running deployment, counted as in flight; undefined means answer 503. */
  acquire(serverId: string): Lease | undefined;
  /** Drains and stops every deployment of the server (a deploy still starting is abandoned). */
  stop(serverId: string): Promise<void>;
  /** The serving deployment, or else the newest one kept. */
  status(serverId: string): DeploymentInfo | undefined;
  /** One deployment, while it is kept (see `keptDeployments`). */
  deployment(deploymentId: string): DeploymentInfo | undefined;
  /** The server's kept deployments, newest first. */
  deployments(serverId: string): DeploymentInfo[];
  /** The deployment's last output lines, oldest first; kept after it stops; [] when unknown. */
  logs(deploymentId: string): LogLine[];
  /** Stops everything and refuses further deploys: for platform shutdown and tests. */
  close(): Promise<void>;
}

export interface RestartBackoff {
  /** The delay before the first restart; it doubles with each crash in a row. */
  baseMs: number;
  maxMs: number;
  /** A process that served this long before crashing starts the doubling again from baseMs. */
  resetAfterMs?: number;
}

export interface RunnerOptions {
  log: Logger;
  /** How long a new process has to answer `/healthz` with 200 (default 30 s). */
  healthTimeoutMs?: number;
  /** How long a replaced or stopped deployment waits for its leases (default 30 s). */
  drainTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL (default 10 s). */
  stopGraceMs?: number;
  /** Default: 500 ms doubling up to 30 s, reset after 60 s of serving. */
  restartBackoff?: RestartBackoff;
  /** Per deployment (defaults: 2,000 lines, 1 MiB). */
  maxLogLines?: number;
  maxLogBytes?: number;
  /** Finished deployments kept per server, for status and logs (default 10). */
  keptDeployments?: number;
  /** The PATH handed to every server (default: the platform's own, read once). */
  path?: string;
  /** Milliseconds since the epoch, for timestamps; every wait uses real timers. */
  now?: () => number;
  /**
   * `auto` (the default) runs each server in a bubblewrap sandbox when bwrap works here and
   * otherwise unsandboxed, warning at start-up, on each deploy and in the deployment's log;
   * `require` refuses to deploy without the sandbox; `off` runs every server unsandboxed.
   */
  sandbox?: SandboxMode;
  /** The bwrap program: a path, or a name looked up on the platform's PATH (default `bwrap`). */
  bwrap?: string;
  /**
   * The platform's own files (its data folder, its vault key file): never visible in a
   * sandbox, even when under a folder a server sees.
   */
  protectedPaths?: readonly string[];
}
