import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadServerConfig, parseServerConfig } from "./config.js";
import { ServerConfigError } from "./errors.js";
import { isReservedName, variableNameProblem, withoutReserved } from "./names.js";

describe("reserved names", () => {
  it.each([
    "GUMSTACK_TOKEN",
    "gumstack_token",
    "GumStack_X",
    "GUMLOOP_KEY",
    "gumloop_key",
    "gUmLoOp_a",
  ])("refuses %s in any letter case, naming it and the rule", (name) => {
    expect(isReservedName(name)).toBe(true);
    expect(variableNameProblem(name)).toBe(
      `"${name}" is reserved: names starting with GUMSTACK_ or GUMLOOP_ (in any letter case) belong to the platform`,
    );
  });

  it.each(["GUMSTACK", "MY_GUMSTACK_KEY", "GUMLOOPX", "API_KEY", "_private"])(
    "accepts %s",
    (name) => {
      expect(variableNameProblem(name)).toBeNull();
    },
  );

  it.each(["1ABC", "A-B", "A B", ""])("refuses the invalid name %j", (name) => {
    expect(variableNameProblem(name)).toMatch(/is not a valid name/);
  });

  it("drops reserved variables from an environment", () => {
    expect(withoutReserved({ A: "1", GUMSTACK_PORT: "2", gumloop_x: "3", B: undefined })).toEqual({
      A: "1",
    });
  });
});

describe("server config", () => {
  it("fills defaults: fields are secret and required unless said otherwise", () => {
    const config = parseServerConfig({
      name: "crm",
      auth: { type: "cred", fields: [{ name: "api_key" }] },
    });
    expect(config.auth).toEqual({
      type: "cred",
      fields: [{ name: "api_key", secret: true, optional: false }],
    });
  });

  it.each([
    [
      { type: "cred", fields: [{ name: "GumStack_Token" }] },
      /auth\.fields\[0\]\.name: "GumStack_Token" is reserved/,
    ],
    [
      { type: "none", env: ["OK", "gumloop_secret"] },
      /auth\.env\[1\]: "gumloop_secret" is reserved/,
    ],
    [{ type: "cred", fields: [] }, /auth\.fields: a cred server declares at least one field/],
    [{ type: "cred", fields: [{ name: "a" }, { name: "a" }] }, /field names must be unique/],
    [{ type: "magic" }, /auth\.type/],
  ])("refuses %j naming the field", (auth, message) => {
    expect(() => parseServerConfig({ name: "x", auth })).toThrow(ServerConfigError);
    expect(() => parseServerConfig({ name: "x", auth })).toThrow(message);
  });

  it.each(["/etc/passwd.js", "../outside.ts", "src/server.py"])("refuses the entry %s", (entry) => {
    expect(() => parseServerConfig({ name: "x", entry, auth: { type: "none" } })).toThrow(
      /entry: must be a \.ts, \.js or \.mjs path inside/,
    );
  });

  it("refuses a name that is not URL-safe", () => {
    expect(() => parseServerConfig({ name: "My Server", auth: { type: "none" } })).toThrow(
      /name: use 1-63 lowercase/,
    );
  });

  it("reads gumstack.yaml and names the file in its errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "gumstack-config-"));
    const good = join(dir, "gumstack.yaml");
    writeFileSync(
      good,
      "name: linear\ndescription: Linear issues\nauth:\n  type: oauth\n  scopes: [read]\n",
    );
    expect(loadServerConfig(good)).toEqual({
      name: "linear",
      description: "Linear issues",
      entry: "src/server.ts",
      auth: { type: "oauth", scopes: ["read"] },
    });
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: x\nauth:\n  type: cred\n  fields:\n    - name: GUMSTACK_KEY\n");
    expect(() => loadServerConfig(bad)).toThrow(`${bad} is invalid`);
    expect(() => loadServerConfig(join(dir, "missing.yaml"))).toThrow(/cannot read/);
  });
});
