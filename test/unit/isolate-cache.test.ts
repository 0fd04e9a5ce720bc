import { describe, expect, it } from "vitest";
import { isolateCache } from "../../src/lib/isolate-cache";

describe("isolateCache", () => {
  it("answers from its copy within the time, and reads again after it", async () => {
    const cache = isolateCache<string, number>({ ttlMs: 10_000 });
    let reads = 0;
    const load = async () => ++reads;
    expect(await cache.get("k", 1_000, load)).toBe(1);
    expect(await cache.get("k", 10_999, load)).toBe(1);
    expect(await cache.get("k", 11_000, load)).toBe(2);
    // A clock that went backwards is not trusted either.
    expect(await cache.get("k", 500, load)).toBe(3);
  });

  it("forget() makes the next read go to the source", async () => {
    const cache = isolateCache<string, number>({ ttlMs: 10_000 });
    let value = 1;
    expect(await cache.get("k", 0, async () => value)).toBe(1);
    value = 2;
    cache.forget();
    expect(await cache.get("k", 1, async () => value)).toBe(2);
  });

  it("does not keep a read that raced a forget()", async () => {
    const cache = isolateCache<string, string>({ ttlMs: 10_000 });
    let release: (v: string) => void = () => {};
    const slow = cache.get("k", 0, () => new Promise<string>((r) => (release = r)));
    cache.forget();
    release("stale");
    expect(await slow).toBe("stale");
    expect(await cache.get("k", 1, async () => "fresh")).toBe("fresh");
  });

  it("keeps only what `keep` allows, and at most maxEntries, the oldest leaving first", async () => {
    const cache = isolateCache<string, string | null>({ ttlMs: 10_000, maxEntries: 2, keep: (v) => v !== null });
    let reads = 0;
    const load = (v: string | null) => async () => {
      reads++;
      return v;
    };
    await cache.get("missing", 0, load(null));
    await cache.get("missing", 1, load(null));
    expect(reads).toBe(2);
    await cache.get("a", 0, load("a"));
    await cache.get("b", 0, load("b"));
    await cache.get("c", 0, load("c"));
    reads = 0;
    expect(await cache.get("c", 1, load("c2"))).toBe("c");
    expect(await cache.get("b", 1, load("b2"))).toBe("b");
    expect(await cache.get("a", 1, load("a2"))).toBe("a2");
    expect(reads).toBe(1);
  });
});
