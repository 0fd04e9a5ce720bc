/**
 * A copy of rarely-changing D1 rows kept by one isolate for a short time, so the public submission
 * path does not read them on every post. Writes made through this isolate call `forget()` and are
 * seen at once; a write made in another isolate is seen within `ttlMs`.
 *
 * A read that raced a `forget()` is answered but not kept (the generation moved on while it ran),
 * so a stale copy never outlives the write that replaced it. Entries are bounded by `maxEntries`;
 * the oldest goes first.
 */
export interface IsolateCache<K, V> {
  get(key: K, now: number, load: () => Promise<V>): Promise<V>;
  forget(): void;
}

export function isolateCache<K, V>(options: {
  ttlMs: number;
  maxEntries?: number;
  /** Whether a loaded value is kept (e.g. not a missing row, which costs nothing to look up again). */
  keep?: (value: V) => boolean;
}): IsolateCache<K, V> {
  const entries = new Map<K, { value: V; loadedAt: number }>();
  const maxEntries = options.maxEntries ?? 1;
  let generation = 0;
  return {
    async get(key, now, load) {
      const hit = entries.get(key);
      if (hit && now >= hit.loadedAt && now - hit.loadedAt < options.ttlMs) return hit.value;
      const started = generation;
      const value = await load();
      if (started === generation && (options.keep?.(value) ?? true)) {
        entries.delete(key);
        entries.set(key, { value, loadedAt: now });
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value as K);
      }
      return value;
    },
    forget() {
      entries.clear();
      generation++;
    },
  };
}
