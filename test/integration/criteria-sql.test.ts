import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { criteriaMatches, matchingIds, prospectFacts, saveCriteriaStatements } from "../../src/db/queries/criteria";
import { runBatch } from "../../src/db/queries/statements";
import {
  type Criteria,
  evaluateCriteria,
  kindsReading,
  parseCriteria,
  WEBINAR_STATUSES,
} from "../../src/domain/criteria";
import { newId } from "../../src/lib/encoding";
import { db, iso, seedConnector, seedProspect, seedRegistration, seedWebinar } from "./report-seed";

/**
 * The SQL of every criterion kind agrees with its pure evaluation: random criteria over a seeded
 * population, judged both ways, stored and unsaved.
 */

// A small deterministic generator, so a failure can be reproduced.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NOW = new Date().toISOString();

async function seed() {
  const campaignA = newId("cmp");
  const campaignB = newId("cmp");
  await env.DB.batch([
    env.DB.prepare("INSERT INTO campaigns (id, name) VALUES (?, 'Criteria A'), (?, 'Criteria B')").bind(
      campaignA,
      campaignB,
    ),
  ]);
  const c1 = await seedConnector();
  const c2 = await seedConnector();
  await env.DB.prepare("UPDATE connectors SET campaign_id = ? WHERE id = ?").bind(campaignA, c1).run();
  await env.DB.prepare("UPDATE connectors SET campaign_id = ? WHERE id = ?").bind(campaignB, c2).run();
  const webinars = [
    await seedWebinar(c1, "Ended tour", [[-30, -29]]),
    await seedWebinar(c1, "Upcoming tour", [[30, 31]]),
    await seedWebinar(c2, "Ended deep dive", [
      [-60, -59],
      [-10, -9],
    ]),
    await seedWebinar(c2, "Cancelled talk", [[-5, -4]], { cancelled: true }),
  ];
  // Attendance read after the end for two of the ended webinars (absence is judged by it); the
  // deep dive ended but its attendance was never read, so nobody is absent from it.
  await env.DB.prepare("UPDATE webinars SET attendance_read_at = ? WHERE id IN (?, ?)")
    .bind(NOW, webinars[0], webinars[3])
    .run();
  const staticList = newId("lst");
  await env.DB.prepare("INSERT INTO lists (id, name) VALUES (?, 'Criteria static')").bind(staticList).run();
  const rand = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const statuses = ["pending", "registered", "waiting", "approved", "denied", "error", "cancelled"] as const;
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) {
    const id = await seedProspect(`p${i}@${pick(["acme.com", "globex.io", "ACME.com".toLowerCase(), "initech.org"])}`, {
      company: pick([null, "Acme Corp", "ACME corp", "Globex", "Initech Ltd", "Émile SA"]),
      country: pick([null, "Portugal", "portugal", "Spain", "Deutschland"]),
      score: Math.floor(rand() * 120) - 20,
      campaignId: pick([null, campaignA, campaignB]),
    });
    ids.push(id);
    for (const w of webinars) {
      if (rand() < 0.5) continue;
      const attended = rand() < 0.4;
      await seedRegistration(id, w, pick(statuses), { attended, minutes: attended ? Math.floor(rand() * 60) : 0 });
    }
    if (rand() < 0.4)
      await env.DB.prepare("INSERT INTO prospect_tags (prospect_id, tag) VALUES (?, 'vip')").bind(id).run();
    if (rand() < 0.3)
      await env.DB.prepare("INSERT INTO prospect_tags (prospect_id, tag) VALUES (?, 'VIP')").bind(id).run();
    if (rand() < 0.4) {
      await env.DB.prepare("INSERT INTO list_members (list_id, prospect_id) VALUES (?, ?)").bind(staticList, id).run();
    }
  }
  // A merged-away prospect never matches anything.
  const merged = await seedProspect("merged@acme.com", { score: 100, mergedIntoId: ids[0] ?? null });
  await seedRegistration(merged, webinars[0] ?? "", "approved", { attended: true, minutes: 50 });
  return { ids: [...ids, merged], webinars, campaigns: [campaignA, campaignB], staticList, rand, pick };
}

function randomCondition(s: Awaited<ReturnType<typeof seed>>): Record<string, unknown> {
  const { rand, pick } = s;
  const scope = (): Record<string, unknown> =>
    pick([
      { scope: "webinar", webinarId: pick(s.webinars) },
      { scope: "any" },
      { scope: "campaign", campaignId: pick([...s.campaigns, "cmp_none"]) },
    ]);
  return pick([
    () => ({ kind: "webinar_status", status: pick(WEBINAR_STATUSES), ...scope() }),
    () => ({ kind: "attended_minutes", minutes: 1 + Math.floor(rand() * 50), ...scope() }),
    () => ({ kind: "email_domain", domain: pick(["acme.com", "globex.io", "nowhere.net"]) }),
    () => ({
      kind: "company",
      op: pick(["is", "contains"]),
      value: pick(["acme corp", "ACME", "ltd", "Émile SA", "émile"]),
    }),
    () => ({ kind: "country", value: pick(["Portugal", "SPAIN", "France"]) }),
    () => ({ kind: "score", op: pick(["at_least", "at_most"]), value: Math.floor(rand() * 120) - 20 }),
    () => ({ kind: "campaign", campaignId: pick([...s.campaigns, "cmp_none"]) }),
    () => ({ kind: "tag", tag: pick(["vip", "VIP", "none"]) }),
    () => ({ kind: "list_member", listId: pick([s.staticList, "lst_none"]) }),
  ])();
}

