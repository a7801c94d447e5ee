import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dependencyFolders, packageScope, tsconfigFiles } from "./dependencies.js";

// A pnpm workspace as the repository's: an app linking a third-party package into the store and
// a workspace package, which links another; the root links every app, which stay unseen.
const ws = realpathSync(mkdtempSync(join(tmpdir(), "gumstack-deps-")));
afterAll(() => rmSync(ws, { recursive: true, force: true }));
const at = (path: string) => join(ws, path);
const folder = (path: string) => mkdirSync(at(path), { recursive: true });
const file = (path: string, text: string) => {
  mkdirSync(dirname(at(path)), { recursive: true });
  writeFileSync(at(path), text);
};
const link = (path: string, target: string) => {
  mkdirSync(dirname(at(path)), { recursive: true });
  symlinkSync(relative(dirname(at(path)), at(target)), at(path));
};

folder("node_modules/.pnpm/zod@4/node_modules/zod");
folder("apps/other/src");
link("node_modules/@x/other", "apps/other");
file("apps/srv/package.json", '{ "type": "module" }');
file("apps/srv/tsconfig.json", '{ "extends": "../../tsconfig.base.json" }');
file("tsconfig.base.json", '{ "extends": "./tsconfig.strict" }');
file("tsconfig.strict.json", "{}");
folder("apps/srv/src");
link("apps/srv/node_modules/zod", "node_modules/.pnpm/zod@4/node_modules/zod");
link("apps/srv/node_modules/@x/lib", "packages/lib");
link("apps/srv/node_modules/.bin/tool", "packages/lib");
link("apps/srv/node_modules/gone", "packages/not-there");
file("packages/lib/package.json", "{}");
link("packages/lib/node_modules/@x/util", "packages/util");
link("packages/lib/node_modules/zod", "node_modules/.pnpm/zod@4/node_modules/zod");
file("packages/util/package.json", "{}");

describe("what a server loads", () => {
  it("is the node_modules on its way up, and the workspace packages its package links to", () => {
    expect(dependencyFolders([at("apps/srv"), at("apps/srv/src")]).sort()).toEqual(
      ["apps/srv/node_modules", "node_modules", "packages/lib", "packages/util"].map(at),
    );
  });

  it("is read by the package.json nearest to it, and the tsconfig chain tsx follows", () => {
    expect(packageScope(at("apps/srv/src"))).toBe(at("apps/srv/package.json"));
    expect(tsconfigFiles(at("apps/srv"))).toEqual(
      ["apps/srv/tsconfig.json", "tsconfig.base.json", "tsconfig.strict.json"].map(at),
    );
  });
});
