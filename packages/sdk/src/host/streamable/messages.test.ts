import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { isJsonRpcMessage } from "./messages.js";

const ABSENT = Symbol("absent");
const metas: unknown[] = [
  {},
  { progressToken: "t" },
  { progressToken: 7 },
  { progressToken: 1.5 },
  { progressToken: null },
  { "io.modelcontextprotocol/related-task": { taskId: "a" } },
  { "io.modelcontextprotocol/related-task": { taskId: 1 } },
  { "io.modelcontextprotocol/related-task": null },
  { other: [1] },
  [],
  "x",
];
/** Each member's values: well formed, ill formed, absent. */
const pools: Record<string, unknown[]> = {
  jsonrpc: ["2.0", "1.0", ABSENT],
  id: [-3, "a", 1.5, 2 ** 53, null, ABSENT],
  method: ["tools/call", 5, ABSENT],
  params: [ABSENT, { name: "x" }, [], null, ...metas.map((_meta) => ({ _meta }))],
  result: [ABSENT, { content: [] }, null, [], ...metas.map((_meta) => ({ _meta }))],
  error: [
    ABSENT,
    { code: -32600, message: "m", data: null, more: 1 },
    { code: 1.5, message: "m" },
    { code: 2 ** 53, message: "m" },
    { code: "1", message: "m" },
    { code: 1 },
    null,
  ],
  extra: [ABSENT, 1],
};

/** Every combination of the pools' values, as objects (an absent member left out). */
function* combinations(names: string[], at: Record<string, unknown> = {}): Generator<unknown> {
  const [name, ...rest] = names;
  if (name === undefined) {
    yield at;
    return;
  }
  for (const value of pools[name] ?? []) {
    const next = { ...at };
    if (value !== ABSENT) next[name] = value;
    yield* combinations(rest, next);
  }
}

describe("isJsonRpcMessage", () => {
  it("decides every combination of well and ill formed members as the SDK's schema does", () => {
    let messages = 0;
    let accepted = 0;
    const disagreements: unknown[] = [];
    for (const value of combinations(Object.keys(pools))) {
      messages++;
      const expected = JSONRPCMessageSchema.safeParse(value).success;
      if (expected) accepted++;
      if (isJsonRpcMessage(value) !== expected) disagreements.push(value);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The corpus holds both kinds, in numbers: neither answer is had by always giving it.
    expect(messages).toBeGreaterThan(50_000);
    expect(accepted).toBeGreaterThan(30);
  });

  it("agrees on what is not an object, and on members JSON can name but objects hide", () => {
    const values: unknown[] = [
      null,
      [],
      [{ jsonrpc: "2.0", method: "x" }],
      "x",
      3,
      JSON.parse('{"jsonrpc":"2.0","method":"x","__proto__":{}}'),
      JSON.parse('{"jsonrpc":"2.0","id":1,"result":{},"constructor":1}'),
      JSON.parse('{"jsonrpc":"2.0","method":"x","params":{"__proto__":[]}}'),
    ];
    for (const value of values)
      expect(isJsonRpcMessage(value), JSON.stringify(value)).toBe(
        JSONRPCMessageSchema.safeParse(value).success,
      );
  });
});
