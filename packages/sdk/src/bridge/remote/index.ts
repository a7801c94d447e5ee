export {
  AddressRefusedError,
  CredentialsRefusedError,
  RedirectRefusedError,
  RemoteConnectError,
  RemoteOAuthError,
  RemoteStatusError,
} from "./errors.js";
export { remoteUpstream } from "./upstream.js";
