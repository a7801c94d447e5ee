import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "./command.js";
import { LineSplitter } from "./line-splitter.js";
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
 */
export function startServerProcess(options: {
  command: Command;
  cwd: string;
  env: Record<string, string>;
  onLine: (stream: LogLine["stream"], text: string) => void;
  now: () => number;
}): ServerProcess {
  const child = spawn(options.command.command, options.command.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: nothing of the group is left.
    }
  };

  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    const done = (ended: ProcessExit) => {
      if (exit) return;
      exit = ended;
      // The leader is gone: anything it left behind in its group goes too.
      signalGroup("SIGKILL");
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
    ["stdout", child.stdout],
    ["stderr", child.stderr],
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
      signalGroup("SIGTERM");
      const gone = await Promise.race([
        exited.then(() => true),
        sleep(graceMs, false, { ref: false }),
      ]);
      if (gone) return;
      signalGroup("SIGKILL");
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
