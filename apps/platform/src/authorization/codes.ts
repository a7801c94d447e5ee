import { createHash, randomBytes } from "node:crypto";
import { type Database, type Id, mcpCodes, newId } from "@gumstack/db";

// replaced at merge by the tokens work: the minimal issuance the consent flow needs.
export async function issueCode(
  db: Database,
  code: {
    grantId: Id<"mcpGrant">;
    redirectUri: string;
    codeChallenge: string;
    resource: string;
    scopes: readonly string[];
  },
  now: number,
): Promise<string> {
  const text = randomBytes(32).toString("base64url");
  await db.insert(mcpCodes).values({
    id: newId("mcpCode"),
    codeHash: createHash("sha256").update(text).digest("hex"),
    grantId: code.grantId,
    redirectUri: code.redirectUri,
    codeChallenge: code.codeChallenge,
    resource: code.resource,
    scopes: [...code.scopes],
    expiresAt: new Date(now + 60_000),
  });
  return text;
}
