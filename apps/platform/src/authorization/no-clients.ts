import type { ClientRegistry } from "./contracts.js";

// replaced at merge by the clients work: until the registry lands, no client_id is known, so
// every authorization request ends on the "unknown client" page.
export const noClients: ClientRegistry = {
  find: async (clientId) => ({
    problem: "unknown_client",
    message: `client_id: ${clientId} is not a client of this server`,
  }),
  redirectAllowed: () => false,
  authenticate: async () => false,
};
