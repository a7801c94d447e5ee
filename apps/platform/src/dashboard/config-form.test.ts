import { describe, expect, it } from "vitest";
import {
  configOfValues,
  controlOf,
  showsBack,
  valuesOfConfig,
  valuesOfForm,
} from "./config-form.js";
import type { ShownConfig } from "./shapes.js";

const CURRENT: ShownConfig = {
  name: "github",
  kind: "stdio",
  description: "",
  auth: { type: "none", env: ["TOKEN"] },
  tools: { allow: [], deny: [], prefix: false },
  idleMinutes: 10,
  startSeconds: 120,
  maxProcesses: 20,
  command: "npx",
  args: ["-y", "server"],
  env: { LITERAL: { set: true }, TEMPLATED: "${TOKEN}", GONE: "x${TOKEN}" },
  cwd: null,
};

describe("the Configuration form's values", () => {
  it("round-trips the answer: a masked value is kept as masked, templates as they are", () => {
    expect(configOfValues(valuesOfConfig(CURRENT), CURRENT)).toEqual({
      name: "github",
      kind: "stdio",
      description: "",
      auth: { type: "none", env: ["TOKEN"] },
      tools: { allow: [], deny: [], prefix: false },
      idleMinutes: 10,
      startSeconds: 120,
      maxProcesses: 20,
      command: "npx",
      args: ["-y", "server"],
      env: { LITERAL: { set: true }, TEMPLATED: "${TOKEN}", GONE: "x${TOKEN}" },
    });
  });

  it("reads a posted form: removed rows, new rows, lines, numbers as typed", () => {
    const values = valuesOfForm({
      description: " d ",
      command: "node",
      args: "a\r\n\n  b  \n",
      cwd: "",
      "row-0-name": "LITERAL",
      "row-0-existing": "yes",
      "row-0-masked": "yes",
      "row-0-value": "",
      "row-1-name": "GONE",
      "row-1-existing": "yes",
      "row-1-remove": "yes",
      "row-2-name": " NEW ",
      "row-2-value": "v",
      "row-3-name": "",
      "row-3-value": "",
      deny: "get-sum\nx_*",
      prefix: "yes",
      idleMinutes: " 15 ",
      startSeconds: "soon",
      maxProcesses: "",
    });
    const config = configOfValues(values, CURRENT);
    expect(config).toMatchObject({
      description: "d",
      command: "node",
      args: ["a", "b"],
      env: { LITERAL: { set: true }, NEW: "v" },
      tools: { allow: [], deny: ["get-sum", "x_*"], prefix: true },
      idleMinutes: 15,
      startSeconds: "soon",
      maxProcesses: undefined,
    });
    expect(config).not.toHaveProperty("cwd");
    expect(controlOf("env.NEW", values)).toBe("row-2");
    expect(controlOf("env.GONE", values)).toBeUndefined();
    expect(controlOf("args[1]", values)).toBe("cfg-args");
    expect(controlOf("tools.deny[0]", values)).toBe("cfg-deny");
    expect(controlOf("startSeconds", values)).toBe("cfg-startSeconds");
    expect(controlOf("auth.env[0]", values)).toBeUndefined();
  });

  it("gives back a template after a refused save, never a literal", () => {
    expect(showsBack("env.A", "Bearer ${cred.token}")).toBe(true);
    expect(showsBack("env.A", "${cred.token")).toBe(true);
    expect(showsBack("env.A", "sk-live-123")).toBe(false);
    expect(showsBack("env.A", "$${NOT_A_REFERENCE}")).toBe(false);
  });
});
