import type { ClientRegistry, McpClient } from "../contracts.js";

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * A test double of our own ClientRegistry interface: the clients given, found by id, with the
 * contract's redirect rule (exact, or a loopback http URI on another port). The real registry
 * (clients/) has its own tests; these are the consent flow's.
 */
export function testClients(clients: readonly McpClient[]): ClientRegistry & {
  add(client: McpClient): void;
} {
  const byId = new Map(clients.map((client) => [client.clientId, client]));
  return {
    add: (client) => byId.set(client.clientId, client),
    find: async (clientId) =>
      byId.get(clientId) ?? {
        problem: "unknown_client",
        message: `client_id: ${clientId} is not a client of this server`,
      },
    redirectAllowed: (client, redirectUri) =>
      client.redirectUris.some((registered) => {
        if (registered === redirectUri) return true;
        const [a, b] = [URL.parse(registered), URL.parse(redirectUri)];
        if (!a || !b || a.protocol !== "http:" || !LOOPBACK.has(a.hostname)) return false;
        a.port = b.port;
        return a.href === b.href;
      }),
    // The consent flow never authenticates a client: the token endpoint does.
    authenticate: async () => false,
  };
}
