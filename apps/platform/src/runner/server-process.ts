import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { Launch } from "./command.js";
import { LineSplitter } from "./line-splitter.js";
import { sandboxGroupOf } from "./sandbox/info.js";
import type { LogLine, ProcessExit } from "./types.js";

// After SIGKILL the kernel ends a process at once; this only bounds a wait that should not hang.
// Bounding timers are unref'd: a wait that is already over must not hold the platform's exit.
const KILL_WAIT_MS = 5_000;
const MAX_LINE_LENGTH = 8_192;

export interface ServerProcess {
  readonly pid: number | undefined;
  /** Set once the process has exited. */
  readonly exit: ProcessExit | undefined;
  readonly exited: Promise<ProcessExit>;
  /** Its output is all read (or it did not come within a short while of the exit). */
  readonly drained: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. Idempotent. */
  terminate(graceMs: number): Promise<void>;
}

/**
 * Starts a server as the leader of its own process group, so that stopping it also reaches
 * whatever it started: no orphans. Its own group also keeps a terminal's Ctrl-C away from it:
 * the platform stops its servers in order (close()), and if the platform dies instead, the
 * parent watch (parent-watch.ts) stops them. Output goes to `onLine`, a line at a time.
 *
 * Sandboxed, the process is bwrap and the server runs in a session of its own inside it (see
 * sandbox/bwrap-args.ts): SIGTERM goes to that session's group, which bwrap reports, so that
 * bwrap itself outlives the server's graceful stop and passes on its exit code; SIGKILL goes
 * to both groups, and the sandbox's PID namespace takes everything else with it.
 */
export function startServerProcess(options: {
  launch: Launch;
  cwd: string;
  env: Record<string, string>;
  onLine: (stream: LogLine["stream"], text: string) => void;
  now: () => number;
}): ServerProcess {
  const fds = options.launch.fds ?? [];
  const child = spawn(options.launch.command, options.launch.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe", ...fds.map(() => "pipe" as const)],
  });
  const pid = child.pid;
  const signalGroup = (group: number | undefined, signal: NodeJS.Signals) => {
    if (group === undefined) return;
    try {
      process.kill(-group, signal);
    } catch {
      // ESRCH: nothing of the group is left.
    }
  };
  let sandboxGroup: number | undefined;
  let reported: Promise<number | undefined> = Promise.resolve(undefined);
  fds.forEach((fd, i) => {
    const stream = child.stdio[3 + i];
    if (!stream) return;
    // EPIPE and the like: the process is gone, and what it did not read no longer matters.
    stream.on("error", () => undefined);
    if ("input" in fd) (stream as Writable).end(fd.input);
    else
      reported = readAll(stream as Readable).then((text) => (sandboxGroup = sandboxGroupOf(text)));
  });
  const signalAll = (signal: NodeJS.Signals) => {
    signalGroup(pid, signal);
    signalGroup(sandboxGroup, signal);
  };

  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    const done = (ended: ProcessExit) => {
      if (exit) return;
      exit = ended;
      // The leader is gone: anything it left behind in its group goes too.
      signalAll("SIGKILL");
      resolve(ended);
    };
    child.once("exit", (code, signal) => done({ code, signal, at: options.now() }));
    child.on("error", (error) => {
      // Also emitted when a signal cannot be sent; only a failed spawn means it never ran.
      if (child.pid === undefined)
        done({ code: null, signal: null, error: error.message, at: options.now() });
    });
  });

  const streams = [
    ["stdout", piped(child.stdout)],
    ["stderr", piped(child.stderr)],
  ] as const;
  const ended = streams.map(([name, stream]) => {
    const lines = new LineSplitter(MAX_LINE_LENGTH, (text) => options.onLine(name, text));
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => lines.push(chunk));
    return new Promise<void>((resolve) => {
      stream.once("close", () => {
        lines.end();
        resolve();
      });
    });
  });
  const drained = exited.then(() =>
    Promise.race([
      Promise.all(ended).then(() => undefined),
      sleep(1_000, undefined, { ref: false }),
    ]),
  );

  let terminating: Promise<void> | undefined;
  const terminate = (graceMs: number) => {
    terminating ??= (async () => {
      if (exit) return;
      // bwrap reports its sandbox within milliseconds of starting; one that never does is
      // still ended below.
      const serverGroup = await Promise.race([
        reported,
        exited.then(() => undefined),
        sleep(graceMs, undefined, { ref: false }),
      ]);
      if (exit) return;
      signalGroup(serverGroup ?? pid, "SIGTERM");
      const gone = await Promise.race([
        exited.then(() => true),
        sleep(graceMs, false, { ref: false }),
      ]);
      if (gone) return;
      signalAll("SIGKILL");
      await Promise.race([exited, sleep(KILL_WAIT_MS, undefined, { ref: false })]);
    })();
    return terminating;
  };

  return {
    pid,
    get exit() {
      return exit;
    },
    exited,
    drained,
    terminate,
  };
}

/** stdio "pipe" always makes one: a missing stream is a bug here, not a state to handle. */
function piped(stream: Readable | null): Readable {
  if (stream === null) throw new Error("the process's output was not piped");
  return stream;
}

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      text += chunk;
    });
    stream.once("close", () => resolve(text));
  });
}
