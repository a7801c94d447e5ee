export { type CanaryReport, verifyCanaries } from "./canary.js";
export { envelopePrefix, parseEnvelope } from "./envelope.js";
export {
  type DecryptFailure,
  VaultConfigError,
  VaultDecryptError,
  VaultKeyMismatchError,
} from "./errors.js";
export { loadOrCreateKeyFile } from "./key-file.js";
export { generateKeySpec, type KeyRing, parseKeyRing, type VaultKey } from "./key-ring.js";
export { type KeyRingSource, resolveKeyRing } from "./resolve-key-ring.js";
export {
  type RotationFailure,
  type RotationOptions,
  type RotationProgress,
  type RotationResult,
  rotateSecrets,
} from "./rotate.js";
export { type SecretLocation, Vault } from "./vault.js";
