import type { Logger } from "@gumstack/log";
import { type ActivityEntry, MAX_ACTIVITY_ENTRIES } from "@gumstack/runtime/internal-api";
import type { PlatformClient } from "../platform-client.js";

export type { ActivityEntry };

export interface ActivityReporterOptions {
  client: PlatformClient;
  log: Logger;
  /** How often what is pending is sent (default 1 s). */
  flushEveryMs?: number;
  /** Sends at once when this many are pending (default 100). */
  flushAt?: number;
  /** At most this many wait; beyond, the oldest are dropped and counted (default 10,000). */
  maxPending?: number;
  /** Every POST gives up after this long (default 5 s, well inside the runner's stop grace). */
  timeoutMs?: number;
}

/**
 * Sends a hosted server's tool calls to the platform, in batches, off the request path: a call
 * only appends to memory. The queue is bounded, so a platform that is down costs at most
 * `maxPending` entries of memory: the oldest go first, and the count of those lost is logged
 * once per flush. A failed batch goes back to the front and is tried again on the next tick; a
 * batch the platform refuses (4xx) would be refused again, so it is dropped.
 */
export class ActivityReporter {
  private pending: ActivityEntry[] = [];
  private dropped = 0;
  private sending: Promise<void> | undefined;
  private failing = false;
  private closed = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly flushAt: number;
  private readonly maxPending: number;
  private readonly timeoutMs: number;

  constructor(private readonly o: ActivityReporterOptions) {
    this.flushAt = o.flushAt ?? 100;
    this.maxPending = o.maxPending ?? 10_000;
    this.timeoutMs = o.timeoutMs ?? 5_000;
    this.timer = setInterval(() => void this.flush(), o.flushEveryMs ?? 1_000);
    // Reporting never keeps a process alive that has nothing else to do.
    this.timer.unref();
  }

  /** How many wait to be sent. */
  get size(): number {
    return this.pending.length;
  }

  record(entry: ActivityEntry): void {
    if (this.closed) return;
    this.pending.push(entry);
    this.trim();
    if (this.pending.length >= this.flushAt) void this.flush();
  }

  /** Sends what is pending now; one flush at a time, so a second caller shares the first's. */
  flush(): Promise<void> {
    this.sending ??= this.send().finally(() => {
      this.sending = undefined;
    });
    return this.sending;
  }

  /** Stops the timer and sends what is left, once: run on shutdown, after the last call. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.sending;
    await this.flush();
  }

  private trim(): void {
    const over = this.pending.length - this.maxPending;
    if (over <= 0) return;
    this.pending.splice(0, over);
    this.dropped += over;
  }

  private async send(): Promise<void> {
    // Only what is pending now: calls arriving meanwhile wait for the next flush, so a busy
    // server cannot keep one flush going for ever.
    let rounds = Math.ceil(this.pending.length / MAX_ACTIVITY_ENTRIES);
    while (rounds-- > 0 && this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_ACTIVITY_ENTRIES);
      const result = await this.post(batch);
      if (result === "failed") {
        this.pending.unshift(...batch);
        this.trim();
        break;
      }
    }
    if (this.dropped > 0) {
      this.o.log.warn("dropped tool-call activity the platform could not take in time", {
        dropped: this.dropped,
      });
      this.dropped = 0;
    }
  }

  private async post(entries: ActivityEntry[]): Promise<"sent" | "refused" | "failed"> {
    let status: number;
    try {
      status = await this.o.client.activity(entries, this.timeoutMs);
    } catch (error) {
      return this.failed(error instanceof Error ? error.message : String(error));
    }
    if (status >= 500 || status === 408 || status === 429) return this.failed(`status ${status}`);
    if (this.failing) this.o.log.info("the platform takes tool-call activity again");
    this.failing = false;
    if (status >= 400) {
      this.o.log.warn("the platform refused tool-call activity: dropped", {
        status,
        dropped: entries.length,
      });
      return "refused";
    }
    return "sent";
  }

  /** Logged when sending starts failing, not every second while the platform is away. */
  private failed(problem: string): "failed" {
    if (!this.failing) {
      this.o.log.warn("could not send tool-call activity: will retry", { problem });
    }
    this.failing = true;
    return "failed";
  }
}
