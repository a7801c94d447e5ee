import type { Hono } from "hono";
import type { AppEnv } from "../../env.js";
import { registerPreregisteredClients } from "./preregistered-routes.js";
import { registerDynamicRegistration } from "./register-route.js";

export { clientEndpointCors, oauthError } from "./client-endpoints.js";
export { type ClientMetadata, checkClientMetadata } from "./client-metadata.js";
export { DOCUMENT_CACHE, DOCUMENT_LIMITS } from "./metadata-documents.js";
export type { CreatedOAuthClientAnswer, OAuthClientListAnswer } from "./preregistered-routes.js";
export { redirectHostOf, redirectUriMatches, redirectUriProblem } from "./redirect-uris.js";
export { MAX_REGISTRATION_BYTES, REGISTRATION_PATH } from "./register-route.js";
export { type ClientRegistryOptions, createClientRegistry } from "./registry.js";

/** POST /oauth/register (RFC 7591) and the admins' /api/oauth-clients. */
export function registerClientRoutes(app: Hono<AppEnv>) {
  registerDynamicRegistration(app);
  registerPreregisteredClients(app);
}
