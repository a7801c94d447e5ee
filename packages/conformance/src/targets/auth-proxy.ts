import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface AuthProxy {
  /** The proxy's own URL (its origin is what a browser page served from it would send). */
  readonly url: string;
  /** From now on, requests go to `upstream` carrying `Authorization: Bearer <apiKey>`. */
  point(upstream: string, apiKey: string): void;
  close(): Promise<void>;
}

/**
 * A loopback hop that adds the API key a Gumstack endpoint requires and passes everything else
 * through unchanged, both ways, as it arrives (no buffering: streams stay streams). The
 * conformance CLI cannot send headers of its own (it has no option for them), so this is the
 * client's one difference from an MCP client configured with a key.
 */
export async function startAuthProxy(): Promise<AuthProxy> {
  let target: { upstream: URL; authorization: string } | undefined;
  const server = createServer((req, res) => {
    if (!target) {
      res.writeHead(503).end("not pointed anywhere yet");
      return;
    }
    const { upstream, authorization } = target;
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        // The path the client asked for, under the upstream's.
        path: `${upstream.pathname.replace(/\/$/, "")}${req.url ?? ""}`,
        headers: { ...req.headers, authorization },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    forwarded.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502).end(`upstream: ${error.message}`);
      else res.destroy(error);
    });
    // The client hanging up is the upstream's news too (it cancels what was asked).
    res.on("close", () => {
      if (!res.writableFinished) forwarded.destroy();
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    point(upstream, apiKey) {
      target = { upstream: new URL(upstream), authorization: `Bearer ${apiKey}` };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
