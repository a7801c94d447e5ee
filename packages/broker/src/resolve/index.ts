export { CredentialResolver } from "./resolver.js";
export type {
  CredentialRequest,
  CredentialServer,
  FieldRule,
  LinkPurpose,
  ResolverOptions,
  ServerAuth,
} from "./types.js";
