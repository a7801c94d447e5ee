import { describe, expect, it } from "vitest";
import { type CallContext, type CredentialSource, callContext } from "./context.js";
import { CredentialsContextError } from "./errors.js";
import { getCredentials } from "./get-credentials.js";

function call(authType: CredentialSource["authType"]): CallContext {
  const source: CredentialSource = {
    authType,
    oauth: async () => {
      throw new Error("not used");
    },
    cred: async () => ({ api_key: "k" }),
    env: () => ({ REGION: "eu" }),
  };
  return { userId: "usr_1", serverId: "srv_1", requestId: "r", source, handedOut: new Set() };
}

describe("getCredentials", () => {
  it("refuses to run outside a tool call, saying why", () => {
    expect(() => getCredentials("none")).toThrow(CredentialsContextError);
    expect(() => getCredentials()).toThrow(/called outside a tool call/);
  });

  it("is synchronous for none servers", () => {
    const env = callContext.run(call("none"), () => getCredentials("none"));
    expect(env).toEqual({ REGION: "eu" });
  });

  it("names the right call when the mode does not match the server's", () => {
    expect(() => callContext.run(call("cred"), () => getCredentials())).toThrow(
      /auth type is cred, so call getCredentials\("cred"\)/,
    );
    expect(() => callContext.run(call("oauth"), () => getCredentials("none"))).toThrow(
      /auth type is oauth, so call getCredentials\(\)/,
    );
  });
});
