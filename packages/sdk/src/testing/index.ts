export {
  type GuardedServer,
  type RemoteServer,
  startEverythingHttp,
  startGuardedServer,
} from "../bridge/testing/remote-servers.js";
export { type ExampleProcess, startExampleProcess } from "./example-process.js";
export {
  capturingLogger,
  connectClient,
  cookiesOf,
  freePort,
  hostEnvironment,
  openConnectLink,
  textOf,
} from "./host-harness.js";
export {
  type OAuthGuardedServer,
  type OAuthGuardedServerOptions,
  startOAuthGuardedServer,
} from "./oauth-guarded-server.js";
