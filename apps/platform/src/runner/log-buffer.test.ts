import { describe, expect, it } from "vitest";
import { LogBuffer } from "./log-buffer.js";

const line = (text: string) => ({ at: 0, stream: "stdout" as const, text });

describe("LogBuffer", () => {
  it("keeps the newest lines up to the count", () => {
    const buffer = new LogBuffer(3, 1_000);
    for (let i = 1; i <= 5_000; i++) buffer.push(line(String(i)));
    expect(buffer.snapshot().map((l) => l.text)).toEqual(["4998", "4999", "5000"]);
    expect(buffer.tail(2).map((l) => l.text)).toEqual(["4999", "5000"]);
    expect(buffer.tail(10)).toHaveLength(3);
  });

  it("keeps the newest lines up to the bytes, and always the newest one", () => {
    const buffer = new LogBuffer(100, 10);
    for (const text of ["aaaa", "bbbb", "cccc"]) buffer.push(line(text));
    expect(buffer.snapshot().map((l) => l.text)).toEqual(["bbbb", "cccc"]);
    buffer.push(line("é".repeat(6))); // 12 bytes
    expect(buffer.snapshot().map((l) => l.text)).toEqual(["éééééé"]);
    buffer.push(line("d"));
    expect(buffer.snapshot().map((l) => l.text)).toEqual(["d"]);
  });
});
