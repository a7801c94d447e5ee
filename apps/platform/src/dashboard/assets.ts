import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";

// Served by the platform itself, never from a CDN: the dashboard works offline.
function load(name: string, type: string) {
  const body = readFileSync(new URL(`./assets/${name}`, import.meta.url), "utf8");
  const version = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { body, type, version };
}

const assets = {
  "dashboard.css": load("dashboard.css", "text/css"),
  "dashboard.js": load("dashboard.js", "text/javascript"),
  "favicon.svg": load("favicon.svg", "image/svg+xml"),
};
type AssetName = keyof typeof assets;
const isAssetName = (name: string): name is AssetName => Object.hasOwn(assets, name);

/** The asset's URL, versioned by its content so browsers may keep it for good. */
export const assetPath = (name: AssetName) => `/assets/${name}?v=${assets[name].version}`;

export function registerAssets(app: Hono<AppEnv>) {
  app.get("/assets/:name", (c) => {
    const name = c.req.param("name");
    if (!isAssetName(name)) return c.notFound();
    const { body, type } = assets[name];
    return c.body(body, 200, {
      "content-type": `${type}; charset=utf-8`,
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
    });
  });
}
