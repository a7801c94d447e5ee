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
} as const;

export type IdKind = keyof typeof idPrefixes;
export type Id<K extends IdKind> = `${(typeof idPrefixes)[K]}_${string}`;

/** 128 random bits, base32: sortable only by chance, guessable never. */
export function newId<K extends IdKind>(kind: K): Id<K> {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `${idPrefixes[kind]}_${encodeBase32LowerCaseNoPadding(bytes)}`;
}

export function isId<K extends IdKind>(kind: K, value: string): value is Id<K> {
  return new RegExp(`^${idPrefixes[kind]}_[a-z2-7]{26}$`).test(value);
}
