import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { mergeProspects } from "../../src/db/queries/merge";
import { ADMIN, call, login, type Session } from "../helpers";
import { apiKey, getJson, seedProspect } from "./report-seed";

/** Prospect search at any input length (D1 refuses LIKE patterns over 50 bytes) and by a merged-away email. */

let admin: Session;
let key: string;
const LONG_LOCAL = `longsearch-${"k".repeat(230)}`;
const LONG_EMAIL = `${LONG_LOCAL}@example.com`;
const LONG_LAST = `Lastname${"q".repeat(240)}`;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  key = await apiKey();
  await seedProspect(LONG_EMAIL, { firstName: "Lena", lastName: "Long" });
  await seedProspect("search-named@example.com", { firstName: "Nadia", lastName: LONG_LAST });
  await seedProspect("under_score@example.com", { firstName: "Una" });
  await seedProspect("underxscore@example.com", { firstName: "Ulla" });
  await seedProspect("fifty%percent@example.com", { firstName: "Pia" });
  await seedProspect("fiftyxpercent@example.com", { firstName: "Paul" });
});

async function search(q: string): Promise<{ status: number; html: string }> {
  const res = await call(`/admin/prospects?q=${encodeURIComponent(q)}`, { cookie: admin.cookie });
  return { status: res.status, html: await res.text() };
}

describe("admin prospect search", () => {
  it("finds by 49 and 200 characters of an email or a name", async () => {
    const email49 = LONG_EMAIL.slice(0, 49);
    expect(email49).toHaveLength(49);
    const by49 = await search(email49.toUpperCase());
    expect(by49.status).toBe(200);
    expect(by49.html).toContain(LONG_EMAIL);

    const email200 = LONG_EMAIL.slice(5, 205);
    const by200 = await search(email200);
    expect(by200.status).toBe(200);
    expect(by200.html).toContain(LONG_EMAIL);

    const name200 = `nadia ${LONG_LAST.slice(0, 194)}`.toUpperCase();
    expect(name200).toHaveLength(200);
    const byName = await search(name200);
    expect(byName.status).toBe(200);
    expect(byName.html).toContain("search-named@example.com");
    expect(byName.html).not.toContain(LONG_EMAIL);
  });

  it("answers 49 and 200 characters that match nobody with the empty state", async () => {
    for (const n of [49, 200]) {
      const res = await search("z".repeat(n));
      expect(res.status).toBe(200);
      expect(res.html).toContain("No prospect matches");
    }
  });

  it("caps 2,000 characters with a message, never a 5xx", async () => {
    const res = await search("x".repeat(2000));
    expect(res.status).toBe(422);
    expect(res.html).toContain("Search for at most 200 characters.");
  });

  it("keeps % and _ literal", async () => {
    const underscore = await search("under_score");
    expect(underscore.html).toContain("under_score@example.com");
    expect(underscore.html).not.toContain("underxscore@example.com");
    const percent = await search("fifty%percent");
    expect(percent.html).toContain("fifty%percent@example.com");
    expect(percent.html).not.toContain("fiftyxpercent@example.com");
  });

  it("finds the master by an email merged away, and says it was merged in", async () => {
    const mergedEmail = `merged-away-${"m".repeat(50)}@example.com`;
    const master = await seedProspect("search-master@example.com", { firstName: "Mona" });
    const other = await seedProspect(mergedEmail, { firstName: "Mo" });
    await mergeProspects(env.DB, { masterId: master, otherId: other, mergedBy: null, now: new Date().toISOString() });
    for (const q of [mergedEmail, mergedEmail.slice(0, 49), "MERGED-AWAY-"]) {
      const res = await search(q);
      expect(res.status, q).toBe(200);
      expect(res.html, q).toContain(`href="/admin/prospects/${master}"`);
      expect(res.html, q).toContain(`also <bdi>${mergedEmail}</bdi>`);
      expect(res.html, q).not.toContain(`href="/admin/prospects/${other}"`);
    }
  });
});

describe("GET /api/v1/prospects?email=", () => {
  it("answers 49, 200 and 2,000 characters without a 5xx", async () => {
    const at49 = await getJson<{ data: { email: string }[] }>(
      `/api/v1/prospects?email=${encodeURIComponent(`${LONG_EMAIL.slice(0, 37)}@example.com`)}`,
      key,
    );
    expect(at49.status).toBe(200);
    expect(at49.body.data).toEqual([]);
    const at200 = await getJson<{ data: unknown[] }>(`/api/v1/prospects?email=${"a".repeat(188)}%40example.com`, key);
    expect(at200.status).toBe(200);
    const exact = await getJson<{ data: { email: string }[] }>(
      `/api/v1/prospects?email=${encodeURIComponent(LONG_EMAIL)}`,
      key,
    );
    expect(exact.body.data.map((p) => p.email)).toEqual([LONG_EMAIL]);
    const at2000 = await getJson<{ error: { code: string; message: string } }>(
      `/api/v1/prospects?email=${"a".repeat(2000)}`,
      key,
    );
    expect(at2000.status).toBe(400);
    expect(at2000.body.error.message).toContain("at most 254 characters");
  });
});
