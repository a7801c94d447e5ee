import type { Vault } from "@gumstack/vault";

const PURPOSE = "mcp-session";

/** Who a session id was minted for: a valid id used by anyone else is as unknown as a forged one. */
export interface SessionOwner {
  userId: string;
  serverId: string;
}

/** What a gateway session id says: the deployment that holds it and its id there. */
export interface HostedSession {
  deploymentId: string;
  hostedId: string;
}

/**
 * One spelling per id: base64url's last character carries unused bits, so several strings decode
 * to the same MAC. Only the one the gateway minted is accepted.
 */
function canonical(signature: string): boolean {
  const tag = signature.slice(signature.indexOf(".") + 1);
  return Buffer.from(tag, "base64url").toString("base64url") === tag;
}

const signed = (owner: SessionOwner, session: HostedSession) =>
  `${owner.userId}\n${owner.serverId}\n${session.deploymentId}\n${session.hostedId}`;

/**
 * The `Mcp-Session-Id` a client sees: `<deployment>.<hosted id>.<MAC>`. The hosted process's own
 * id never reaches the client bare: the MAC (under the vault's key, bound to the user and the
 * server) means an id cannot be forged, nor used by another user or against another server, and
 * the deployment in it routes each request of the session to the process that holds it (any
 * platform instance can read it: nothing is kept in memory here).
 */
export class SessionIds {
  constructor(private readonly vault: Vault) {}

  mint(owner: SessionOwner, session: HostedSession): string {
    return `${session.deploymentId}.${session.hostedId}.${this.vault.sign(PURPOSE, signed(owner, session))}`;
  }

  /** The session an id names, or undefined when it is not one this owner was given. */
  open(owner: SessionOwner, id: string): HostedSession | undefined {
    const first = id.indexOf(".");
    const second = first === -1 ? -1 : id.indexOf(".", first + 1);
    if (second === -1) return undefined;
    const session = { deploymentId: id.slice(0, first), hostedId: id.slice(first + 1, second) };
    const signature = id.slice(second + 1);
    return canonical(signature) && this.vault.verify(PURPOSE, signed(owner, session), signature)
      ? session
      : undefined;
  }
}
