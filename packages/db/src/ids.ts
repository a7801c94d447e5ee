import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/** Every row id carries its kind, so a log line or a URL says what it points at. */
export const idPrefixes = {
  canary: "vkc",
  user: "usr",
  apiKey: "key",
  server: "srv",
  oauthState: "ost",
  connection: "con",
  credential: "crd",
  session: "ses",
  envVar: "env",
  deployment: "dep",
  toolCall: "tcl",
  invite: "inv",
  mcpClient: "mcl",
  mcpGrant: "mgr",
  mcpCode: "mcd",
  mcpToken: "mtk",
  upstreamClient: "upc",
} as const;

export type IdKind = keyof typeof idPrefixes;
export type Id<K extends IdKind> = `${(typeof idPrefixes)[K]}_${string}`;

// Random bytes drawn from the system's generator 4 KiB at a time (as the uuid package does):
// one call serves 256 ids, where a call per id was a measurable share of recording activity.
const pool = new Uint8Array(4_096);
let used = pool.length;

/** 128 random bits, base32: sortable only by chance, guessable never. */
export function newId<K extends IdKind>(kind: K): Id<K> {
  if (used === pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  const bytes = pool.subarray(used, used + 16);
  used += 16;
  return `${idPrefixes[kind]}_${encodeBase32LowerCaseNoPadding(bytes)}`;
}

export function isId<K extends IdKind>(kind: K, value: string): value is Id<K> {
  return new RegExp(`^${idPrefixes[kind]}_[a-z2-7]{26}$`).test(value);
}
