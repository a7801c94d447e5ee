import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { CallContext } from "../context.js";

/** A client's request handed to the server, under the router's id. */
export interface Forwarded {
  /** The router's id: the server's id for it, and its progress token there. */
  readonly id: number;
  readonly method: string;
  /** The client's own progress token, given back on the server's progress notifications. */
  readonly progressToken: string | number | undefined;
  /** Who asked, and in which session (none for a request sent without one). */
  readonly call: CallContext | undefined;
  /** Sent again on a new upstream session after the first one expired (at most once). */
  resent?: boolean;
}

/** How long a forwarded request may go unanswered, and who is told when one did. */
export interface Deadline {
  ms: number;
  /** Called with the request already taken out: it is no longer in flight. */
  expired(request: Forwarded): void;
}

/** The requests the server is serving now, oldest first. */
export class ForwardedRequests {
  private readonly byId = new Map<number, Forwarded>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  /** `deadline`: each request's own (a remote server's `timeoutSeconds`); none for a child. */
  constructor(private readonly deadline?: Deadline) {}

  add(request: Forwarded): void {
    this.byId.set(request.id, request);
    const { deadline } = this;
    if (!deadline) return;
    const timer = setTimeout(() => {
      if (this.take(request.id)) deadline.expired(request);
    }, deadline.ms);
    // The bridge's server keeps the process alive; a pending deadline alone should not.
    timer.unref();
    this.timers.set(request.id, timer);
  }

  get(id: RequestId): Forwarded | undefined {
    return typeof id === "number" ? this.byId.get(id) : undefined;
  }

  /** Removes the request (answered, cancelled): what it was, if it was still in flight. */
  take(id: RequestId): Forwarded | undefined {
    const request = this.get(id);
    if (!request) return undefined;
    this.byId.delete(request.id);
    clearTimeout(this.timers.get(request.id));
    this.timers.delete(request.id);
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
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.byId.clear();
    this.timers.clear();
    return all;
  }
}
