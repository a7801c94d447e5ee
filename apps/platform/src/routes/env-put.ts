import { variableNameProblem } from "@gumstack/sdk";
import type { Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";
import { maskedPreview } from "../servers/preview.js";
import { setVariable } from "../servers/variables.js";

const body = z.object({ value: z.string().max(32 * 1024, "must be at most 32 KiB") });

/**
 * PUT /api/servers/:server/env/:name: creates or replaces a variable. The value is encrypted
 * before it is stored and never comes back; the server needs a redeploy to see it.
 */
export function registerEnvPut(app: Hono<AppEnv>) {
  app.put("/api/servers/:server/env/:name", requireSession(), async (c) => {
    const server = await ownedServer(c);
    const name = c.req.param("name");
    const problem = variableNameProblem(name);
    if (problem) throw new ApiError("invalid_variable_name", `name: ${problem}`);
    const { value } = await readBody(c, body);
    const saved = await setVariable(c.var, server.id, name, value);
    return c.json(
      { name, preview: maskedPreview(value), updatedAt: saved.updatedAt },
      saved.created ? 201 : 200,
    );
  });
}
