import { testDriver } from "@gumstack/db/testing";
import { freePort } from "@gumstack/sdk/testing";
import {
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  refreshAuthorization,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestPlatform, testPlatform } from "../testing/api-client.js";
import { codeFor, REDIRECT_URI, seedClient, seedFlow } from "./testing/fixtures.js";

/**
 * The SDK's own client (`@modelcontextprotocol/sdk/client/auth.js`) against the token endpoint:
 * it picks its client authentication from our metadata (each of the three methods), exchanges
 * a code and refreshes. (The consent page that issues the code is another part's.)
 */
describe(`the SDK's token requests [${testDriver}]`, () => {
  let platform: TestPlatform;
  let url: string;
  let stop: () => Promise<void>;
  let servers = 0;

  beforeAll(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
    platform = await testPlatform({ publicUrl: url });
    stop = await platform.listen();
  });

  afterAll(async () => {
    await stop?.();
    await platform?.close();
  });

  for (const method of ["none", "client_secret_basic", "client_secret_post"] as const) {
    it(`exchanges a code and refreshes as a ${method} client`, async () => {
      const db = platform.database.db;
      const client = await seedClient(db, method);
      const flow = await seedFlow(db, url, `sdk-${++servers}`, client);
      const metadata = await discoverAuthorizationServerMetadata(url);
      if (!metadata) throw new Error("no authorization server metadata found");
      const clientInformation = {
        client_id: client.clientId,
        ...(client.secret === undefined ? {} : { client_secret: client.secret }),
        token_endpoint_auth_method: method,
      };
      const { code, verifier } = await codeFor(db, flow, platform.services.now());
      const tokens = await exchangeAuthorization(url, {
        metadata,
        clientInformation,
        authorizationCode: code,
        codeVerifier: verifier,
        redirectUri: REDIRECT_URI,
        resource: new URL(flow.resource),
      });
      expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "mcp" });
      const refreshed = await refreshAuthorization(url, {
        metadata,
        clientInformation,
        refreshToken: tokens.refresh_token as string,
        resource: new URL(flow.resource),
      });
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    });
  }
});
