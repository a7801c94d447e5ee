import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { StatelessExchange } from "./stateless.js";

const request = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "flood" } };
const progress = (n: number): JSONRPCMessage => ({
  jsonrpc: "2.0",
  method: "notifications/progress",
  params: { progressToken: "p", progress: n, message: "x".repeat(4096) },
});

/** Whether `promise` is still pending once everything already runnable has run. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

describe("a stateless SSE answer", () => {
  it("makes a tool that sends faster than its client reads wait, then go on as the client reads", async () => {
    const ends: string[] = [];
    const exchange = new StatelessExchange({
      sse: true,
      requestInfo: { headers: {} },
      done: (how) => ends.push(how),
    });
    const answer = exchange.handle(request, null, {});
    // The first event opens the stream; then 4 KiB events until the stream is full.
    let sent = 0;
    let last: Promise<void> = Promise.resolve();
    while (sent < 1_000) {
      last = exchange.send(progress(++sent));
      if (await pending(last)) break;
    }
    // Held at about 64 KiB of events, not the 4 MB a thousand of them are.
    expect(sent).toBeGreaterThan(8);
    expect(sent).toBeLessThan(40);
    const reader = ((await answer) as Response).body?.getReader();
    if (!reader) throw new Error("no body");
    const decoder = new TextDecoder();
    let text = "";
    while (await pending(last)) text += decoder.decode((await reader.read()).value);
    expect(text).toContain('"progress":1,');
    await exchange.send({ jsonrpc: "2.0", id: 1, result: { content: [] } });
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += decoder.decode(chunk.value);
    expect(text).toContain(`"progress":${sent},`);
    expect(text.trimEnd().endsWith('"result":{"content":[]}}')).toBe(true);
    expect(ends).toEqual(["ended"]);
  });

  it("lets a waiting tool go when its client goes away", async () => {
    const exchange = new StatelessExchange({
      sse: true,
      requestInfo: { headers: {} },
      done: () => {},
    });
    const answer = exchange.handle(request, null, {});
    let last: Promise<void> = Promise.resolve();
    for (let n = 1; n < 1_000 && !(await pending(last)); n++) last = exchange.send(progress(n));
    expect(await pending(last)).toBe(true);
    await ((await answer) as Response).body?.cancel();
    await last;
  });
});

describe("a stateless POST's messages", () => {
  it.each([
    [
      "params that are not an object",
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: true },
    ],
    ["an id that is not an integer", { jsonrpc: "2.0", id: 1.5, method: "tools/list" }],
    ["a member JSON-RPC does not have", { jsonrpc: "2.0", id: 1, method: "ping", extra: 1 }],
    ["a result that is not an object", { jsonrpc: "2.0", id: 1, result: true }],
    ["an error without a code", { jsonrpc: "2.0", id: 1, error: { message: "no" } }],
  ])(
    "refuses %s with 400 Invalid Request, at once: the server would drop it unanswered",
    async (_, body) => {
      const ends: string[] = [];
      const handed: unknown[] = [];
      const exchange = new StatelessExchange({
        sse: false,
        requestInfo: { headers: {} },
        done: (how) => ends.push(how),
      });
      exchange.onmessage = (message) => handed.push(message);
      const answer = (await exchange.handle(body, null, {})) as Response;
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ error: { code: -32600 } });
      expect(handed).toEqual([]);
      expect(ends).toEqual(["ended"]);
    },
  );
});
