import { describe, expect, it } from "vitest";
import { MAX_HEAD_BYTES, ProtocolError, type ResponseHead, ResponseParser } from "./parser.js";

interface Parsed {
  heads: ResponseHead[];
  body: string;
  ends: boolean[];
}

function parser(headOnly = false): { parser: ResponseParser; parsed: Parsed } {
  const parsed: Parsed = { heads: [], body: "", ends: [] };
  const p = new ResponseParser(
    {
      onHead: (head) => parsed.heads.push(head),
      onData: (chunk) => {
        parsed.body += chunk.toString("latin1");
      },
      onEnd: (reusable) => parsed.ends.push(reusable),
    },
    headOnly,
  );
  return { parser: p, parsed };
}

/** The same bytes fed whole, then split at every position: the result must not depend on where. */
function everySplit(raw: string, check: (parsed: Parsed, p: ResponseParser) => void): void {
  const bytes = Buffer.from(raw, "latin1");
  for (let cut = 0; cut <= bytes.length; cut++) {
    const { parser: p, parsed } = parser();
    p.feed(bytes.subarray(0, cut));
    p.feed(bytes.subarray(cut));
    check(parsed, p);
  }
  // And a byte at a time.
  const { parser: p, parsed } = parser();
  for (let i = 0; i < bytes.length; i++) p.feed(bytes.subarray(i, i + 1));
  check(parsed, p);
}

const json = '{"jsonrpc":"2.0","id":1,"result":{}}';

describe("ResponseParser", () => {
  it("reads a response with a length, wherever the bytes are split", () => {
    const raw = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\nMcp-Session-Id: a\r\n\r\n${json}`;
    everySplit(raw, (parsed, p) => {
      expect(parsed.heads).toEqual([
        {
          status: 200,
          headers: {
            "content-type": "application/json",
            "content-length": String(json.length),
            "mcp-session-id": "a",
          },
        },
      ]);
      expect(parsed.body).toBe(json);
      expect(parsed.ends).toEqual([true]);
      expect(p.done).toBe(true);
    });
  });

  it("removes the chunked coding (extensions and trailers read past), wherever the bytes are split", () => {
    const events = "event: message\ndata: 1\n\n";
    const raw =
      "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n" +
      `${events.length.toString(16)}\r\n${events}\r\n` +
      `A;ext=1\r\n0123456789\r\n` +
      "0\r\nx-trailer: yes\r\n\r\n";
    everySplit(raw, (parsed) => {
      expect(parsed.heads[0]?.status).toBe(200);
      expect(parsed.body).toBe(`${events}0123456789`);
      expect(parsed.ends).toEqual([true]);
    });
  });

  it("skips interim 1xx responses and reads the final one", () => {
    everySplit(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n",
      (parsed) => {
        expect(parsed.heads.map((h) => h.status)).toEqual([202]);
        expect(parsed.ends).toEqual([true]);
      },
    );
  });

  it("knows the answers that have no body: 204, 304, and any answer to HEAD", () => {
    for (const status of [204, 304]) {
      const { parser: p, parsed } = parser();
      p.feed(Buffer.from(`HTTP/1.1 ${status} X\r\ncontent-length: 10\r\n\r\n`));
      expect(parsed.ends).toEqual([true]);
    }
    const { parser: p, parsed } = parser(true);
    p.feed(Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n"));
    expect(parsed).toEqual({ heads: [expect.anything()], body: "", ends: [true] });
  });

  it("reads a body without a length until the close, and that connection is not reused", () => {
    const { parser: p, parsed } = parser();
    p.feed(Buffer.from("HTTP/1.1 200 OK\r\n\r\nsome"));
    p.feed(Buffer.from(" bytes"));
    expect(p.endsWithClose).toBe(true);
    expect(parsed.ends).toEqual([]);
    p.close();
    expect(parsed).toMatchObject({ body: "some bytes", ends: [false] });
  });

  it("does not reuse a connection the server said it closes, or an HTTP/1.0 one", () => {
    for (const raw of [
      "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\ncontent-length: 0\r\n\r\n",
      "HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n",
    ]) {
      const { parser: p, parsed } = parser();
      p.feed(Buffer.from(raw));
      expect(parsed.ends).toEqual([false]);
    }
  });

  it("joins a repeated header's values", () => {
    const { parser: p, parsed } = parser();
    p.feed(Buffer.from("HTTP/1.1 200 OK\r\nVary: a\r\nvary: b\r\ncontent-length: 0\r\n\r\n"));
    expect(parsed.heads[0]?.headers.vary).toBe("a, b");
  });

  it.each([
    ["a bad status line", "HTTP/2 200 OK\r\n\r\n"],
    ["a status line that is not HTTP", "SSH-2.0-OpenSSH\r\n\r\n"],
    ["conflicting lengths", "HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n"],
    ["a negative length", "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n"],
    ["a length that is not a number", "HTTP/1.1 200 OK\r\ncontent-length: 1e3\r\n\r\n"],
    ["a bad chunk size", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n"],
    ["a chunk not ended by CRLF", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nabc"],
    ["a coding other than chunked", "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n"],
    ["a folded header line", "HTTP/1.1 200 OK\r\nx-a: 1\r\n  folded\r\n\r\n"],
    ["whitespace before a colon", "HTTP/1.1 200 OK\r\nx-a : 1\r\n\r\n"],
    ["a protocol switch", "HTTP/1.1 101 Switching Protocols\r\n\r\n"],
    ["bytes after the response", "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nab"],
  ])("refuses %s", (_what, raw) => {
    const { parser: p } = parser();
    expect(() => p.feed(Buffer.from(raw, "latin1"))).toThrow(ProtocolError);
  });

  it("refuses a head larger than its limit, whether or not its end has come", () => {
    const big = `HTTP/1.1 200 OK\r\nx-big: ${"a".repeat(MAX_HEAD_BYTES)}`;
    const { parser: p } = parser();
    expect(() => p.feed(Buffer.from(big))).toThrow(/head too large/);
    const { parser: q } = parser();
    expect(() => q.feed(Buffer.from(`${big}\r\n\r\n`))).toThrow(/head too large/);
  });

  it("calls a close mid-response an error", () => {
    const { parser: p } = parser();
    p.feed(Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"));
    expect(() => p.close()).toThrow(/closed mid-response/);
    const { parser: q } = parser();
    q.feed(Buffer.from("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n"));
    expect(() => q.close()).toThrow(/closed mid-response/);
  });
});
