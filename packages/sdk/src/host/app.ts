import { crossOriginProblem, errorPage, flowPageHeaders, originsOf } from "@gumstack/runtime";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { HostEnv, HostServices } from "./app-env.js";
import { registerAuthCallback } from "./routes/auth-callback.js";
import { registerAuthStart } from "./routes/auth-start.js";
import { registerCredForm } from "./routes/cred-form.js";
import { registerHealthz } from "./routes/healthz.js";
import { registerMcp } from "./routes/mcp.js";
import { handleMcpRequest } from "./streamable/endpoint.js";
import { type FetchApp, mcpBelow } from "./streamable/request.js";

/** Every route a standalone host serves, wired here in one place. */
export function createHostApp(services: HostServices): FetchApp {
  const app = new Hono<HostEnv>();
  app.use(async function provideServices(c, next) {
    c.set("services", services);
    await next();
  });
  // The flows' pages: not framed, not cached; their forms are small and posted from here only.
  const ours = originsOf(services.publicUrl);
  app.use("/auth/*", flowPageHeaders());
  app.use(
    "/auth/*",
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => c.html(errorPage("Not saved", "That form was too large."), 413),
    }),
  );
  app.use("/auth/*", async function sameOriginForms(c, next) {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const problem = crossOriginProblem(
      { origin: c.req.header("origin"), secFetchSite: c.req.header("sec-fetch-site") },
      ours,
    );
    if (problem) return c.html(errorPage("Refused", `${problem}: use this site's own page.`), 403);
    return next();
  });
  registerMcp(app);
  registerHealthz(app);
  registerAuthStart(app);
  registerAuthCallback(app);
  registerCredForm(app);
  app.onError((error, c) => {
    services.log.error("unhandled error", { error, path: c.req.path });
    return c.html(
      errorPage("Something went wrong", "Something went wrong on our side. Try again."),
      500,
    );
  });
  return mcpBelow(
    app,
    (request) => handleMcpRequest(services.mcp, request),
    (error) => services.log.error("unhandled error", { error, path: "/mcp" }),
  );
}
