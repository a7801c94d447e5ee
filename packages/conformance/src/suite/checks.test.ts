import { describe, expect, it } from "vitest";
import { type Check, lost, passing, problems, type Results, tally } from "./checks.js";

const check = (id: string, status: Check["status"], errorMessage?: string): Check => ({
  id,
  name: id,
  status,
  ...(errorMessage === undefined ? {} : { errorMessage }),
});

describe("reading the suite's checks", () => {
  const results: Results = new Map([
    ["ping", [check("ping", "SUCCESS")]],
    [
      "sse",
      [
        check("trace", "INFO"),
        // The same check made twice: it passes only if it passed both times.
        check("stream", "SUCCESS"),
        check("stream", "FAILURE", "stream 2 broke"),
        check("retry", "WARNING"),
      ],
    ],
  ]);

  it("counts passed, failed and warned checks, leaving the trace out", () => {
    expect(tally(results)).toEqual({ scenarios: 2, passed: 2, failed: 1, warnings: 1 });
  });

  it("calls a check passing only when every time it was made it passed", () => {
    expect([...passing(results)]).toEqual(["ping/ping"]);
  });

  it("lists what did not pass with the suite's message, or its details' when it has none", () => {
    const withDetails: Results = new Map([
      ["s", [{ ...check("session", "WARNING"), details: { message: "no session id" } }]],
    ]);
    expect(problems(results)).toEqual([
      "sse/stream FAILURE: stream 2 broke",
      "sse/retry WARNING: (no message)",
    ]);
    expect(problems(withDetails)).toEqual(["s/session WARNING: no session id"]);
  });

  it("names what passed on the baseline and not here, with the reason each scenario gave", () => {
    const baseline: Results = new Map([
      ["ping", [check("ping", "SUCCESS")]],
      ["ask", [check("asked", "SUCCESS"), check("answer-used", "SUCCESS")]],
      ["gone", [check("gone", "SUCCESS")]],
      ["sse", [check("retry", "WARNING")]],
    ]);
    const here: Results = new Map([
      ["ping", [check("ping", "SUCCESS")]],
      ["ask", [check("asked", "FAILURE", "no elicitation")]],
      ["sse", [check("retry", "WARNING")]],
    ]);
    expect(lost(baseline, here)).toEqual([
      "ask/asked FAILURE: no elicitation",
      "ask/answer-used: not checked (ask/asked FAILURE: no elicitation)",
      "gone/gone: not checked (the scenario did not run)",
    ]);
  });
});
