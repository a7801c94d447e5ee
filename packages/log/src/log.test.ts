import { describe, expect, it } from "vitest";
import { createLogger } from "./index.js";

describe("createLogger", () => {
  it("never writes a field whose name says secret, in either format", () => {
    for (const format of ["json", "pretty"] as const) {
      const lines: string[] = [];
      const log = createLogger({ level: "debug", format, write: (l) => lines.push(l) });
      log.info("connected", {
        accessToken: "ya29.secret",
        refresh_token: "1//secret",
        Authorization: "Bearer gsk_secret",
        password: "hunter2",
        nickname: "ada",
      });
      expect(lines.join("\n")).not.toMatch(/secret|hunter2/);
      expect(lines.join("\n")).toContain("ada");
    }
  });

  it("drops lines below its level", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "warn", format: "json", write: (l) => lines.push(l) });
    log.info("quiet");
    log.warn("loud");
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(["loud"]);
  });

  it("writes one line per entry: control characters in a message or a field are escaped", () => {
    for (const format of ["json", "pretty"] as const) {
      const lines: string[] = [];
      const log = createLogger({ level: "debug", format, write: (l) => lines.push(l) });
      const forged = "/x\ninfo  account connected userId=usr_victim\r\u2028";
      log.info(`start ${forged}`, { returnTo: forged, error: new Error(forged) });
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toMatch(/[\n\r\u2028]/);
      expect(lines[0]).toContain("account connected");
    }
  });
});
