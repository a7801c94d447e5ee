// The JSON answers of the routes the dashboard reads, in one place for its pages to import.

export type { ConnectedAppListAnswer } from "../authorization/connected-apps-list.js";
export type { CreatedKeyAnswer } from "./api-keys-create.js";
export type { ApiKeyListAnswer } from "./api-keys-list.js";
export type { ConnectionListAnswer } from "./connections.js";
export type { CredentialFieldsAnswer } from "./credentials.js";
export type { DeploymentListAnswer, LogLinesAnswer } from "./deployments.js";
export type { EnvListAnswer } from "./env-list.js";
export type { CreatedInviteAnswer, InviteListAnswer } from "./invites.js";
export type { MeAnswer } from "./me.js";
export type { ActivityAnswer } from "./server-activity.js";
export type { ConfigAnswer, SavedConfigAnswer } from "./server-config.js";
export type { ServerAnswer } from "./server-get.js";
export type { ProcessListAnswer } from "./server-processes.js";
export type { ToolListAnswer } from "./server-tools.js";
export type { ServerListAnswer } from "./servers-list.js";
export type { RegisteredServerAnswer } from "./servers-register.js";
