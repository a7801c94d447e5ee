import { unsafeNameProblem, variableNameProblem } from "@gumstack/sdk";
import type { Hono } from "hono";
import { z } from "zod";
import { readBody } from "../body.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { requireSession } from "../middleware/require-session.js";
import { ownedServer } from "../servers/owned-server.js";
import { maskedPreview } from "../servers/preview.js";
import { setVariable } from "../servers/variables.js";

const body = z.object({
  value: z.string().max(32 * 1024, "must be at most 32 KiB"),
  /** An admin setting a loader or interpreter variable on purpose (see unsafeNameProblem). */
  allowUnsafeName: z.boolean().default(false),
});

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
    const { value, allowUnsafeName } = await readBody(c, body);
    const unsafe = unsafeNameProblem(name);
    if (unsafe && !(allowUnsafeName && c.var.session.user.isAdmin)) {
      const why = allowUnsafeName ? " (only an admin may)" : "";
      throw new ApiError("invalid_variable_name", `name: ${unsafe}${why}`);
    }
    const saved = await setVariable(c.var, server.id, name, value, {
      allowUnsafe: unsafe !== null,
    });
    return c.json(
      { name, preview: maskedPreview(value), updatedAt: saved.updatedAt },
      saved.created ? 201 : 200,
    );
  });
}
