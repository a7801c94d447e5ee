import { type ChildProcess, spawn } from "node:child_process";
import type { Logger } from "@gumstack/log";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { isJsonRpcMessage } from "../host/streamable/messages.js";
import { LineSplitter } from "./lines.js";
import { stopGroup } from "./process-group.js";

/** A message from the child at most this long; a longer line is dropped (and logged). */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
/** A stderr line past this is cut into the log as dropped: logs are for people. */
const MAX_LOG_LINE_BYTES = 64 * 1024;
/** How much of a stdout line that is not JSON-RPC the log shows. */
const SHOWN_CHARS = 200;
/** After the child exits, how long its last stdout bytes may still take to arrive. */
const LAST_OUTPUT_MS = 200;

export interface ChildExit {
  /** Null when a signal ended it, or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not be started at all. */
  error?: string;
}

export interface StdioChildOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** Exactly the child's environment: nothing of the bridge's is added. */
  env: Record<string, string>;
  log: Logger;
  /** Each JSON-RPC message the child writes on stdout. */
  message(message: JSONRPCMessage): void;
  /** Once, when the child is gone: exited, killed, or never started. */
  exited(exit: ChildExit): void;
}

/**
 * A stdio MCP server as a child process: newline-delimited JSON-RPC on its stdin and stdout, its
 * stderr passed to ours line by line (the deployment log). It leads a process group of its own,
 * so stopping it stops what it started too (`npx` runs the server as its own child).
 */
export class StdioChild {
  private readonly child: ChildProcess;
  private over = false;
  /** Writes wait for the end of this turn of the event loop (see send). */
  private corked = false;

  constructor(private readonly o: StdioChildOptions) {
    this.child = spawn(o.command, [...o.args], {
      cwd: o.cwd,
      env: o.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const { stdin, stdout, stderr } = this.child;
    const messages = new LineSplitter(
      MAX_MESSAGE_BYTES,
      (line) => this.read(line),
      (bytes) => o.log.error("dropped a message of the server past the size limit", { bytes }),
    );
    stdout?.on("data", (chunk: Buffer) => messages.push(chunk));
    stdout?.on("end", () => messages.end());
    const logLines = new LineSplitter(
      MAX_LOG_LINE_BYTES,
      (line) => process.stderr.write(`${line}\n`),
      (bytes) => o.log.warn("dropped a line of the server's stderr past the size limit", { bytes }),
    );
    stderr?.on("data", (chunk: Buffer) => logLines.push(chunk));
    stderr?.on("end", () => logLines.end());
    // Writing to a child that just exited: its exit is reported on its own.
    stdin?.on("error", (error) => o.log.debug("the server's stdin", { error }));
    this.child.once("error", (error) =>
      this.finish({ code: null, signal: null, error: error.message }),
    );
    this.child.once("exit", (code, signal) => {
      const done = () => this.finish({ code, signal });
      if (!stdout || stdout.readableEnded) return done();
      const timer = setTimeout(done, LAST_OUTPUT_MS);
      stdout.once("end", () => {
        clearTimeout(timer);
        done();
      });
    });
  }

  /** The child's pid, which is also its process group's id; undefined if it never started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Writes one message; false once the child is gone. What is written in one turn of the event
   * loop (calls from many clients at once) goes to the pipe in one write, after the turn's I/O:
   * a write to a pipe wakes the child, and on a busy bridge that was its biggest single cost.
   */
  send(message: JSONRPCMessage): boolean {
    const { stdin } = this.child;
    if (this.over || !stdin || stdin.destroyed) return false;
    if (!this.corked) {
      this.corked = true;
      stdin.cork();
      setImmediate(this.uncork);
    }
    stdin.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  private readonly uncork = () => {
    this.corked = false;
    this.child.stdin?.uncork();
  };

  /**
   * Stops the child and everything it started: its stdin closed (how a stdio server is told to
   * finish) and SIGTERM to its group together, SIGKILL to what is left after `graceMs`.
   */
  async stop(graceMs: number): Promise<"exited" | "killed"> {
    this.child.stdin?.end();
    const pgid = this.child.pid;
    return pgid === undefined ? "exited" : stopGroup(pgid, graceMs);
  }

  private read(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      json = undefined;
    }
    if (!isJsonRpcMessage(json)) {
      // Some servers print banners to stdout: worth a line in the log, not the end of the server.
      this.o.log.warn("the server wrote a line that is not JSON-RPC on stdout", {
        line: line.slice(0, SHOWN_CHARS),
      });
      return;
    }
    this.o.message(json);
  }

  private finish(exit: ChildExit): void {
    if (this.over) return;
    this.over = true;
    this.o.exited(exit);
  }
}
