export {
  type AuthorizeOptions,
  startTestAuthServer,
  type TestAuthServer,
  type TestAuthServerOptions,
} from "./auth-server.js";
export { type MemoryRegistrations, memoryRegistrations } from "./memory-registrations.js";
export type { ResourceRequest } from "./request-log.js";
export {
  type RecordedRequest,
  type Responder,
  type ScriptedServer,
  sendJson,
  startScriptedServer,
} from "./scripted-server.js";
export type { TokenRequestCounts } from "./token-counter.js";
