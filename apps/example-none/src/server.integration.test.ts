import { connectClient, hostEnvironment, startExampleProcess, textOf } from "@gumstack/sdk/testing";
import { afterAll, describe, expect, it } from "vitest";

describe("example-none, run as its own process", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("serves its tool with the operator's variables, and keeps the secret out of the reply", async () => {
    const { env, drop } = await hostEnvironment({
      WEATHER_API_KEY: "wk_0123456789abcdef",
      WEATHER_UNITS: "imperial",
    });
    cleanups.push(drop);
    const server = await startExampleProcess("apps/example-none/src/server.ts", env);
    cleanups.push(server.stop);
    const client = await connectClient(server.url, server.apiKey);
    cleanups.push(() => client.close());
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["forecast"]);
    const result = await client.callTool({ name: "forecast", arguments: { city: "Oslo" } });
    expect(textOf(result)).toBe("Forecast for Oslo: 18° imperial (API key configured)");
    expect(server.output()).not.toContain("wk_0123456789abcdef");
  });
});
