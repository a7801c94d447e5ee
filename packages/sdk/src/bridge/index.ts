export { BRIDGE_ENTRY } from "./entry.js";
export {
  CREDENTIALS_REFUSED_EXIT,
  PROXY_ENV,
  type ProxySpec,
  parseProxySpec,
  proxySpecSchema,
  type RemoteProxySpec,
  type StdioProxySpec,
} from "./spec.js";
export {
  MAX_TOOL_NAME_LENGTH,
  shortenToolName,
  type ToolPolicy,
  type ToolRules,
  toolPolicy,
} from "./tool-policy.js";
