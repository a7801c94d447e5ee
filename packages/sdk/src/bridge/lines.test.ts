import { describe, expect, it } from "vitest";
import { LineSplitter } from "./lines.js";

const split = (max: number) => {
  const lines: string[] = [];
  const overflows: number[] = [];
  const splitter = new LineSplitter(
    max,
    (line) => lines.push(line),
    (bytes) => overflows.push(bytes),
  );
  return { splitter, lines, overflows };
};

describe("the stdio framing", () => {
  it("splits lines across chunks, multi-byte characters included, without CR or empty lines", () => {
    const { splitter, lines } = split(1024);
    const bytes = Buffer.from('{"a":"é"}\r\n\n{"b":2}\n{"c"');
    // Cut inside the two bytes of é.
    splitter.push(bytes.subarray(0, 8));
    splitter.push(bytes.subarray(8));
    splitter.push(Buffer.from(":3}"));
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}']);
    splitter.end();
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });

  it("drops a line past the limit whole, and reads the next", () => {
    const { splitter, lines, overflows } = split(8);
    splitter.push(Buffer.from("0123456"));
    splitter.push(Buffer.from("789abc"));
    splitter.push(Buffer.from("def\nok\n"));
    expect(lines).toEqual(["ok"]);
    expect(overflows).toEqual([13]);
  });
});
