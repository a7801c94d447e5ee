import { describe, expect, it } from "vitest";
import { Template, TemplateError, type Values } from "./templates.js";

const values: Values = {
  env: { MCP_API_KEY: "op-key", REGION: "eu" },
  cred: { api_key: "user-key", api_secret: "s${cred.api_key}" },
  oauth: { accessToken: "gho_token", extras: { team_id: "T123" } },
};
const known = {
  env: new Set(["MCP_API_KEY", "REGION"]),
  cred: new Set(["api_key", "api_secret"]),
  oauth: true,
};
const expand = (text: string, from: Values = values) =>
  Template.parse("headers.X", text).expand(from);

describe("Template", () => {
  it("expands each source: operator variables, cred fields, the OAuth token and its extras", () => {
    expect(expand("Bearer ${MCP_API_KEY}")).toBe("Bearer op-key");
    expect(expand("${cred.api_key}:${REGION}")).toBe("user-key:eu");
    expect(expand("token ${oauth.access_token} team=${oauth.extras.team_id}")).toBe(
      "token gho_token team=T123",
    );
    expect(expand("no references, a lone $ and $HOME")).toBe("no references, a lone $ and $HOME");
    expect(expand("${ REGION }")).toBe("eu");
  });

  it("escapes $${ as a literal ${, and never expands a value that contains ${ itself", () => {
    expect(expand("$${REGION} is ${REGION}")).toBe("${REGION} is eu");
    // Only "$${" is an escape: the first "$" of "$$${" is a character, then "$${" is one.
    expect(expand("$$${REGION}")).toBe("$${REGION}");
    expect(expand("${cred.api_secret}")).toBe("s${cred.api_key}");
  });

  it("says whether the value depends on the caller", () => {
    expect(Template.parse("f", "${REGION}").perUser).toBe(false);
    expect(Template.parse("f", "x").perUser).toBe(false);
    expect(Template.parse("f", "${REGION}${cred.api_key}").perUser).toBe(true);
    expect(Template.parse("f", "${oauth.extras.team_id}").perUser).toBe(true);
  });

  it("names each unknown reference, and OAuth values on a server that is not oauth", () => {
    const template = Template.parse("env.TOKEN", "${NOPE}-${cred.missing}-${oauth.access_token}");
    expect(template.unknown(known)).toEqual([
      "${NOPE} is not one of the server's variables",
      "${cred.missing} is not one of the server's cred fields",
    ]);
    expect(template.unknown({ ...known, oauth: false })).toContain(
      "${oauth.…} needs the server's auth mode to be oauth",
    );
  });

  it.each([
    ["${REGION", /env\.X: "\$\{" at character 1 is not closed/],
    ["${GUMSTACK_SECRET}", /reserved/],
    ["${gumloop_x}", /reserved/],
    ["${1ABC}", /not a variable name/],
    ["${}", /not a variable name/],
    ["${cred.}", /not a cred field name/],
    ["${oauth.refresh_token}", /an OAuth value is/],
    ["${vault.key}", /a name is a variable, cred\.<field> or oauth\.<value>/],
  ])("refuses %s, naming the field", (text, message) => {
    expect(() => Template.parse("env.X", text)).toThrow(TemplateError);
    expect(() => Template.parse("env.X", text)).toThrow(message);
  });

  it("refuses to expand a reference the caller has no value for, without any value in the message", () => {
    const template = Template.parse("args[2]", "${cred.api_key} ${MCP_API_KEY}");
    let error: unknown;
    try {
      template.expand({ env: { MCP_API_KEY: "op-key" } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toBe("args[2]: ${cred.api_key} has no value for this caller");
    expect((error as Error).message).not.toContain("op-key");
  });
});