function randomCriteria(s: Awaited<ReturnType<typeof seed>>): Criteria {
  const { rand, pick } = s;
  const items = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
    rand() < 0.3
      ? {
          match: pick(["all", "any"]),
          conditions: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomCondition(s)),
        }
      : randomCondition(s),
  );
  const parsed = parseCriteria({ match: pick(["all", "any"]), conditions: items });
  if (!parsed.ok) throw new Error(`generated invalid criteria: ${JSON.stringify(parsed.errors)}`);
  return parsed.criteria;
}

describe("criteria SQL agrees with the pure evaluation", () => {
  it("for 250 random criteria over 40 prospects, unsaved and stored", async () => {
    const s = await seed();
    const facts = await prospectFacts(db(), s.ids, NOW);
    const active = s.ids.filter((id) => id !== s.ids.at(-1));
    let nonTrivial = 0;
    for (let i = 0; i < 250; i++) {
      const criteria = randomCriteria(s);
      const expected = active.filter((id) => {
        const f = facts.get(id);
        return f !== undefined && evaluateCriteria(criteria, f);
      });
      expected.sort();
      const got = await matchingIds(db(), { criteria }, { ids: s.ids }, NOW);
      expect(got, JSON.stringify(criteria)).toEqual(expected);
      if (expected.length > 0 && expected.length < active.length) nonTrivial++;
      if (i % 10 === 0) {
        const owner = newId("lst");
        await runBatch(db(), saveCriteriaStatements({ id: owner, type: "rule" }, criteria, NOW));
        const stored = await matchingIds(db(), { ownerType: "rule", ownerId: owner }, { all: true }, NOW);
        expect(stored, JSON.stringify(criteria)).toEqual(expected);
      }
    }
    // The generator is worth something only if most criteria split the population.
    expect(nonTrivial).toBeGreaterThan(100);
  });

  it("judges absent only once the attendance has been read since the end", async () => {
    const c = await seedConnector();
    const w = await seedWebinar(c, "Absent timing", [[-3, -2]]);
    const p = await seedProspect("absent-timing@example.com");
    await seedRegistration(p, w, "approved");
    const criteria = parseCriteria({
      match: "all",
      conditions: [{ kind: "webinar_status", status: "absent", scope: "webinar", webinarId: w }],
    });
    if (!criteria.ok) throw new Error("invalid");
    const absent = () => matchingIds(db(), { criteria: criteria.criteria }, { ids: [p] }, NOW);
    expect(await absent()).toEqual([]);
    await env.DB.prepare("UPDATE webinars SET attendance_read_at = ? WHERE id = ?").bind(iso(-2.5), w).run();
    expect(await absent()).toEqual([]);
    await env.DB.prepare("UPDATE webinars SET attendance_read_at = ? WHERE id = ?").bind(iso(-1), w).run();
    expect(await absent()).toEqual([p]);
  });

  it("re-judges after a fact's change only the stored owners with a condition that reads it", async () => {
    const c = await seedConnector();
    const w = await seedWebinar(c, "Reading", [[-3, -2]]);
    const p = await seedProspect("reading@example.com");
    await seedRegistration(p, w, "approved");
    const owners: Record<string, string> = {};
    const store = async (name: string, conditions: Record<string, unknown>[], match: "all" | "any" = "all") => {
      const parsed = parseCriteria({ match, conditions });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      owners[name] = newId("rul");
      await runBatch(db(), saveCriteriaStatements({ id: owners[name], type: "rule" }, parsed.criteria, NOW));
    };
    const one = { scope: "webinar", webinarId: w };
    await store("absent", [{ kind: "webinar_status", status: "absent", ...one }]);
    await store("registered", [{ kind: "webinar_status", status: "registered", ...one }]);
    await store(
      "absent or tagged",
      [
        { kind: "tag", tag: "vip" },
        { kind: "webinar_status", status: "absent", ...one },
      ],
      "any",
    );
    await store("latest session", [{ kind: "attended_sessions", which: "latest", webinarId: w }]);
    await store("any session", [{ kind: "attended_sessions", which: "any", webinarId: w }]);
    const judged = async (facts: Parameters<typeof kindsReading>[0]) => {
      const rows = await db().all<{ owner_id: string }>(
        sql`${criteriaMatches({ ownerType: "rule", reading: kindsReading(facts) }, { ids: [p] }, NOW)}
            SELECT DISTINCT owner_id FROM criteria_matches`,
      );
      const mine = new Map(Object.entries(owners).map(([name, id]) => [id, name]));
      return rows.flatMap((r) => mine.get(r.owner_id) ?? []).sort();
    };
    expect(await judged(["attendance_read"])).toEqual(["absent", "absent or tagged"]);
    expect(await judged(["sessions_read"])).toEqual(["latest session"]);
    expect(await judged(["attendance_read", "sessions_read"])).toEqual([
      "absent",
      "absent or tagged",
      "latest session",
    ]);
    expect(await judged(["registrations"])).toEqual([
      "absent",
      "absent or tagged",
      "any session",
      "latest session",
      "registered",
    ]);
  });
});
