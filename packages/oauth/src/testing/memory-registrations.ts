import type { ClientRegistrations, RegisteredClient } from "../mcp/registration.js";

export interface MemoryRegistrations extends ClientRegistrations {
  /** Every registration saved, in order, the replaced ones too. */
  readonly saved: readonly RegisteredClient[];
}

/** A registration store in a Map, as the platform's table would keep them: one per issuer. */
export function memoryRegistrations(
  initial: readonly RegisteredClient[] = [],
): MemoryRegistrations {
  const byIssuer = new Map(initial.map((client) => [client.issuer, { ...client }]));
  const saved: RegisteredClient[] = [];
  return {
    saved,
    async load(issuer) {
      const client = byIssuer.get(issuer);
      return client === undefined ? undefined : { ...client };
    },
    async save(client) {
      saved.push({ ...client });
      byIssuer.set(client.issuer, { ...client });
    },
  };
}
