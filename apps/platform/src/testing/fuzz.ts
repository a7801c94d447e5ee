/**
 * Seeded random inputs for the fuzz suite: the same seed gives the same requests, so a failure
 * found on CI is reproduced by running with its seed (GUMSTACK_FUZZ_SEED).
 */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: small, fast, and good enough to pick inputs. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

// Strings that have broken parsers, databases, headers or logs somewhere.
const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\n",
  "\r\nset-cookie: x=1",
  "/\t/evil.example",
  "//evil.example",
  "https://evil.example/",
  "javascript:alert(1)",
  "%00",
  "%0a",
  "../../../../etc/passwd",
  "\\\\evil",
  "'; drop table users; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection probe, on purpose.
  "${jndi:ldap://x}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "\ud800",
  "\u202e\u2066",
  "👩‍💻".repeat(50),
  "__proto__",
  "constructor",
  "GUMSTACK_X",
  "gumloop_y",
  "LD_PRELOAD",
  "-1",
  "1e309",
  "NaN",
  "null",
  "true",
];

export function randomString(r: Random): string {
  switch (r.int(5)) {
    case 0:
      return r.pick(NASTY_STRINGS);
    case 1:
      return "x".repeat(r.pick([1, 100, 300, 5_000, 70_000]));
    case 2:
      return Array.from({ length: r.int(40) }, () => String.fromCharCode(r.int(0x3000))).join("");
    case 3:
      return `${r.pick(["a", "b", "ada", "usr_", "srv_", "key_", "inv_"])}${r.int(1e9)}@example.com`;
    default:
      return r.pick(NASTY_STRINGS) + r.pick(NASTY_STRINGS);
  }
}

/** Any JSON value, nested at most `depth` levels (deep nesting is a case of its own). */
export function randomJson(r: Random, depth = 3): unknown {
  const kind = r.int(depth <= 0 ? 5 : 8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, 42]);
    case 3:
    case 4:
      return randomString(r);
    case 5:
      return Array.from({ length: r.int(4) }, () => randomJson(r, depth - 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = r.int(5); i > 0; i--)
        out[randomString(r).slice(0, 40)] = randomJson(r, depth - 1);
      return out;
    }
  }
}

/** `{ "a": [[[ … ]]] }`, thousands deep: a body that once overflowed the stack. */
export function deeplyNested(depth: number): string {
  return `{"email":${"[".repeat(depth)}${"]".repeat(depth)},"password":"x"}`;
}

/** A valid body with one field replaced, removed or added: gets past the first checks. */
export function mutate(r: Random, template: Record<string, unknown>): unknown {
  const copy: Record<string, unknown> = { ...template };
  const keys = Object.keys(copy);
  switch (r.int(4)) {
    case 0:
      if (keys.length > 0) copy[r.pick(keys)] = randomJson(r);
      return copy;
    case 1:
      if (keys.length > 0) delete copy[r.pick(keys)];
      return copy;
    case 2:
      copy[randomString(r).slice(0, 40)] = randomJson(r);
      return copy;
    default:
      return randomJson(r);
  }
}
