import { isDeepStrictEqual } from "node:util";
import { type Document, isMap, isScalar, isSeq, parseDocument } from "yaml";

/*
 * Changing a YAML file's values while keeping what a person wrote around them: comments, key
 * order, quoting and flow or block style. Only the nodes whose value changes are touched: a map
 * keeps its untouched entries (and their comments), a list its untouched items, a scalar its
 * style when its type stays the same. Anything else is written as the `yaml` package writes new
 * nodes.
 */

type Path = Array<string | number>;

/** `updates` is by top-level key; `undefined` removes the key. Returns the new text. */
export function updateYaml(text: string, updates: Readonly<Record<string, unknown>>): string {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new YamlEditError(document.errors[0]?.message ?? "");
  for (const [key, value] of Object.entries(updates)) {
    if (value === undefined) document.delete(key);
    else assign(document, [key], value);
  }
  // What is written must read back as asked: an anchor shared with another key, say, would
  // carry a change to both. Refused rather than written wrong.
  const wanted = { ...(parseDocument(text).toJS() as Record<string, unknown>) };
  for (const [key, value] of Object.entries(updates)) {
    if (value === undefined) delete wanted[key];
    else wanted[key] = value;
  }
  const readsAsWanted = (candidate: string | undefined): candidate is string =>
    candidate !== undefined && isDeepStrictEqual(parseDocument(candidate).toJS(), wanted);
  const spliced = splicedText(text, document, updates);
  if (readsAsWanted(spliced)) return spliced;
  const whole = document.toString(STYLE);
  if (readsAsWanted(whole)) return whole;
  throw new YamlEditError(
    "the file uses YAML this editor cannot change without changing other values (anchors and aliases)",
  );
}

// As people write YAML: `[a, b]` without inner spaces, and no long line folded anew.
const STYLE = { flowCollectionPadding: false, lineWidth: 0 } as const;

interface TopLevelEntry {
  key: string;
  /** Where its comments and blank lines above it start. */
  leadStart: number;
  /** Its first line's start, and the end of its value (past the newline). */
  start: number;
  end: number;
}

/**
 * The file with each changed top-level entry's text replaced by the edited document's, and
 * every other byte as it was: the `yaml` package writes a whole document in its own spacing
 * (`{ a: 1 }` or `{a: 1}`, never both), so only what changed is written by it. Undefined for a
 * file that is not a block map of plain keys (then the whole document is written).
 */
function splicedText(
  text: string,
  edited: Document,
  updates: Readonly<Record<string, unknown>>,
): string | undefined {
  const entries = topLevelEntries(text);
  if (entries === undefined) return undefined;
  let out = "";
  for (const entry of entries) {
    const changed = Object.hasOwn(updates, entry.key);
    const removed = changed && updates[entry.key] === undefined;
    // The comments above a removed entry were about it; the file's own first lines stay.
    if (!removed || entry.leadStart === 0) out += text.slice(entry.leadStart, entry.start);
    if (!changed) out += text.slice(entry.start, entry.end);
    else if (!removed) out += entryText(edited, entry.key);
  }
  const present = new Set(entries.map((entry) => entry.key));
  const added = Object.keys(updates).filter(
    (key) => !present.has(key) && updates[key] !== undefined,
  );
  if (added.length > 0 && out !== "" && !out.endsWith("\n")) out += "\n";
  for (const key of added) out += entryText(edited, key);
  // What follows the last entry (the file's closing comments) stays last.
  return out + text.slice(entries.at(-1)?.end ?? 0);
}

/** The top-level entries of a block map, with where each one's text is; else undefined. */
function topLevelEntries(text: string): TopLevelEntry[] | undefined {
  const map = parseDocument(text).contents;
  if (!isMap(map) || map.flow) return undefined;
  const lineStart = (at: number) => text.lastIndexOf("\n", at - 1) + 1;
  const lineEnd = (at: number) => {
    if (at === 0 || text[at - 1] === "\n" || at >= text.length) return at;
    const newline = text.indexOf("\n", at);
    return newline < 0 ? text.length : newline + 1;
  };
  const entries: TopLevelEntry[] = [];
  let previousEnd = 0;
  for (const pair of map.items) {
    const key = pair.key;
    if (!isScalar(key) || typeof key.value !== "string" || !key.range) return undefined;
    const value = pair.value as { range?: [number, number, number] | null } | null;
    const start = lineStart(key.range[0]);
    // Two entries on one line: not a layout this can cut apart.
    if (start < previousEnd) return undefined;
    const end = lineEnd(Math.max(value?.range?.[2] ?? 0, key.range[2]));
    entries.push({ key: key.value, leadStart: previousEnd, start, end });
    previousEnd = end;
  }
  return entries;
}

/** One top-level entry of the edited document, as the `yaml` package writes it. */
function entryText(edited: Document, key: string): string {
  const single = edited.clone();
  const map = single.contents;
  if (!isMap(map)) throw new YamlEditError("the file is not a map of settings");
  map.items = map.items.filter((pair) => keyOf(pair.key) === key);
  const pair = map.items[0];
  if (pair && isScalar(pair.key)) {
    // Kept from the file itself, above the entry.
    pair.key.commentBefore = null;
    pair.key.spaceBefore = false;
  }
  map.commentBefore = null;
  single.commentBefore = null;
  single.comment = null;
  if (single.directives) {
    single.directives.docStart = null;
    single.directives.docEnd = false;
  }
  return single.toString(STYLE);
}

/** The file cannot be changed in place: it does not parse, or its layout would change values. */
export class YamlEditError extends Error {
  override readonly name = "YamlEditError";
}

function assign(document: Document, path: Path, value: unknown): void {
  const node = document.getIn(path, true);
  const current = isScalar(node) || isMap(node) || isSeq(node) ? node.toJSON() : node;
  if (isDeepStrictEqual(current, value)) return;
  if (isMap(node) && isRecord(value)) {
    for (const pair of [...node.items]) {
      const key = keyOf(pair.key);
      if (typeof key === "string" && !Object.hasOwn(value, key)) node.delete(key);
    }
    for (const [key, item] of Object.entries(value)) assign(document, [...path, key], item);
    return;
  }
  if (isSeq(node) && Array.isArray(value)) {
    while (node.items.length > value.length) node.items.pop();
    value.forEach((item, index) => {
      if (index < node.items.length) assign(document, [...path, index], item);
      else node.add(document.createNode(item));
    });
    return;
  }
  // Same type: the scalar keeps its quoting and comment. Another type gets a new node, so a
  // number is never written inside the quotes a string had.
  if (isScalar(node) && typeof node.value === typeof value && typeof value !== "object") {
    node.value = value;
    return;
  }
  document.setIn(path, document.createNode(value));
}

/** A key as read from the file (a Scalar node), or as set here (the value itself). */
const keyOf = (key: unknown) => (isScalar(key) ? key.value : key);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
