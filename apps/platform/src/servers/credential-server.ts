import type { CredentialServer } from "@gumstack/broker";
import type { Services } from "../env.js";
import { ApiError } from "../errors.js";
import type { ServerRow } from "./owned-server.js";

/**
 * A hosted server as the credential resolver needs it: its auth type, from its row (the one
 * home of the type), with the details its newest deployment recorded: a cred server's fields,
 * an oauth server's provider.
 */
export async function credentialServerOf(
  services: Pick<Services, "deployed">,
  server: ServerRow,
): Promise<CredentialServer> {
  const { id, name } = server;
  if (server.authType === "none") return { id, name, auth: { type: "none" } };
  const deployed = await services.deployed.of(server.id);
  if (server.authType === "cred" && deployed?.config) {
    return { id, name, auth: { type: "cred", fields: deployed.config.fields } };
  }
  if (server.authType === "oauth" && deployed?.provider) {
    return { id, name, auth: { type: "oauth", provider: deployed.provider.name } };
  }
  throw new ApiError(
    "unavailable",
    `${name} has no successful deployment yet; try again once it runs`,
  );
}
