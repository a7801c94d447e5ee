import type {
  EventId,
  EventStore,
  StreamId,
} from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * A session's recent events, so a client whose stream dropped (or that the server told to poll)
 * gets what it missed when it comes back with `Last-Event-ID`. Bounded: the oldest events go
 * first, so a client away too long starts again rather than the process holding everything.
 */
export class MemoryEventStore implements EventStore {
  private next = 0;
  private readonly events = new Map<EventId, { streamId: StreamId; message: JSONRPCMessage }>();

  constructor(private readonly maxEvents = 1_000) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = `${++this.next}.${streamId}`;
    this.events.set(id, { streamId, message });
    if (this.events.size > this.maxEvents) {
      const oldest = this.events.keys().next();
      if (!oldest.done) this.events.delete(oldest.value);
    }
    return id;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.get(eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const last = this.events.get(lastEventId);
    if (!last) throw new Error("that event is no longer kept: start again");
    let after = false;
    for (const [id, event] of this.events) {
      if (after && event.streamId === last.streamId) await send(id, event.message);
      if (id === lastEventId) after = true;
    }
    return last.streamId;
  }
}
