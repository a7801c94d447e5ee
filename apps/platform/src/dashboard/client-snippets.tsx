/** @jsxRuntime automatic @jsxImportSource hono/jsx */
export const KEY_PLACEHOLDER = "gsk_…";

interface ClientSnippetsProps {
  name: string;
  mcpUrl: string;
  /** A key just created fills the snippets in; else a placeholder. */
  apiKey?: string | undefined;
}

/**
 * How to point an MCP client at one server: its URL and the Authorization header, for Claude
 * Code, Cursor and the MCP Inspector.
 */
export function ClientSnippets({ name, mcpUrl, apiKey = KEY_PLACEHOLDER }: ClientSnippetsProps) {
  const header = `Authorization: Bearer ${apiKey}`;
  const claude = `claude mcp add --transport http ${name} ${mcpUrl} --header "${header}"`;
  const cursor = JSON.stringify(
    { mcpServers: { [name]: { url: mcpUrl, headers: { Authorization: `Bearer ${apiKey}` } } } },
    null,
    2,
  );
  const inspector = `npx @modelcontextprotocol/inspector --cli ${mcpUrl} --transport http --header "${header}" --method tools/list`;
  return (
    <>
      <dl class="facts">
        <dt>URL</dt>
        <dd>
          <code>{mcpUrl}</code>
        </dd>
        <dt>Header</dt>
        <dd>
          <code>{header}</code>
        </dd>
      </dl>
      <details open>
        <summary>Claude Code</summary>
        <pre data-copy={`Copy the Claude Code command for ${name}`}>
          <code>{claude}</code>
        </pre>
      </details>
      <details>
        <summary>
          Cursor (<code>~/.cursor/mcp.json</code>)
        </summary>
        <pre data-copy={`Copy the Cursor configuration for ${name}`}>
          <code>{cursor}</code>
        </pre>
      </details>
      <details>
        <summary>MCP Inspector</summary>
        <p class="hint">
          Run <code>npx @modelcontextprotocol/inspector</code>, pick "Streamable HTTP", and enter
          the URL and header above; or list the tools from a terminal:
        </p>
        <pre data-copy={`Copy the MCP Inspector command for ${name}`}>
          <code>{inspector}</code>
        </pre>
      </details>
    </>
  );
}
