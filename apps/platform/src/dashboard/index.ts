import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { registerAccountPage } from "./account-page.js";
import { registerActivityPage } from "./activity-page.js";
import { registerAssets } from "./assets.js";
import { registerConfigPage } from "./config-page.js";
import { registerConnectedAppsPage } from "./connected-apps-page.js";
import { registerDeploymentsPage } from "./deployments-page.js";
import { registerEnvPage } from "./env-page.js";
import { registerInvitesPage } from "./invites-page.js";
import { registerKeysPage } from "./keys-page.js";
import { registerProcessesPage } from "./processes-page.js";
import { registerRemovePage } from "./remove-page.js";
import { registerServerPage } from "./server-page.js";
import { registerServersPage } from "./servers-page.js";
import { registerSignIn } from "./sign-in.js";

/**
 * The web dashboard: server-rendered pages (hono/jsx components) at `/`, `/servers/:name…`,
 * `/keys`, `/connected-apps`, `/invites`, `/account`, `/sign-in`, `/sign-up`, with assets under `/assets/`. Every
 * read and write goes through the JSON API, called in process.
 *
 * Each `.tsx` file names its JSX runtime in a pragma (`@jsxRuntime automatic @jsxImportSource
 * hono/jsx`): `tsx` applies a tsconfig only to the files it includes, and the platform is also
 * started from the repo root (start-all, the container image), whose tsconfig does not include it.
 */
export function registerDashboard(app: Hono<AppEnv>) {
  registerAssets(app);
  registerSignIn(app);
  registerServersPage(app);
  registerServerPage(app);
  registerEnvPage(app);
  registerConfigPage(app);
  registerDeploymentsPage(app);
  registerProcessesPage(app);
  registerRemovePage(app);
  registerActivityPage(app);
  registerKeysPage(app);
  registerConnectedAppsPage(app);
  registerInvitesPage(app);
  registerAccountPage(app);
}
