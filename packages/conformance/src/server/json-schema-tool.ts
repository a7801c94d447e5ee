import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const DIALECT = "https://json-schema.org/draft/2020-12/schema";

/**
 * A tool whose input schema is JSON Schema 2020-12 with its own definitions (SEP-1613): what the
 * client lists must keep `$schema`, `$defs` and `additionalProperties`. The SDK 1.x McpServer
 * takes zod and writes draft-07 (`definitions`); zod's metadata is written into the schema as
 * given, so the dialect and the definition are stated there.
 */
export function registerJsonSchemaTool(mcp: McpServer): void {
  const address = {
    type: "object",
    properties: { street: { type: "string" }, city: { type: "string" } },
  };
  const inputSchema = z
    .object({
      name: z.string().optional(),
      address: z
        .object({ street: z.string().optional(), city: z.string().optional() })
        .optional()
        .meta({ $ref: "#/$defs/address" }),
    })
    .strict()
    .meta({ $schema: DIALECT, $defs: { address } });
  mcp.registerTool(
    "json_schema_2020_12_tool",
    { description: "Tool with JSON Schema 2020-12 features", inputSchema },
    ({ name, address }) => ({
      content: [{ type: "text", text: JSON.stringify({ name, address }) }],
    }),
  );
}
