import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { GumstackHost, getCredentials } from "@gumstack/sdk";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

const mcp = new McpServer({ name: "example-cred", version: "1.0.0" });

mcp.registerTool(
  "workspace_info",
  { description: "Shows which CRM workspace and key the current user's calls would use" },
  async () => {
    // The current user's values from the form; AuthRequiredError (a link to the form) if missing.
    const { api_key, workspace } = await getCredentials("cred");
    // Tools use the key; they never return it. A fingerprint tells keys apart without showing one.
    const fingerprint = createHash("sha256")
      .update(api_key ?? "")
      .digest("hex")
      .slice(0, 8);
    return {
      content: [
        {
          type: "text",
          text: `Workspace ${workspace ?? "(none)"}, key fingerprint ${fingerprint}`,
        },
      ],
    };
  },
);

const host = new GumstackHost(mcp, fileURLToPath(new URL("../gumstack.yaml", import.meta.url)));
await host.run();
