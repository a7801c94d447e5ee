import type { LogLine } from "./types.js";

/**
 * A deployment's newest output lines, bounded in count and in bytes: the oldest go first. The
 * newest line stays even when it alone is over the byte budget (lines are capped upstream).
 */
export class LogBuffer {
  private lines: LogLine[] = [];
  /** Index of the oldest kept line: dropping from the front is a move, not a copy. */
  private head = 0;
  private bytes = 0;

  constructor(
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.lines.length - this.head;
  }

  push(line: LogLine): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line.text);
    while (this.size > 1 && (this.size > this.maxLines || this.bytes > this.maxBytes)) {
      const dropped = this.lines[this.head];
      this.head += 1;
      if (dropped) this.bytes -= Buffer.byteLength(dropped.text);
    }
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** Every kept line, oldest first (a copy). */
  snapshot(): LogLine[] {
    return this.lines.slice(this.head);
  }

  /** The newest `count` lines, oldest first. */
  tail(count: number): LogLine[] {
    return this.lines.slice(Math.max(this.head, this.lines.length - count));
  }
}
