export {
  type ActivityEntry,
  activityEntrySchema,
  activityRequestSchema,
  MAX_ACTIVITY_ENTRIES,
  MAX_TOOL_NAME,
} from "./activity.js";
export { completedRequestSchema, tellCompleted } from "./completed.js";
export {
  type AskedKind,
  type AuthRequired,
  answerSchemas,
  authRequiredSchema,
  type CredAnswer,
  type CredentialsAnswer,
  credAnswerSchema,
  credentialsRequestSchema,
  fieldCredentialsSchema,
  type OAuthAnswer,
  oauthAnswerSchema,
  oauthCredentialsSchema,
} from "./credentials.js";
export {
  type ErrorBody,
  errorBodySchema,
  errorFromWire,
  type InternalErrorCode,
  internalErrorStatus,
  PlatformRefusedError,
  type WireError,
  wireErrorOf,
} from "./errors.js";
export {
  BODY_LIMITS,
  DEADLINE_HEADER,
  INTERNAL_PATHS,
  readDeadline,
  runtimeHeaders,
  SERVER_HEADER,
} from "./protocol.js";
export {
  answerProviderCall,
  describeProvider,
  type ProviderAnswer,
  type ProviderCall,
  type ProviderDescription,
  providerAnswerSchema,
  providerCallSchema,
  providerDescriptionSchema,
  providerErrorFromWire,
} from "./provider-calls.js";
export { RemoteAuthProvider, type SendProviderCall } from "./remote-provider.js";
