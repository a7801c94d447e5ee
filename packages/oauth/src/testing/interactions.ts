import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { renderForm } from "./html-form.js";

/**
 * The test server's own login and consent pages, in place of oidc-provider's devInteractions
 * (which print a warning at every start). Login accepts any account name; consent grants
 * everything the client asked for, as a person clicking "Allow" would.
 *
 *   GET  /interaction/:uid          the page for the current prompt (login or consent)
 *   POST /interaction/:uid/login    account=<name>
 *   POST /interaction/:uid/consent
 */
export function createInteractionRoutes(
  provider: Provider,
  onGrant: (accountId: string, grantId: string) => void,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async function interactionRoutes(req, res) {
    const match = /^\/interaction\/([^/?]+)(\/login|\/consent)?(?:\?|$)/.exec(req.url ?? "");
    if (match === null) return false;
    const [, uid = "", step] = match;
    try {
      if (req.method === "GET" && step === undefined) await showPage(provider, uid, req, res);
      else if (req.method === "POST" && step === "/login") await login(provider, req, res);
      else if (req.method === "POST" && step === "/consent")
        await consent(provider, req, res, onGrant);
      else reply(res, 405, "method not allowed");
    } catch (error) {
      reply(
        res,
        400,
        `interaction failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return true;
  };
}

async function showPage(
  provider: Provider,
  uid: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const { prompt } = await provider.interactionDetails(req, res);
  const page =
    prompt.name === "login"
      ? renderForm("Sign in", { action: `/interaction/${uid}/login`, fields: { account: "" } })
      : renderForm("Authorize", { action: `/interaction/${uid}/consent`, fields: {} });
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(page);
}

async function login(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const { prompt } = await provider.interactionDetails(req, res);
  const account = new URLSearchParams(await readBody(req)).get("account")?.trim() ?? "";
  if (prompt.name !== "login" || account === "")
    throw new Error("expected a login with an account");
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account } },
    {
      mergeWithLastSubmission: false,
    },
  );
}

async function consent(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  onGrant: (accountId: string, grantId: string) => void,
) {
  const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
  const clientId = params.client_id;
  if (prompt.name !== "consent" || session === undefined || typeof clientId !== "string") {
    throw new Error("expected a consent for a signed-in account");
  }
  const grant =
    (grantId === undefined ? undefined : await provider.Grant.find(grantId)) ??
    new provider.Grant({ accountId: session.accountId, clientId });
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
  if (isStringArray(missingOIDCScope)) grant.addOIDCScope(missingOIDCScope.join(" "));
  if (isStringArray(missingOIDCClaims)) grant.addOIDCClaims(missingOIDCClaims);
  if (typeof missingResourceScopes === "object" && missingResourceScopes !== null) {
    for (const [indicator, scopes] of Object.entries(missingResourceScopes)) {
      if (isStringArray(scopes)) grant.addResourceScope(indicator, scopes.join(" "));
    }
  }
  const savedId = await grant.save();
  onGrant(session.accountId, savedId);
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId: savedId } },
    {
      mergeWithLastSubmission: true,
    },
  );
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** Login forms are tiny; the cap keeps a runaway test from buffering without end. */
async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 16_384) throw new Error("form too large");
  }
  return body;
}

function reply(res: ServerResponse, status: number, text: string): void {
  // A failure after oidc-provider began its redirect can only close the response.
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}
