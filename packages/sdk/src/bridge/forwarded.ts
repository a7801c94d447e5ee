import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { CallContext } from "../context.js";

/** A client's request handed to the child, under the router's id. */
export interface Forwarded {
  /** The router's id: the child's id for it, and its progress token there. */
  readonly id: number;
  readonly method: string;
  /** The client's own progress token, given back on the child's progress notifications. */
  readonly progressToken: string | number | undefined;
  /** Who asked, and in which session (none for a request sent without one). */
  readonly call: CallContext | undefined;
}

/** The requests the child is serving now, oldest first. */
export class ForwardedRequests {
  private readonly byId = new Map<number, Forwarded>();

  add(request: Forwarded): void {
    this.byId.set(request.id, request);
  }

  get(id: RequestId): Forwarded | undefined {
    return typeof id === "number" ? this.byId.get(id) : undefined;
  }

  /** Removes the request (answered, cancelled): what it was, if it was still in flight. */
  take(id: RequestId): Forwarded | undefined {
    const request = this.get(id);
    if (request) this.byId.delete(request.id);
    return request;
  }

  /** The most recent request in flight that `fits`. */
  latest(fits: (request: Forwarded) => boolean = () => true): Forwarded | undefined {
    const all = [...this.byId.values()];
    for (let i = all.length - 1; i >= 0; i--) {
      const request = all[i] as Forwarded;
      if (fits(request)) return request;
    }
    return undefined;
  }

  /** Every request still in flight, forgotten. */
  takeAll(): Forwarded[] {
    const all = [...this.byId.values()];
    this.byId.clear();
    return all;
  }
}
