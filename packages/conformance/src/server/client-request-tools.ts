import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ElicitRequestFormParams } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

type RequestedSchema = ElicitRequestFormParams["requestedSchema"];

/** SEP-1034: a default for every primitive type a form can ask for. */
const withDefaults: RequestedSchema = {
  type: "object",
  properties: {
    name: { type: "string", description: "Your name", default: "John Doe" },
    age: { type: "integer", description: "Your age", default: 30 },
    score: { type: "number", description: "Your score", default: 95.5 },
    status: {
      type: "string",
      description: "Your status",
      enum: ["active", "inactive", "pending"],
      default: "active",
    },
    verified: { type: "boolean", description: "Verified?", default: true },
  },
};

/** SEP-1330: the five ways a form offers choices, titled or not, one or several. */
const everyEnum: RequestedSchema = {
  type: "object",
  properties: {
    untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
    titledSingle: {
      type: "string",
      oneOf: [
        { const: "value1", title: "First Option" },
        { const: "value2", title: "Second Option" },
        { const: "value3", title: "Third Option" },
      ],
    },
    legacyEnum: {
      type: "string",
      enum: ["opt1", "opt2", "opt3"],
      enumNames: ["Option One", "Option Two", "Option Three"],
    },
    untitledMulti: {
      type: "array",
      items: { type: "string", enum: ["option1", "option2", "option3"] },
    },
    titledMulti: {
      type: "array",
      items: {
        anyOf: [
          { const: "value1", title: "First Choice" },
          { const: "value2", title: "Second Choice" },
          { const: "value3", title: "Third Choice" },
        ],
      },
    },
  },
};

/**
 * Tools that ask the client something while they run (sampling, elicitation): the request goes
 * to the client that called the tool, related to that call, and its answer comes back here.
 */
export function registerClientRequestTools(mcp: McpServer): void {
  const { server } = mcp;

  mcp.registerTool(
    "test_sampling",
    { description: "Asks the client's model", inputSchema: { prompt: z.string() } },
    async ({ prompt }, extra) => {
      const reply = await server.createMessage(
        { messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 100 },
        { relatedRequestId: extra.requestId, signal: extra.signal },
      );
      const text = reply.content.type === "text" ? reply.content.text : `(${reply.content.type})`;
      return { content: [{ type: "text", text: `LLM response: ${text}` }] };
    },
  );

  const elicit = async (
    params: ElicitRequestFormParams,
    extra: { requestId: string | number; signal: AbortSignal },
  ) => {
    const answer = await server.elicitInput(params, {
      relatedRequestId: extra.requestId,
      signal: extra.signal,
    });
    const content = JSON.stringify(answer.content ?? {});
    return `action=${answer.action}, content=${content}`;
  };

  mcp.registerTool(
    "test_elicitation",
    { description: "Asks the user who they are", inputSchema: { message: z.string() } },
    async ({ message }, extra) => {
      const requestedSchema: RequestedSchema = {
        type: "object",
        properties: {
          username: { type: "string", description: "User's response" },
          email: { type: "string", description: "User's email address" },
        },
        required: ["username", "email"],
      };
      const answer = await elicit({ message, requestedSchema }, extra);
      return { content: [{ type: "text", text: `User response: ${answer}` }] };
    },
  );

  mcp.registerTool(
    "test_elicitation_sep1034_defaults",
    { description: "Asks with a default for every field" },
    async (extra) => {
      const answer = await elicit(
        { message: "Check these values", requestedSchema: withDefaults },
        extra,
      );
      return { content: [{ type: "text", text: `Elicitation completed: ${answer}` }] };
    },
  );

  mcp.registerTool(
    "test_elicitation_sep1330_enums",
    { description: "Asks to choose, in each way a form can offer choices" },
    async (extra) => {
      const answer = await elicit({ message: "Choose", requestedSchema: everyEnum }, extra);
      return { content: [{ type: "text", text: `Elicitation completed: ${answer}` }] };
    },
  );
}
