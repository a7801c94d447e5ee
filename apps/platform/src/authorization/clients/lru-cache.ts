/**
 * A map bounded in entries (the least recently read goes first) whose entries also expire. For
 * what is fetched from elsewhere and may be fetched again: nothing depends on an entry staying.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: K, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    // Reinserted: a Map iterates in insertion order, so the first key is the least recent.
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, ttlMs: number, now: number): void {
    this.entries.delete(key);
    if (ttlMs <= 0) return;
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: now + ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
