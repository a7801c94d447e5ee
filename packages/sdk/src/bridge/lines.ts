/**
 * Splits a byte stream into lines (the stdio transport's framing: one JSON-RPC message a line).
 * A line longer than `maxBytes` is dropped whole, told to `overflow` once, so a child writing
 * without newlines cannot make this process hold unbounded bytes.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = false;

  constructor(
    private readonly maxBytes: number,
    private readonly line: (text: string) => void,
    private readonly overflow: (bytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, end));
      this.finishLine();
      start = end + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    if (this.pendingBytes > 0) this.finishLine();
  }

  private take(part: Buffer): void {
    if (this.skipping) return;
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxBytes) {
      this.overflow(this.pendingBytes);
      this.skipping = true;
      this.pending = [];
      return;
    }
    if (part.length > 0) this.pending.push(part);
  }

  private finishLine(): void {
    const text = this.skipping ? undefined : Buffer.concat(this.pending).toString("utf8");
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
    // A stray CR from a Windows-minded writer is not part of the message.
    const trimmed = text?.endsWith("\r") ? text.slice(0, -1) : text;
    if (trimmed !== undefined && trimmed.length > 0) this.line(trimmed);
  }
}
