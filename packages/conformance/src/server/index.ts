import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerClientRequestTools } from "./client-request-tools.js";
import { registerContentTools } from "./content-tools.js";
import { registerJsonSchemaTool } from "./json-schema-tool.js";
import { registerPrompts } from "./prompts.js";
import { registerResources } from "./resources.js";
import { registerStreamingTools } from "./streaming-tools.js";

/**
 * Everything the conformance suite's server scenarios call, registered on `mcp`: the tools,
 * resources and prompts each scenario names, written from what the scenarios check.
 */
export function registerConformance(mcp: McpServer): McpServer {
  registerContentTools(mcp);
  registerStreamingTools(mcp);
  registerClientRequestTools(mcp);
  registerJsonSchemaTool(mcp);
  registerResources(mcp);
  registerPrompts(mcp);
  return mcp;
}

/** A new McpServer with every scenario's tools, resources and prompts (logging declared). */
export function conformanceServer(): McpServer {
  const mcp = new McpServer(
    { name: "gumstack-conformance", version: "0.1.0" },
    { capabilities: { logging: {} } },
  );
  return registerConformance(mcp);
}
