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
  // As people write YAML: `[a, b]` without inner spaces, and no long line folded anew.
  const updated = document.toString({ flowCollectionPadding: false, lineWidth: 0 });
  // What is written must read back as asked: an anchor shared with another key, say, would
  // carry a change to both. Refused rather than written wrong.
  const wanted = { ...(parseDocument(text).toJS() as Record<string, unknown>) };
  for (const [key, value] of Object.entries(updates)) {
    if (value === undefined) delete wanted[key];
    else wanted[key] = value;
  }
  if (!isDeepStrictEqual(parseDocument(updated).toJS(), wanted)) {
    throw new YamlEditError(
      "the file uses YAML this editor cannot change without changing other values (anchors and aliases)",
    );
  }
  return updated;
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
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
