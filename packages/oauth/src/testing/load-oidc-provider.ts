import type Provider from "oidc-provider";

let loading: Promise<typeof Provider> | undefined;

/**
 * Imports oidc-provider once, muting the one warning it prints at import on Node 20 ("Unsupported
 * runtime. Use Node.js v22.x LTS"). It runs on Node 20.18+, which has the URL.parse and
 * crypto.hash it needs, and this test server runs on the Node our platform supports. Every
 * other warning still prints.
 */
export function loadOidcProvider(): Promise<typeof Provider> {
  loading ??= importQuietly();
  return loading;
}

// biome-ignore-start lint/suspicious/noConsole: the filter wraps console.warn for one import.
async function importQuietly(): Promise<typeof Provider> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("Unsupported runtime")) return;
    warn(...args);
  };
  try {
    return (await import("oidc-provider")).default;
  } finally {
    console.warn = warn;
  }
}
// biome-ignore-end lint/suspicious/noConsole: the filter wraps console.warn for one import.
