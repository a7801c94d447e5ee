// The two ways to the same tool call: through the platform's gateway, and straight to the hosted
// process with a context signed here as the gateway signs one. Each is checked before any load.
import { randomUUID } from "node:crypto";
import { CONTEXT_HEADER, mintContext } from "@gumstack/runtime";
import type { Target } from "../shared/load.js";
import { MCP_HEADERS, toolCall } from "../shared/mcp-request.js";

export { PROTOCOL_VERSION } from "../shared/mcp-request.js";

import type { FloorsReady, GatewayReady } from "./ready.js";

export const EXPECTED_TEXT = "Forecast for Oslo: 18° metric (API key missing: set WEATHER_API_KEY)";
const BODY = toolCall("forecast", { city: "Oslo" });
const CHECK_TIMEOUT_MS = 10_000;

export type Route = "direct" | "gateway" | Floor;
/** The relays that measure what relaying costs before any of the gateway's work (floors.ts). */
export type Floor = "node relay" | "byte pipe";
export const FLOORS: readonly Floor[] = ["node relay", "byte pipe"];

/**
 * How the client asks: JSON only (the reply comes as one JSON body), or accepting both as the
 * SDK's client does (the hosted process answers with an SSE stream: the event, then its end).
 */
export type Mode = "JSON" | "SSE";
export const MODES: readonly Mode[] = ["JSON", "SSE"];
const ACCEPT: Record<Mode, string> = {
  JSON: "application/json",
  SSE: MCP_HEADERS.accept,
};

/** The targets, with `expectBody` still empty: `checkRoutes` fills it in. */
export function routesTo(ready: GatewayReady, mode: Mode): Record<"direct" | "gateway", Target> {
  const headers = { ...MCP_HEADERS, accept: ACCEPT[mode] };
  // A fresh context per request, as the gateway mints one per request (each lives a minute).
  const context = () => ({
    [CONTEXT_HEADER]: mintContext(
      ready.runtimeSecret,
      { userId: ready.userId, serverId: ready.serverId, requestId: randomUUID() },
      Date.now(),
    ),
  });
  return {
    direct: {
      name: "direct",
      url: ready.directUrl,
      body: BODY,
      headers,
      perRequest: context,
      expectBody: "",
    },
    gateway: {
      name: "gateway",
      url: ready.gatewayUrl,
      body: BODY,
      headers: { ...headers, authorization: `Bearer ${ready.apiKey}` },
      expectBody: "",
    },
  };
}

/**
 * One call each way must answer the forecast, and both the same reply, which every reply under
 * load must then be; a call without a key or context must get 401 (both ways check the caller).
 */
export async function checkRoutes(
  routes: Record<"direct" | "gateway", Target>,
  mode: Mode,
): Promise<void> {
  for (const target of Object.values(routes)) {
    target.expectBody = await answer(target, mode);
    await refusesAnonymous(target);
  }
  if (routes.direct.expectBody !== routes.gateway.expectBody) {
    throw new Error(
      `the gateway's reply differs from the direct one:\n${routes.gateway.expectBody}\n${routes.direct.expectBody}`,
    );
  }
}

const post = (target: Target, headers: Record<string, string>) =>
  fetch(target.url, {
    method: "POST",
    headers,
    body: target.body,
    signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
  });

async function answer(target: Target, mode: Mode): Promise<string> {
  const response = await post(target, { ...target.headers, ...target.perRequest?.() });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`${target.name}: the check call got ${response.status}: ${text.slice(0, 500)}`);
  }
  const type = response.headers.get("content-type") ?? "";
  const wanted = mode === "SSE" ? "text/event-stream" : "application/json";
  if (!type.startsWith(wanted)) {
    throw new Error(`${target.name}: ${mode} mode got ${type}, not ${wanted}`);
  }
  if (toolText(JSON.parse(mode === "SSE" ? lastEvent(text) : text)) !== EXPECTED_TEXT) {
    throw new Error(`${target.name}: the check call got another answer: ${text.slice(0, 500)}`);
  }
  return text;
}

/** The data of an SSE stream's last event. */
function lastEvent(stream: string): string {
  const data = stream
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .at(-1);
  if (data === undefined) throw new Error(`no event in the stream: ${stream.slice(0, 500)}`);
  return data.slice("data: ".length);
}

async function refusesAnonymous(target: Target): Promise<void> {
  const { authorization: _, ...anonymous } = target.headers;
  const response = await post(target, anonymous);
  await response.arrayBuffer();
  if (response.status !== 401) {
    throw new Error(`${target.name}: a call without credentials got ${response.status}, not 401`);
  }
}

/** The text of the first content item of a tools/call result, or undefined. */
function toolText(reply: unknown): unknown {
  if (typeof reply !== "object" || reply === null) return undefined;
  const result = (reply as Record<string, unknown>).result;
  if (typeof result !== "object" || result === null) return undefined;
  const content = (result as Record<string, unknown>).content;
  if (!Array.isArray(content)) return undefined;
  const first: unknown = content[0];
  if (typeof first !== "object" || first === null) return undefined;
  return (first as Record<string, unknown>).text;
}

/**
 * The floors' targets: the direct route's request and checked reply (each passes the context
 * the bench signs on to the hosted process), sent through the floor's relay.
 */
export function floorRoutes(direct: Target, floors: FloorsReady): Record<Floor, Target> {
  return {
    "node relay": { ...direct, name: "node relay", url: floors.nodeRelayUrl },
    "byte pipe": { ...direct, name: "byte pipe", url: floors.bytePipeUrl },
  };
}
