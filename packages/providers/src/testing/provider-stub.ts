import { type RecordedRequest, startScriptedServer } from "@gumstack/oauth/testing";
import { afterEach } from "vitest";

/** One answer of the stub: a provider's documented response, or a hang (for timeouts). */
export type StubAnswer =
  | { status: number; body?: unknown; text?: string; headers?: Record<string, string> }
  | "hang";

/** Successive answers for one route; the last one repeats. */
export type StubRoute = StubAnswer | readonly StubAnswer[];

export interface ProviderStub {
  /** `http://127.0.0.1:<port>`, to pass as every base URL of the provider under test. */
  readonly url: string;
  /** The requests one route received, in order; `route` is "METHOD /path". */
  calls(route: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that replays a provider's documented answers by "METHOD /path" (the
 * query is ignored). A request no route names gets a 404 page that no provider code accepts.
 */
export async function startProviderStub(
  routes: Readonly<Record<string, StubRoute>>,
): Promise<ProviderStub> {
  const seen = new Map<string, RecordedRequest[]>();
  const server = await startScriptedServer((request, response) => {
    const route = `${request.method} ${new URL(request.path, "http://stub").pathname}`;
    const received = [...(seen.get(route) ?? []), request];
    seen.set(route, received);
    const script = routes[route];
    const answers: readonly StubAnswer[] = Array.isArray(script) ? script : script ? [script] : [];
    const answer = answers[Math.min(received.length, answers.length) - 1] ?? {
      status: 404,
      text: `no stub route for ${route}`,
      headers: { "content-type": "text/plain" },
    };
    if (answer === "hang") return;
    const json = answer.text === undefined;
    response.writeHead(answer.status, {
      "content-type": json ? "application/json" : "text/plain",
      ...answer.headers,
    });
    response.end(
      json ? (answer.body === undefined ? "" : JSON.stringify(answer.body)) : answer.text,
    );
  });
  return {
    url: server.url,
    calls: (route) => seen.get(route) ?? [],
    close: () => server.close(),
  };
}

/**
 * A provider under test on a stub of its own: `start(routes)` starts the stub (closing the one
 * before, if any) and builds the provider on its URL with `make`; the stub is closed after each
 * test; `calls` reads what the current stub received.
 */
export function onProviderStub<P>(make: (url: string) => P): {
  start(routes: Readonly<Record<string, StubRoute>>): Promise<P>;
  calls(route: string): RecordedRequest[];
} {
  let stub: ProviderStub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });
  return {
    async start(routes) {
      await stub?.close();
      stub = await startProviderStub(routes);
      return make(stub.url);
    },
    calls: (route) => stub?.calls(route) ?? [],
  };
}

/** A form body as a plain object, to compare with what a provider documents. */
export function formOf(request: RecordedRequest | undefined): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request?.body ?? ""));
}

/** The client credentials a Basic authorization header carries, decoded. */
export function basicOf(request: RecordedRequest | undefined): string | undefined {
  const header = request?.headers.authorization;
  if (typeof header !== "string" || !header.startsWith("Basic ")) return undefined;
  return Buffer.from(header.slice(6), "base64").toString("utf8");
}

/** Fast retries, so a test of a retried failure does not wait for real backoff. */
export const fastRetries = { backoff: { baseMs: 1, maxMs: 2 } } as const;
