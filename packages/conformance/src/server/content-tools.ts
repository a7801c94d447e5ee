import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { RED_PIXEL_PNG, silentWav } from "./media.js";

/** Tools whose whole point is the shape of what they return: each content type, and an error. */
export function registerContentTools(mcp: McpServer): void {
  mcp.registerTool("test_simple_text", { description: "Answers one line of text" }, () => ({
    content: [{ type: "text", text: "This is a simple text response for testing." }],
  }));
  mcp.registerTool("test_image_content", { description: "Answers a PNG image" }, () => ({
    content: [{ type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" }],
  }));
  mcp.registerTool("test_audio_content", { description: "Answers a WAV recording" }, () => ({
    content: [{ type: "audio", data: silentWav(), mimeType: "audio/wav" }],
  }));
  mcp.registerTool(
    "test_embedded_resource",
    { description: "Answers a resource embedded in the result" },
    () => ({
      content: [
        {
          type: "resource",
          resource: {
            uri: "test://embedded-resource",
            mimeType: "text/plain",
            text: "This is an embedded resource content.",
          },
        },
      ],
    }),
  );
  mcp.registerTool(
    "test_multiple_content_types",
    { description: "Answers text, an image and a resource in one result" },
    () => ({
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" },
        {
          type: "resource",
          resource: {
            uri: "test://mixed-content-resource",
            mimeType: "application/json",
            text: JSON.stringify({ test: "data", value: 123 }),
          },
        },
      ],
    }),
  );
  mcp.registerTool("test_error_handling", { description: "Always fails" }, () => {
    // Thrown, not returned: the SDK turns a tool's exception into an `isError` result.
    throw new Error("This tool intentionally returns an error for testing");
  });
}
