import type { Adapter, AdapterFactory, AdapterPayload } from "oidc-provider";

interface Entry {
  payload: AdapterPayload;
  /** Epoch ms; undefined for no expiry. */
  expiresAt?: number;
}

/**
 * oidc-provider storage in one Map per test server. The built-in adapter is a process-wide LRU of
 * 1000 entries shared by every server in the process (and warns at each start); a busy test file
 * could see its tokens evicted. Scans are fine at test sizes.
 */
export function createMemoryAdapter(): AdapterFactory {
  const store = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const entry = store.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry;
  }

  return (model: string): Adapter => {
    const prefix = `${model}:`;
    const findBy = (match: (payload: AdapterPayload) => boolean) => {
      for (const key of store.keys()) {
        const entry = key.startsWith(prefix) ? live(key) : undefined;
        if (entry !== undefined && match(entry.payload)) return entry.payload;
      }
      return undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const entry: Entry = { payload: { ...payload } };
        if (expiresIn !== undefined) entry.expiresAt = Date.now() + expiresIn * 1000;
        store.set(prefix + id, entry);
      },
      async find(id) {
        return live(prefix + id)?.payload;
      },
      async findByUid(uid) {
        return findBy((payload) => payload.uid === uid);
      },
      async findByUserCode(userCode) {
        return findBy((payload) => payload.userCode === userCode);
      },
      async consume(id) {
        const entry = live(prefix + id);
        if (entry !== undefined) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(prefix + id);
      },
      async revokeByGrantId(grantId) {
        for (const [key, entry] of [...store]) {
          if (key.startsWith(prefix) && entry.payload.grantId === grantId) store.delete(key);
        }
      },
    };
  };
}
