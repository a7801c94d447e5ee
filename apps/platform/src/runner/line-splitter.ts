/**
 * Cuts a stream's text into lines. A line longer than `maxLength` is cut into pieces of that
 * length, so one endless line cannot grow memory without bound.
 */
export class LineSplitter {
  private partial = "";

  constructor(
    private readonly maxLength: number,
    private readonly emit: (line: string) => void,
  ) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const part of parts) this.emitLine(part);
    while (this.partial.length > this.maxLength) {
      this.emit(this.partial.slice(0, this.maxLength));
      this.partial = this.partial.slice(this.maxLength);
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.partial !== "") this.emitLine(this.partial);
    this.partial = "";
  }

  private emitLine(line: string): void {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    for (let start = 0; start < text.length; start += this.maxLength) {
      this.emit(text.slice(start, start + this.maxLength));
    }
    if (text.length === 0) this.emit("");
  }
}
