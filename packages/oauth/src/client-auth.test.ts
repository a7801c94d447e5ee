import { describe, expect, it } from "vitest";
import { authenticateClient } from "./client-auth.js";

describe("authenticateClient", () => {
  it("uses HTTP Basic with form-encoded parts by default", () => {
    const { form, headers } = authenticateClient(
      { clientId: "a:b", clientSecret: "s p" },
      { x: "1" },
    );
    expect(form).toEqual({ x: "1" });
    const encoded = headers.authorization?.replace(/^Basic /, "") ?? "";
    expect(Buffer.from(encoded, "base64").toString()).toBe("a%3Ab:s+p");
  });

  it("puts the secret in the form for client_secret_post", () => {
    const result = authenticateClient(
      { clientId: "id", clientSecret: "s", clientAuth: "post" },
      {},
    );
    expect(result).toEqual({ form: { client_id: "id", client_secret: "s" }, headers: {} });
  });

  it("only names a public client", () => {
    expect(authenticateClient({ clientId: "id" }, {})).toEqual({
      form: { client_id: "id" },
      headers: {},
    });
  });
});
