import { envVars, servers, users } from "@gumstack/db";
import { findPlaintext, testDriver } from "@gumstack/db/testing";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SignedIn, type TestPlatform, testPlatform } from "./testing/api-client.js";

const SECRET = "sk_live_9f8e7d6c5b4a39281706";

describe(`environment variables [${testDriver}]`, () => {
  let platform: TestPlatform;
  let ada: SignedIn;
  let serverId: string;
  beforeEach(async () => {
    platform = await testPlatform();
    ada = await platform.signUp("ada@example.com");
    serverId = await platform.serverOf(ada, "weather");
  });
  afterEach(async () => platform.close());

  const put = (name: string, value: unknown) =>
    platform.call("PUT", `/api/servers/weather/env/${encodeURIComponent(name)}`, {
      as: ada,
      body: { value },
    });
  const list = async () =>
    (await (await platform.call("GET", "/api/servers/weather/env", { as: ada })).json()) as {
      variables: Array<{ name: string; preview: string; updatedAt: string }>;
    };
  const envVersion = async () =>
    (
      await platform.database.db
        .select()
        .from(servers)
        .where(eq(servers.id, serverId as never))
    )[0]?.envVersion;

  it("creates, replaces and deletes, showing only masked previews, values encrypted at rest", async () => {
    expect((await put("WEATHER_API_KEY", SECRET)).status).toBe(201);
    expect((await put("UNITS", "metric")).status).toBe(201);
    expect((await put("UNITS", "imperial")).status).toBe(200);
    const { variables } = await list();
    expect(variables.map((v) => [v.name, v.preview])).toEqual([
      ["UNITS", "••••"],
      ["WEATHER_API_KEY", "••••"],
    ]);
    expect(JSON.stringify(variables)).not.toContain(SECRET.slice(-4));
    expect(await findPlaintext(platform.database.db, [SECRET, "imperial"])).toEqual([]);
    expect(await envVersion()).toBe(3);

    expect(
      (await platform.call("DELETE", "/api/servers/weather/env/UNITS", { as: ada })).status,
    ).toBe(204);
    expect((await list()).variables.map((v) => v.name)).toEqual(["WEATHER_API_KEY"]);
    expect(await envVersion()).toBe(4);
    expect(
      (await platform.call("DELETE", "/api/servers/weather/env/UNITS", { as: ada })).status,
    ).toBe(404);
  });

  it.each(["GUMSTACK_TOKEN", "gumstack_token", "GumLoop_Key", "GUMLOOP_X"])(
    "refuses the reserved name %s with a stable code and a message naming it and the rule, losing nothing",
    async (name) => {
      await put("WEATHER_API_KEY", SECRET);
      const response = await put(name, "x");
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: "invalid_variable_name",
          message: `name: "${name}" is reserved: names starting with GUMSTACK_ or GUMLOOP_ (in any letter case) belong to the platform`,
          requestId: expect.any(String),
        },
      });
      expect((await list()).variables.map((v) => v.name)).toEqual(["WEATHER_API_KEY"]);
      expect(await envVersion()).toBe(1);
    },
  );

  it.each(["1ABC", "A-B", "A B"])("refuses the invalid name %j", async (name) => {
    const response = await put(name, "x");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: "invalid_variable_name",
        message: expect.stringContaining("is not a valid name"),
      },
    });
  });

  it("refuses a name longer than 128 characters, naming the rule", async () => {
    const response = await put(`A${"B".repeat(9_999)}`, "x");
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("invalid_variable_name");
    expect(error.message).toMatch(
      /^name: "AB{31}…" is too long: a name has at most 128 characters$/,
    );
    expect((await list()).variables).toEqual([]);
  });

  it.each(["LD_PRELOAD", "LD_LIBRARY_PATH", "NODE_OPTIONS", "PATH", "PYTHONSTARTUP", "BASH_ENV"])(
    "refuses %s, which changes how the process loads code, unless an admin allows it",
    async (name) => {
      const refused = await put(name, "/tmp/x");
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        error: {
          code: "invalid_variable_name",
          message: expect.stringMatching(
            new RegExp(`^name: "${name}" changes how the server's process loads or runs code`),
          ),
        },
      });
      // The owner asking to allow it is not enough: an admin must.
      const asOwner = await platform.call("PUT", `/api/servers/weather/env/${name}`, {
        as: ada,
        body: { value: "/tmp/x", allowUnsafeName: true },
      });
      expect(asOwner.status).toBe(400);
      expect(await asOwner.json()).toMatchObject({
        error: { message: expect.stringContaining("(only an admin may)") },
      });
      expect((await list()).variables).toEqual([]);
      await platform.database.db
        .update(users)
        .set({ isAdmin: true })
        .where(eq(users.id, ada.userId as never));
      const allowed = await platform.call("PUT", `/api/servers/weather/env/${name}`, {
        as: ada,
        body: { value: "/tmp/x", allowUnsafeName: true },
      });
      expect(allowed.status).toBe(201);
      const [row] = await platform.database.db.select().from(envVars).where(eq(envVars.name, name));
      expect(row?.allowUnsafe).toBe(true);
    },
  );
});
