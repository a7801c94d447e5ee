import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScratchDatabase } from "@gumstack/db/testing";
import { createLogger, type Logger } from "@gumstack/log";
import { generateKeySpec } from "@gumstack/vault";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/** The environment a test host runs with: the suite's database, a free port, quiet logs. */
export async function hostEnvironment(extra: Record<string, string> = {}) {
  const scratch = await createScratchDatabase();
  const storage: Record<string, string> = scratch.url
    ? { DATABASE_URL: scratch.url, GUMSTACK_VAULT_KEYS: generateKeySpec("k1") }
    : { GUMSTACK_DATA_DIR: join(mkdtempSync(join(tmpdir(), "gumstack-host-")), "data") };
  return {
    env: { GUMSTACK_HOST: "127.0.0.1", GUMSTACK_PORT: "0", ...storage, ...extra },
    drop: scratch.drop,
  };
}

/** A logger that keeps every line, to check what was (and was not) logged. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    log: createLogger({ level: "debug", format: "json", write: (l) => lines.push(l) }),
    lines,
  };
}

/** The SDK's own client, over Streamable HTTP, with the user's API key. */
export async function connectClient(url: string, apiKey: string, path = "/mcp"): Promise<Client> {
  const client = new Client({ name: "gumstack-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}${path}`), {
      requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
    }),
  );
  return client;
}

/** The text of a tool result's first content block. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((c) => c.text ?? "").join("\n");
}

/** A port free right now, for a server whose URL must be known before it starts (a callback). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  // Below Linux's ephemeral range (32768+): a port the kernel hands out for listen(0) or an
  // outgoing connection is never this one, so it stays free until the test listens on it.
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await free(port)) return port;
  }
  throw new Error("no free port between 20000 and 32000 after 50 tries");
}

/** The Set-Cookie pairs of a response, as a Cookie header. */
export function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/**
 * A browser opening a standalone host's connect link: the page that names whose account it
 * connects, then that page's own Continue link, with the cookie the page set. Answers the
 * redirect to the provider, and every cookie the browser holds by then.
 */
export async function openConnectLink(
  link: string,
): Promise<{ start: Response; cookies: string; page: string }> {
  const first = await fetch(link, { redirect: "manual" });
  const page = await first.text();
  const href = /<a class="button" href="([^"]+)"/.exec(page)?.[1];
  if (first.status !== 200 || !href) throw new Error(`no confirm page at ${link}: ${page}`);
  const confirm = cookiesOf(first);
  const start = await fetch(new URL(href.replaceAll("&amp;", "&"), link), {
    headers: { cookie: confirm },
    redirect: "manual",
  });
  const cookies = [confirm, cookiesOf(start)].filter(Boolean).join("; ");
  return { start, cookies, page };
}
