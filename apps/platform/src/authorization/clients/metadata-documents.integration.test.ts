import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase, type TestDatabase } from "@gumstack/db/testing";
import { createLogger } from "@gumstack/log";
import { ManualClock } from "@gumstack/runtime/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ClientRegistry, McpClient } from "../contracts.js";
import type { Resolve } from "./fetch-document.js";
import { createClientRegistry } from "./registry.js";

/** A loopback site serving metadata documents; each path's handler, and who asked for what. */
function documentSite() {
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const hits: Array<{ path: string; host: string | undefined; accept: string | undefined }> = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    hits.push({ path: req.url ?? "", host: req.headers.host, accept: req.headers.accept });
    const route = routes.get(req.url ?? "");
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  let origin = "";
  return {
    routes,
    hits,
    held,
    hitsOf: (path: string) => hits.filter((hit) => hit.path === path).length,
    url: (path: string) => `${origin}${path}`,
    async listen(host = "127.0.0.1") {
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      origin = `http://${host}:${(server.address() as AddressInfo).port}`;
    },
    /** Serves `document` (a value, or its text) at `path` with these headers. */
    serve(path: string, document: unknown, headers: Record<string, string> = {}) {
      routes.set(path, (_req, res) => {
        const body = typeof document === "string" ? document : JSON.stringify(document);
        res.writeHead(200, { "content-type": "application/json", ...headers }).end(body);
      });
    },
    close() {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const noLog = createLogger({ level: "error", format: "json", write: () => {} });

describe("Client ID Metadata Documents", () => {
  const site = documentSite();
  let database: TestDatabase;
  let clock: ManualClock;
  let registry: ClientRegistry;

  const registryWith = (allowPrivateClients: boolean, resolve?: Resolve) =>
    createClientRegistry({
      db: database.db,
      clock,
      log: noLog,
      allowPrivateClients,
      ...(resolve ? { documents: { resolve } } : {}),
    });
  const documentAt = (path: string, extra: Record<string, unknown> = {}) => ({
    client_id: site.url(path),
    client_name: "Example Desktop",
    redirect_uris: ["http://127.0.0.1:33418/", "https://app.example/callback"],
    ...extra,
  });
  const find = async (path: string, from = registry) => from.find(site.url(path));

  beforeAll(async () => {
    database = await createTestDatabase();
    await site.listen();
  });
  afterAll(async () => {
    await site.close();
    await database.close();
  });
  beforeEach(() => {
    clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    // The development switch: the site is on loopback, the only network tests have.
    registry = registryWith(true);
  });
  afterEach(() => {
    site.routes.clear();
    site.hits.length = 0;
  });

  it("fetches the document and takes the client from it", async () => {
    site.serve(
      "/client.json",
      documentAt("/client.json", { logo_uri: "https://app.example/l.png" }),
    );
    const client = (await find("/client.json")) as McpClient;
    expect(client).toEqual({
      clientId: site.url("/client.json"),
      kind: "metadata-document",
      name: "Example Desktop",
      redirectUris: ["http://127.0.0.1:33418/", "https://app.example/callback"],
      tokenEndpointAuthMethod: "none",
      logoUri: "https://app.example/l.png",
    });
    expect(site.hits).toEqual([
      { path: "/client.json", host: new URL(site.url("/")).host, accept: "application/json" },
    ]);
    expect(registry.redirectAllowed(client, "http://127.0.0.1:52001/")).toBe(true);
    expect(registry.redirectAllowed(client, "https://evil.example/callback")).toBe(false);
    expect(await registry.authenticate(client, undefined)).toBe(true);
    expect(await registry.authenticate(client, "a-secret-it-never-had")).toBe(false);
  });

  it.each([
    [
      "a client_id other than its URL",
      { client_id: "https://other.example/client.json" },
      /client_id: must be the document's own URL exactly/,
    ],
    [
      "no client_id",
      { client_id: undefined },
      /client_id: must be the document's own URL exactly, not null/,
    ],
    [
      "a javascript: redirect URI",
      { redirect_uris: ["javascript:alert(1)"] },
      /redirect_uris\.0: must not use the javascript: scheme/,
    ],
    ["no redirect URIs", { redirect_uris: [] }, /redirect_uris: must list at least one/],
    ["no name", { client_name: undefined }, /client_name: required/],
    [
      "private_key_jwt",
      { token_endpoint_auth_method: "private_key_jwt" },
      /token_endpoint_auth_method: private_key_jwt is not supported/,
    ],
    [
      "a secret-based method",
      { token_endpoint_auth_method: "client_secret_basic" },
      /token_endpoint_auth_method: must be none here/,
    ],
    [
      "an http logo",
      { logo_uri: "http://app.example/logo.png" },
      /logo_uri: must be an https:\/\/ URL/,
    ],
  ])("refuses a document with %s", async (_, extra, message) => {
    site.serve("/bad.json", documentAt("/bad.json", extra));
    expect(await find("/bad.json")).toEqual({
      problem: "invalid_client_metadata",
      message: expect.stringMatching(message),
    });
  });

  it("refuses a body that is not a JSON object", async () => {
    site.serve("/text.json", "<html>hello</html>");
    site.serve("/array.json", "[1,2]");
    expect(await find("/text.json")).toMatchObject({ message: /is not valid: it is not JSON/ });
    expect(await find("/array.json")).toMatchObject({ message: /not a JSON object/ });
  });

  it("refuses a document past 5 KiB, declared or streamed, without reading it all", async () => {
    const padding = "x".repeat(6 * 1024);
    site.serve("/big.json", documentAt("/big.json", { padding }));
    site.routes.set("/chunked.json", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(JSON.stringify(documentAt("/chunked.json")).slice(0, -1));
      // Chunked, no length: counted as it arrives.
      res.end(`,"padding":"${padding}"}`);
    });
    for (const path of ["/big.json", "/chunked.json"]) {
      expect(await find(path)).toEqual({
        problem: "invalid_client_metadata",
        message: `the client's metadata document ${site.url(path)} is larger than 5120 bytes`,
      });
    }
  });

  it("gives up on a document that takes longer than 3 s", async () => {
    site.routes.set("/slow.json", (_req, res) => site.held.push(res));
    const lookup = find("/slow.json");
    // The fetch's timer is on the registry's clock: moved, not waited for.
    for (let round = 0; round < 100 && clock.pending().length === 0; round++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await clock.advance(3_000);
    expect(await lookup).toEqual({
      problem: "client_metadata_unreachable",
      message: `the client's metadata document ${site.url("/slow.json")} took longer than 3 s to answer`,
    });
  });

  it("does not follow a redirect", async () => {
    site.serve("/elsewhere.json", documentAt("/redirect.json"));
    site.routes.set("/redirect.json", (_req, res) =>
      res.writeHead(302, { location: site.url("/elsewhere.json") }).end(),
    );
    expect(await find("/redirect.json")).toEqual({
      problem: "client_metadata_unreachable",
      message: `the client's metadata document ${site.url("/redirect.json")} answered a redirect (302), which is not followed`,
    });
    expect(site.hitsOf("/elsewhere.json")).toBe(0);
  });

  it("says so when the document is not there", async () => {
    expect(await find("/missing.json")).toEqual({
      problem: "client_metadata_unreachable",
      message: `the client's metadata document ${site.url("/missing.json")} answered 404, not 200`,
    });
  });

  it("without the switch, fetches nothing from loopback or private addresses", async () => {
    const strict = registryWith(false);
    site.serve("/client.json", documentAt("/client.json"));
    // Over http it is not a document URL at all; over https, its address is refused.
    expect(await find("/client.json", strict)).toEqual({
      problem: "unknown_client",
      message: "client_id: a URL client_id must be an https:// metadata document URL",
    });
    const port = new URL(site.url("/")).port;
    for (const [host, range] of [
      ["127.0.0.1", "loopback"],
      ["[::1]", "loopback"],
      ["10.0.0.1", "private"],
      ["169.254.169.254", "link-local"],
      ["[::ffff:7f00:1]", "loopback"],
      ["0.0.0.0", "unspecified"],
    ]) {
      expect(await strict.find(`https://${host}:${port}/client.json`)).toEqual({
        problem: "client_metadata_unreachable",
        message: expect.stringMatching(new RegExp(`is at .*, a ${range} `)),
      });
    }
    expect(site.hits).toEqual([]);
  });

  it("checks every address a name resolves to, before connecting to any", async () => {
    const asked: string[] = [];
    const resolver =
      (...addresses: string[]): Resolve =>
      async (hostname) => {
        asked.push(hostname);
        return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
      };
    const metadataService = registryWith(false, resolver("169.254.169.254"));
    expect(await metadataService.find("https://docs.example/client.json")).toEqual({
      problem: "client_metadata_unreachable",
      message:
        "the client's metadata document https://docs.example/client.json cannot be fetched: its host docs.example is at 169.254.169.254, a link-local (169.254.0.0/16) address",
    });
    // One public answer does not make a private one safe: which one is dialled is not ours.
    const mixed = registryWith(false, resolver("93.184.216.34", "10.0.0.7"));
    expect(await mixed.find("https://mixed.example/client.json")).toMatchObject({
      problem: "client_metadata_unreachable",
      message: expect.stringMatching(/is at 10\.0\.0\.7, a private/),
    });
    const unique = registryWith(false, resolver("fd00::5"));
    expect(await unique.find("https://v6.example/client.json")).toMatchObject({
      message: expect.stringMatching(/is at fd00::5, a unique local/),
    });
    expect(asked).toEqual(["docs.example", "mixed.example", "v6.example"]);
  });

  it("connects to the address it resolved and checked, not to a second answer (rebinding)", async () => {
    // A site on 127.0.0.3, which only our resolver names: the system's `localhost` (127.0.0.1
    // or ::1) has nothing on its port, so a fetch that resolved again would fail.
    const elsewhere = documentSite();
    await elsewhere.listen("127.0.0.3");
    try {
      const port = new URL(elsewhere.url("/")).port;
      const url = `http://localhost:${port}/rebind.json`;
      elsewhere.serve("/rebind.json", { ...documentAt("/rebind.json"), client_id: url });
      let lookups = 0;
      const rebinding: Resolve = async () => {
        lookups++;
        return [{ address: lookups === 1 ? "127.0.0.3" : "127.0.0.2", family: 4 }];
      };
      const client = await registryWith(true, rebinding).find(url);
      expect(client).toMatchObject({ clientId: url, name: "Example Desktop" });
      expect(lookups).toBe(1);
      // The URL's host went along as the Host header (and would be TLS's server name).
      expect(elsewhere.hits).toEqual([
        { path: "/rebind.json", host: `localhost:${port}`, accept: "application/json" },
      ]);
    } finally {
      await elsewhere.close();
    }
  });

  it("keeps a document for its max-age, within 1 minute and 24 hours, 10 minutes by default", async () => {
    site.serve("/default.json", documentAt("/default.json"));
    site.serve("/short.json", documentAt("/short.json"), { "cache-control": "max-age=5" });
    site.serve("/two.json", documentAt("/two.json"), { "cache-control": "public, max-age=120" });
    site.serve("/week.json", documentAt("/week.json"), { "cache-control": "max-age=604800" });
    site.serve("/none.json", documentAt("/none.json"), { "cache-control": "no-store" });
    const paths = ["/default.json", "/short.json", "/two.json", "/week.json", "/none.json"];
    const fetchAll = async () => {
      for (const path of paths) expect(await find(path)).toHaveProperty("clientId");
    };
    const counts = () => paths.map((path) => site.hitsOf(path));
    await fetchAll();
    await fetchAll();
    expect(counts()).toEqual([1, 1, 1, 1, 1]);
    await clock.advance(59_000);
    await fetchAll();
    expect(counts()).toEqual([1, 1, 1, 1, 1]);
    await clock.advance(2_000); // 61 s: past the one-minute floor
    await fetchAll();
    expect(counts()).toEqual([1, 2, 1, 1, 2]);
    await clock.advance(60_000); // 121 s
    await fetchAll();
    expect(counts()).toEqual([1, 3, 2, 1, 3]);
    await clock.advance(10 * 60_000); // past 10 minutes since the first fetch
    await fetchAll();
    expect(counts()[0]).toBe(2);
    await clock.advance(24 * 60 * 60_000); // a day: even a week's max-age is cut to one
    await fetchAll();
    expect(counts()[3]).toBe(2);
  });

  it("does not keep a failure: the next lookup fetches again", async () => {
    let answers = 0;
    site.routes.set("/flaky.json", (_req, res) => {
      answers++;
      if (answers === 1) res.writeHead(503).end();
      else res.writeHead(200).end(JSON.stringify(documentAt("/flaky.json")));
    });
    site.serve(
      "/mismatch.json",
      documentAt("/mismatch.json", { client_id: "https://x.example/y" }),
    );
    expect(await find("/flaky.json")).toMatchObject({ problem: "client_metadata_unreachable" });
    expect(await find("/flaky.json")).toMatchObject({ clientId: site.url("/flaky.json") });
    expect(await find("/mismatch.json")).toMatchObject({ problem: "invalid_client_metadata" });
    site.serve("/mismatch.json", documentAt("/mismatch.json"));
    expect(await find("/mismatch.json")).toMatchObject({ clientId: site.url("/mismatch.json") });
    expect(site.hitsOf("/flaky.json")).toBe(2);
    expect(site.hitsOf("/mismatch.json")).toBe(2);
  });

  it("shares one fetch between concurrent lookups of the same URL", async () => {
    site.routes.set("/shared.json", (_req, res) => site.held.push(res));
    const lookups = Array.from({ length: 5 }, () => find("/shared.json"));
    for (let round = 0; round < 100 && site.held.length === 0; round++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    site.held
      .shift()
      ?.writeHead(200)
      .end(JSON.stringify(documentAt("/shared.json")));
    const clients = await Promise.all(lookups);
    expect(new Set(clients.map((client) => JSON.stringify(client))).size).toBe(1);
    expect(clients[0]).toHaveProperty("clientId", site.url("/shared.json"));
    expect(site.hitsOf("/shared.json")).toBe(1);
  });

  it.each([
    ["https://app.example", "must have a path"],
    ["https://app.example/", "must have a path"],
    ["https://app.example/client.json#x", "normal form"],
    ["https://user@app.example/client.json", "normal form"],
    ["https://app.example/a/../client.json", "normal form"],
    ["HTTPS://app.example/client.json", "normal form"],
    // The URL parser reads these as 127.0.0.1 and ::ffff:7f00:1: not in their normal form.
    ["https://2130706433/client.json", "normal form"],
    ["https://[::ffff:127.0.0.1]/client.json", "normal form"],
    ["ftp://app.example/client.json", "must be an https:// metadata document URL"],
  ])("does not take %s for a document URL", async (clientId, message) => {
    expect(await registry.find(clientId)).toEqual({
      problem: "unknown_client",
      message: expect.stringContaining(message),
    });
  });
});
