import { type Dirent, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ancestors, covers } from "./paths.js";

// An `extends` chain longer than this is a loop.
const MAX_EXTENDS = 16;

const isFolder = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory();
const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile();
const realpath = (path: string) => {
  try {
    // One system call, where the JavaScript one walks the path a component at a time.
    return realpathSync.native(path);
  } catch {
    return undefined; // a dangling link: nothing to show
  }
};

/**
 * What a Node program in `folders` loads its packages from: the node_modules folder of each
 * and of each folder above it, whole, and the packages its own package links to elsewhere
 * (pnpm's workspace packages), with theirs, transitively. Links in node_modules above its
 * package are not followed: a workspace root's node_modules also links to its apps, which
 * stay unseen.
 */
export function dependencyFolders(folders: readonly string[]): string[] {
  const found: string[] = [];
  const seen = (path: string) => found.some((f) => covers(f, path));
  const follow = (start: string) => {
    const scope = packageScope(start);
    const own =
      scope === undefined ? [start] : ancestors(start).filter((a) => covers(dirname(scope), a));
    for (const above of ancestors(start)) {
      const modules = realpath(join(above, "node_modules"));
      if (modules && isFolder(modules) && !seen(modules)) found.push(modules);
    }
    for (const link of own.flatMap((above) => linksIn(join(above, "node_modules")))) {
      const target = realpath(link);
      if (target === undefined || seen(target) || !isFolder(target)) continue;
      found.push(target);
      follow(target);
    }
  };
  for (const folder of folders) {
    const start = realpath(folder);
    if (start) follow(start);
  }
  return found;
}

/** The links among a node_modules folder's packages, scoped ones included (not .bin, .pnpm). */
function linksIn(modules: string): string[] {
  const links: string[] = [];
  for (const entry of entries(modules)) {
    if (entry.name.startsWith(".")) continue;
    const path = join(modules, entry.name);
    if (entry.isSymbolicLink()) links.push(path);
    else if (entry.name.startsWith("@") && entry.isDirectory()) {
      for (const scoped of entries(path)) {
        if (scoped.isSymbolicLink()) links.push(join(path, scoped.name));
      }
    }
  }
  return links;
}

function entries(folder: string): Dirent[] {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * The package.json that says how node loads the code in `folder` (its "type", its "imports"):
 * the nearest one at or above it. The file alone: the folder that holds it may be a whole
 * repository.
 */
export function packageScope(folder: string): string | undefined {
  return ancestors(folder)
    .map((above) => join(above, "package.json"))
    .find(isFile);
}

/**
 * The tsconfig.json files tsx reads for a program in `folder` (their compiler options change
 * how it compiles): the nearest one at or above `folder`, and the files it extends by path.
 * One that is not plain JSON is taken alone; tsx then says what it could not read.
 */
export function tsconfigFiles(folder: string): string[] {
  const nearest = ancestors(folder)
    .map((above) => join(above, "tsconfig.json"))
    .find(isFile);
  const files: string[] = [];
  const queue = nearest ? [nearest] : [];
  while (queue.length > 0 && files.length < MAX_EXTENDS) {
    const file = queue.shift() as string;
    const real = realpath(file);
    if (real === undefined || files.includes(real)) continue;
    files.push(real);
    queue.push(...extendedBy(file));
  }
  return files;
}

function extendedBy(file: string): string[] {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return [];
  }
  if (typeof config !== "object" || config === null || !("extends" in config)) return [];
  const named: unknown[] = Array.isArray(config.extends) ? config.extends : [config.extends];
  // A package name ("@tsconfig/node20") is found in node_modules, which is shown anyway.
  return named
    .filter((name): name is string => typeof name === "string")
    .filter((name) => name.startsWith(".") || isAbsolute(name))
    .map((name) => resolve(dirname(file), name))
    .map((path) => (isFile(path) || path.endsWith(".json") ? path : `${path}.json`));
}
