import { type Clock, clockOf, withDeadline } from "@gumstack/runtime/core";
import {
  type ActivityEntry,
  type AskedKind,
  answerSchemas,
  type CredentialsAnswer,
  DEADLINE_HEADER,
  errorFromWire,
  INTERNAL_PATHS,
  PlatformRefusedError,
  runtimeHeaders,
} from "@gumstack/runtime/internal-api";

export interface PlatformClientOptions {
  platformUrl: string;
  serverId: string;
  runtimeSecret: string;
  clock?: Clock;
}

/**
 * A hosted server's one way to the platform: every call carries the server's id and runtime
 * secret, and every answer is read against the internal API's schemas before it is used. A
 * refusal comes back as the error class it was on the platform (CredentialsUnavailableError,
 * DeadlineExceededError naming the hop that gave up...), so tools see what they would see
 * standalone.
 */
export class PlatformClient {
  private readonly headers: Record<string, string>;
  private readonly clock: Clock;

  constructor(private readonly o: PlatformClientOptions) {
    this.headers = {
      "content-type": "application/json",
      ...runtimeHeaders(o.serverId, o.runtimeSecret),
    };
    this.clock = o.clock ?? clockOf();
  }

  /**
   * The credentials of the user whose request `context` is, by `deadline` (ms since the epoch):
   * past it, this gives up with DeadlineExceededError at "platform", and the platform, told the
   * deadline, will have given up a margin before.
   */
  credentials<K extends AskedKind>(
    kind: K,
    context: string,
    deadline: number,
  ): Promise<CredentialsAnswer<K>> {
    return withDeadline(this.clock, deadline, "platform", async (signal) => {
      const response = await fetch(`${this.o.platformUrl}${INTERNAL_PATHS.credentials}`, {
        method: "POST",
        headers: { ...this.headers, [DEADLINE_HEADER]: String(Math.floor(deadline)) },
        body: JSON.stringify({ kind, context }),
        signal,
      });
      const body: unknown = await response.json().catch(() => null);
      if (response.status !== 200) throw errorFromWire(response.status, body);
      const parsed = answerSchemas[kind].safeParse(body);
      if (!parsed.success) {
        throw new PlatformRefusedError(
          200,
          "malformed_answer",
          parsed.error.issues[0]?.message ?? "",
        );
      }
      return parsed.data as CredentialsAnswer<K>;
    });
  }

  /** Sends tool calls to the activity record; resolves with the platform's status. */
  async activity(entries: readonly ActivityEntry[], timeoutMs: number): Promise<number> {
    const response = await fetch(`${this.o.platformUrl}${INTERNAL_PATHS.activity}`, {
      method: "POST",
      headers: this.headers,
      body: JSON.stringify({ entries }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read to the end, so the connection can be used again.
    await response.arrayBuffer();
    return response.status;
  }
}
