import { dirname } from "node:path";

/** Whether `path` is `folder` or inside it (both absolute, normalised). */
export function covers(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder.endsWith("/") ? folder : `${folder}/`);
}

/** `path` and every folder above it, nearest first, ending with `/`. */
export function ancestors(path: string): string[] {
  const all = [path];
  for (let up = dirname(path); up !== all.at(-1); up = dirname(up)) all.push(up);
  return all;
}

/** The paths, without those inside another one of them, sorted: parents before children. */
export function outermost(paths: Iterable<string>): string[] {
  const sorted = [...new Set(paths)].sort();
  return sorted.filter((path) => !sorted.some((other) => other !== path && covers(other, path)));
}
