import { fileURLToPath } from "node:url";
import { GumstackHost, getCredentials } from "@gumstack/sdk";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const mcp = new McpServer({ name: "example-none", version: "1.0.0" });

mcp.registerTool(
  "forecast",
  {
    description:
      "Tomorrow's forecast for a city (a stand-in: it shows how the tool gets its configuration)",
    inputSchema: { city: z.string().min(1) },
  },
  ({ city }) => {
    // Synchronous in `none` mode: the server's environment, without GUMSTACK_* and GUMLOOP_*.
    const env = getCredentials("none");
    const configured = env.WEATHER_API_KEY ? "configured" : "missing: set WEATHER_API_KEY";
    return {
      content: [
        {
          type: "text",
          text: `Forecast for ${city}: 18° ${env.WEATHER_UNITS ?? "metric"} (API key ${configured})`,
        },
      ],
    };
  },
);

const host = new GumstackHost(mcp, fileURLToPath(new URL("../gumstack.yaml", import.meta.url)));
await host.run();
