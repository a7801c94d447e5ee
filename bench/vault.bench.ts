// `npm run bench:vault`: the vault's encrypt and decrypt against raw node:crypto AES-256-GCM, same
// run, same payloads, interleaved rounds. The raw baseline does the least a correct AES-GCM write
// needs (fresh random IV, cipher, tag) and nothing else: no envelope, no associated data.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { generateKeySpec, parseKeyRing, Vault } from "@gumstack/vault";

const ROUNDS = 20;
const OPS_PER_ROUND = 10_000;
// Each block starts on a clean heap, so no op pays for the garbage of the one before it.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const where = { table: "connections", id: "con_ldmvxkzq4w3c2bfs7hzq5ajmxa", field: "access_token" };

const spec = generateKeySpec("k1");
const vault = new Vault(parseKeyRing(spec, "bench"));
const rawKey = Buffer.from(spec.split(":")[1] as string, "base64");

function rawEncrypt(plaintext: string): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", rawKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function rawDecrypt(sealed: { iv: Buffer; ciphertext: Buffer; tag: Buffer }): string {
  const decipher = createDecipheriv("aes-256-gcm", rawKey, sealed.iv);
  decipher.setAuthTag(sealed.tag);
  return decipher.update(sealed.ciphertext, undefined, "utf8") + decipher.final("utf8");
}

/** Nanoseconds per operation for each round. */
function measure(op: () => void, rounds: number[][], index: number): void {
  gc();
  const started = process.hrtime.bigint();
  for (let i = 0; i < OPS_PER_ROUND; i++) op();
  (rounds[index] as number[]).push(Number(process.hrtime.bigint() - started) / OPS_PER_ROUND);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

const rows: string[][] = [];
for (const size of [64, 1024, 16 * 1024]) {
  const plaintext = "x".repeat(size);
  const sealedRaw = rawEncrypt(plaintext);
  const sealedVault = vault.encrypt(plaintext, where);
  const ops = [
    () => rawEncrypt(plaintext),
    () => vault.encrypt(plaintext, where),
    () => rawDecrypt(sealedRaw),
    () => vault.decrypt(sealedVault, where),
  ];
  const rounds: number[][] = ops.map(() => []);
  const warmUp: number[][] = [[]];
  for (const op of ops) measure(op, warmUp, 0);
  // Alternate the order every round so neither side always runs first.
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
    for (const i of order) measure(ops[i] as () => void, rounds, i);
  }
  for (const [name, rawIndex, oursIndex] of [
    ["encrypt", 0, 1],
    ["decrypt", 2, 3],
  ] as const) {
    const raw = rounds[rawIndex] as number[];
    const ours = rounds[oursIndex] as number[];
    const p50Raw = percentile(raw, 50);
    const p50Ours = percentile(ours, 50);
    rows.push([
      `${name} ${size} B`,
      (p50Raw / 1000).toFixed(2),
      (p50Ours / 1000).toFixed(2),
      (percentile(ours, 99) / 1000).toFixed(2),
      Math.round(1e9 / p50Raw).toLocaleString("en-US"),
      Math.round(1e9 / p50Ours).toLocaleString("en-US"),
      ((size * 1e9) / p50Ours / 2 ** 20).toFixed(0),
      (p50Ours / p50Raw).toFixed(2),
    ]);
  }
}

const header = [
  "operation",
  "raw µs p50",
  "vault µs p50",
  "vault µs p99",
  "raw ops/s",
  "vault ops/s",
  "vault MiB/s",
  "vault/raw",
];
const widths = header.map((h, i) =>
  Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
);
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join("  ");
process.stdout.write(
  `node ${process.version}, ${ROUNDS} rounds of ${OPS_PER_ROUND} ops, per-op time of each round` +
    `${"gc" in globalThis ? ", gc before each block" : ""}\n` +
    `${line(header)}\n${rows.map(line).join("\n")}\n` +
    `target: vault/raw <= 1.50; worst here: ${Math.max(...rows.map((r) => Number(r.at(-1)))).toFixed(2)}\n`,
);
