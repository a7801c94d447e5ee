import { request } from "node:http";
import { testDriver } from "@gumstack/db/testing";
import { textOf } from "@gumstack/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionIds } from "./session-ids.js";
import {
  connect,
  post,
  rawSession,
  type StreamingPlatform,
  streamingPlatform,
} from "./testing/streaming-platform.js";

// Short, so that a redeploy with a stream still open reaches its deadline soon.
const DRAIN_MS = 1_000;
const WAIT_MS = 20_000;

const tools = { id: 1, method: "tools/list" };

/** A session's GET stream, read raw: how it ended tells a clean end from a cut. */
function openStream(at: StreamingPlatform, session: string) {
  return new Promise<{ status: number; ended: Promise<"ended" | "cut"> }>((resolve, reject) => {
    const req = request(at.mcpUrl, {
      method: "GET",
      headers: {
        authorization: `Bearer ${at.adminKey}`,
        accept: "text/event-stream",
        "mcp-session-id": session,
      },
    });
    req.once("error", reject);
    req.once("response", (res) => {
      res.resume();
      const ended = new Promise<"ended" | "cut">((done) => {
        res.once("end", () => done("ended"));
        res.once("error", () => done("cut"));
        res.once("aborted", () => done("cut"));
      });
      resolve({ status: res.statusCode ?? 0, ended });
    });
    req.end();
  });
}

/**
 * Sessions are the gateway's own ids: bound to the user and server they were made for, and to
 * the deployment that holds them, which a redeploy replaces.
 */
describe(`MCP sessions at the gateway [${testDriver}]`, () => {
  let at: StreamingPlatform;

  beforeAll(async () => {
    at = await streamingPlatform({ drainTimeoutMs: DRAIN_MS });
  });
  afterAll(async () => {
    await at?.close();
  });

  it("answers 404 to a forged id, another user's id, and an id made for another server", async () => {
    const session = await rawSession(at);
    const ok = await post(at, tools, { session });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();

    // One character of the MAC changed; and the last one (its unused bits: the same bytes).
    const flip = (at: number) => {
      const swapped = session.at(at) === "A" ? "B" : "A";
      return `${session.slice(0, at)}${swapped}${session.slice(at).slice(1)}`;
    };
    const forged = flip(session.length - 10);
    const respelled = flip(session.length - 1);
    const [deploymentId, hostedId] = session.split(".") as [string, string];
    const elsewhere = new SessionIds(at.platform.services.vault).mint(
      { userId: at.admin.userId, serverId: "srv_aaaaaaaaaaaaaaaaaaaaaaaaaa" },
      { deploymentId, hostedId },
    );
    for (const [id, key] of [
      [forged, at.adminKey],
      [respelled, at.adminKey],
      [session, at.otherKey],
      [elsewhere, at.adminKey],
      ["not-a-session", at.adminKey],
    ] as const) {
      const refused = await post(at, tools, { session: id, key });
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ error: { message: /^Session not found/ } });
    }
    // The session itself is untouched by all that.
    const still = await post(at, tools, { session });
    expect(still.status).toBe(200);
    await still.arrayBuffer();
  });

  it("after a redeploy: the old session is 404, a new one works, and an open GET stream is ended at the drain's deadline", async () => {
    const { client, transport } = await connect(at);
    const old = transport.sessionId as string;
    const listening = await rawSession(at);
    const stream = await openStream(at, listening);
    expect(stream.status).toBe(200);
    const before = at.platform.services.runner.status(at.server.id)?.deploymentId;

    await at.redeploy();
    const after = at.platform.services.runner.status(at.server.id)?.deploymentId;
    expect(after).not.toBe(before);
    const gone = await post(at, tools, { session: old });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: { message: /redeployed/ } });
    await client.close();

    const { client: fresh, transport: renewed } = await connect(at);
    expect(renewed.sessionId?.startsWith(`${after}.`)).toBe(true);
    expect(textOf(await fresh.callTool({ name: "announce" }))).toBe("soon");
    await fresh.close();
    // Sessionless requests go to the new deployment too.
    const stateless = await post(at, tools, { accept: "application/json" });
    expect(stateless.status).toBe(200);
    await stateless.arrayBuffer();

    // The old process kept the stream past the redeploy; at the deadline the gateway ends it
    // cleanly (not cut mid-stream) and the old deployment stops.
    expect(await stream.ended).toBe("ended");
    const until = Date.now() + WAIT_MS;
    while (at.platform.services.runner.deployment(before as string)?.status !== "stopped") {
      if (Date.now() > until) throw new Error("the old deployment never stopped");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
