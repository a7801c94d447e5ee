import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter.js";

function split(chunks: string[], maxLength = 100): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter(maxLength, (line) => lines.push(line));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe("LineSplitter", () => {
  it("joins lines across chunks and keeps a last line without a newline", () => {
    expect(split(["one\ntw", "o\r\n\nthr", "ee"])).toEqual(["one", "two", "", "three"]);
    expect(split(["a\n"])).toEqual(["a"]);
    expect(split([])).toEqual([]);
  });

  it("cuts a line longer than the limit, even before it ends", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter(4, (line) => lines.push(line));
    splitter.push("abcdefghij");
    expect(lines).toEqual(["abcd", "efgh"]);
    splitter.push("k\nlmnopq\n");
    expect(lines).toEqual(["abcd", "efgh", "ijk", "lmno", "pq"]);
  });
});
