/**
 * An HTTP/1.1 response parser (RFC 9112) for the gateway's connections to hosted processes: fed
 * the bytes as they arrive, it reports the head, the body's bytes (chunked coding removed) and the
 * end. It is small because the other side is a hosted process on loopback, not the open internet,
 * but it is strict where being lax would be unsafe: a head past MAX_HEAD_BYTES, a bad status line,
 * a malformed or conflicting Content-Length, a bad chunk size, or bytes after the response (a
 * response nobody asked for) are errors, and the connection is not used again.
 */

export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 1024;

export interface ResponseHead {
  status: number;
  /** Names in lower case; a repeated header's values joined with ", " (Set-Cookie is not relayed). */
  headers: Record<string, string>;
}

export interface ParserEvents {
  onHead(head: ResponseHead): void;
  onData(chunk: Buffer): void;
  /** The response is complete; `reusable` says whether the connection may carry another. */
  onEnd(reusable: boolean): void;
}

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

enum State {
  Head = 0,
  Fixed = 1,
  ChunkSize = 2,
  ChunkData = 3,
  ChunkDataEnd = 4,
  Trailers = 5,
  UntilClose = 6,
  Done = 7,
}

const CR = 13;
const LF = 10;
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9a-fA-F]{1,12}$/;

export class ResponseParser {
  private state = State.Head;
  private pending: Buffer | undefined;
  private left = 0;
  private reusable = true;

  /** `headOnly`: the request was HEAD, so the response has no body whatever its headers say. */
  constructor(
    private readonly events: ParserEvents,
    private readonly headOnly = false,
  ) {}

  /** True once the whole response has been read. */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** True while the body runs until the connection closes: then its end is the response's end. */
  get endsWithClose(): boolean {
    return this.state === State.UntilClose;
  }

  /** Feeds the next bytes from the connection. Throws ProtocolError for a malformed response. */
  feed(input: Buffer): void {
    let data = input;
    if (this.pending !== undefined) {
      data = Buffer.concat([this.pending, data]);
      this.pending = undefined;
    }
    let at = 0;
    while (at < data.length) {
      switch (this.state) {
        case State.Head: {
          const end = data.indexOf("\r\n\r\n", at, "latin1");
          if (end < 0) {
            if (data.length - at > MAX_HEAD_BYTES)
              throw new ProtocolError("response head too large");
            this.pending = data.subarray(at);
            return;
          }
          if (end - at > MAX_HEAD_BYTES) throw new ProtocolError("response head too large");
          const interim = this.head(data.toString("latin1", at, end));
          at = end + 4;
          if (interim) continue;
          break;
        }
        case State.Fixed: {
          const take = Math.min(this.left, data.length - at);
          this.left -= take;
          this.events.onData(data.subarray(at, at + take));
          at += take;
          if (this.left === 0) this.finish();
          break;
        }
        case State.ChunkSize:
        case State.Trailers: {
          const lineEnd = data.indexOf(LF, at);
          if (lineEnd < 0) {
            if (data.length - at > MAX_CHUNK_LINE) throw new ProtocolError("chunk line too long");
            this.pending = data.subarray(at);
            return;
          }
          if (lineEnd - at > MAX_CHUNK_LINE) throw new ProtocolError("chunk line too long");
          if (lineEnd === at || data[lineEnd - 1] !== CR)
            throw new ProtocolError("chunk line not ended by CRLF");
          const line = data.toString("latin1", at, lineEnd - 1);
          at = lineEnd + 1;
          if (this.state === State.Trailers) {
            // Trailer fields are read past, not relayed; an empty line ends the message.
            if (line === "") this.finish();
            break;
          }
          const size = line.split(";", 1)[0]?.trim() ?? "";
          if (!HEX.test(size)) throw new ProtocolError("bad chunk size");
          this.left = Number.parseInt(size, 16);
          this.state = this.left === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.left, data.length - at);
          this.left -= take;
          this.events.onData(data.subarray(at, at + take));
          at += take;
          if (this.left === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          if (data.length - at < 2) {
            this.pending = data.subarray(at);
            return;
          }
          if (data[at] !== CR || data[at + 1] !== LF)
            throw new ProtocolError("chunk not ended by CRLF");
          at += 2;
          this.state = State.ChunkSize;
          break;
        }
        case State.UntilClose:
          this.events.onData(at === 0 ? data : data.subarray(at));
          return;
        case State.Done:
          throw new ProtocolError("bytes after the response");
      }
    }
  }

  /** The connection closed. Throws unless that is how this response ends (or it had ended). */
  close(): void {
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      this.events.onEnd(false);
      return;
    }
    if (this.state !== State.Done) throw new ProtocolError("connection closed mid-response");
  }

  /** Parses a head; true when it was an interim (1xx) response, which another head follows. */
  private head(text: string): boolean {
    const lines = text.split("\r\n");
    const statusLine = lines[0] ?? "";
    if (!/^HTTP\/1\.[01] \d{3}(?: |$)/.test(statusLine)) throw new ProtocolError("bad status line");
    const status = Number(statusLine.slice(9, 12));
    if (statusLine.startsWith("HTTP/1.0")) this.reusable = false;
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(":");
      // No obsolete line folding, no whitespace before the colon (RFC 9112 5.1, 5.2).
      if (colon <= 0 || line.charCodeAt(0) <= 32 || line.charCodeAt(colon - 1) <= 32)
        throw new ProtocolError("bad header line");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const before = headers[name];
      headers[name] = before === undefined ? value : `${before}, ${value}`;
    }
    if (status >= 100 && status < 200) {
      if (status === 101) throw new ProtocolError("unexpected protocol switch");
      return true;
    }
    if (/(?:^|,)\s*close\s*(?:,|$)/i.test(headers.connection ?? "")) this.reusable = false;
    this.events.onHead({ status, headers });
    if (this.headOnly || status === 204 || status === 304) {
      this.finish();
      return false;
    }
    const coding = headers["transfer-encoding"];
    if (coding !== undefined) {
      // Chunked must be the last coding; any other coding is not ours to undo.
      if (coding.trim().toLowerCase() !== "chunked")
        throw new ProtocolError("unsupported transfer coding");
      this.state = State.ChunkSize;
      return false;
    }
    const length = headers["content-length"];
    if (length !== undefined) {
      const values = new Set(length.split(",").map((part) => part.trim()));
      const [only] = values;
      if (values.size !== 1 || only === undefined || !DIGITS.test(only))
        throw new ProtocolError("bad content-length");
      this.left = Number(only);
      if (this.left === 0) this.finish();
      else this.state = State.Fixed;
      return false;
    }
    this.reusable = false;
    this.state = State.UntilClose;
    return false;
  }

  private finish(): void {
    this.state = State.Done;
    this.events.onEnd(this.reusable);
  }
}
