import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { createApiKey } from "../../src/auth/api-keys";
import { createDb } from "../../src/db/client";
import { call } from "../helpers";

/**
 * Every GET route of the JSON API and of the public pages, read from the router, with odd ids and
 * odd query strings: answers are 2xx-4xx, JSON errors stay JSON, nothing is a 5xx.
 */
const ODD_IDS = ["x", "0", "%00", "..%2F..%2Fetc", "a".repeat(300), "%E0%A4%A", "<script>", "web_%27%20OR%201%3D1"];
const ODD_QUERIES = [
  "",
  "?limit=0",
  "?limit=abc&cursor=%%%",
  `?cursor=${"A".repeat(500)}`,
  "?status=everything",
  "?status=registered&status=absent",
  "?email=%00",
  `?email=${encodeURIComponent("<script>alert(1)</script>")}`,
  `?accent=%23zzz&background=javascript:alert(1)&text=${"f".repeat(300)}`,
];

function getRoutes(prefixes: string[]): string[] {
  const seen = new Set<string>();
  for (const r of createApp().routes) {
    if (r.method !== "GET" || r.path.includes("*")) continue;
    if (prefixes.some((p) => r.path.startsWith(p))) seen.add(r.path);
  }
  return [...seen];
}

describe("API and public GET routes under odd input", () => {
  it("never answer 5xx, and API errors are JSON", async () => {
    const { key } = await createApiKey(createDb(env.DB), "odd input", null);
    const routes = getRoutes(["/api/v1", "/f/", "/fh/"]);
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const failures: string[] = [];
    for (const route of routes) {
      const ids = route.includes(":") ? ODD_IDS : ["-"];
      for (const id of ids) {
        for (const query of ODD_QUERIES) {
          const path = `${route.replace(/:[A-Za-z]+/g, id)}${query}`;
          const res = await call(path, { headers: { authorization: `Bearer ${key}` } });
          const type = res.headers.get("content-type") ?? "";
          await res.arrayBuffer();
          if (res.status >= 500) failures.push(`${path}: ${res.status}`);
          if (route.startsWith("/api/") && res.status >= 400 && !type.includes("application/json")) {
            failures.push(`${path}: ${res.status} as ${type}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
