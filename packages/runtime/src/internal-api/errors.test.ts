import { describe, expect, it } from "vitest";
import {
  AuthTypeMismatchError,
  CredentialsUnavailableError,
  UnknownUserError,
} from "../credential-errors.js";
import { DeadlineExceededError } from "../deadline.js";
import {
  errorBodySchema,
  errorFromWire,
  internalErrorStatus,
  PlatformRefusedError,
  wireErrorOf,
} from "./errors.js";

/** As the platform sends a failure and the hosted process reads it: through JSON. */
function across(error: Error): Error {
  const wire = wireErrorOf(error);
  if (!wire) throw new Error(`${error.name} has no code on the wire`);
  const body = JSON.parse(JSON.stringify({ error: { ...wire, requestId: "req_1" } }));
  expect(errorBodySchema.safeParse(body).success).toBe(true);
  return errorFromWire(internalErrorStatus[wire.code], body);
}

describe("the internal API's failures", () => {
  it("cross the wire as the class they were thrown as, message and hop kept", () => {
    for (const error of [
      new CredentialsUnavailableError("the oidc token cannot be refreshed now; try again"),
      UnknownUserError.of("usr_gone"),
      AuthTypeMismatchError.of("crm", "cred", "oauth"),
      new DeadlineExceededError("provider"),
    ]) {
      const again = across(error);
      expect(again).toBeInstanceOf(error.constructor);
      expect(again.message).toBe(error.message);
    }
    expect(across(new DeadlineExceededError("refresh"))).toMatchObject({ hop: "refresh" });
  });

  it("answer each with its one status", () => {
    expect(wireErrorOf(new CredentialsUnavailableError("x"))?.code).toBe("unavailable");
    expect(internalErrorStatus.unavailable).toBe(503);
    expect(internalErrorStatus.deadline_exceeded).toBe(504);
    expect(internalErrorStatus.user_gone).toBe(410);
    expect(internalErrorStatus.auth_type_mismatch).toBe(409);
    expect(wireErrorOf(new Error("anything else"))).toBeUndefined();
  });

  it("turn any other refusal, or an answer of no known shape, into PlatformRefusedError", () => {
    const refused = errorFromWire(403, {
      error: { code: "context_invalid", message: "context: expired" },
    });
    expect(refused).toBeInstanceOf(PlatformRefusedError);
    expect(refused.message).toBe("the platform refused (403 context_invalid): context: expired");
    expect(errorFromWire(502, "<html>bad gateway</html>")).toMatchObject({
      status: 502,
      code: "no_error_body",
    });
  });
});
