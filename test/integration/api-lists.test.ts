import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCriteria } from "../../src/domain/criteria";
import { saveDynamicList } from "../../src/services/lists";
import { call, rows } from "../helpers";
import { bulkProspects, runJobs } from "./lists-helpers";
import { apiKey, getJson, seedConnector, seedProspect, seedRegistration, seedWebinar } from "./report-seed";

interface List {
  id: string;
  name: string;
  kind: string;
  members: number;
  criteria?: { match: string; conditions: Record<string, unknown>[]; description: string };
  created_at: string;
  updated_at: string;
}
interface Member {
  id: string;
  email: string;
  score: number;
  campaign: string | null;
  merged_emails: string[];
  joined_at: string;
}
interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

let key: string;
let staticId: string;
let dynamicId: string;
let members: string[];

beforeAll(async () => {
  key = await apiKey();
  staticId = "lst_api_static";
  await env.DB.prepare("INSERT INTO lists (id, name) VALUES (?, 'API static')").bind(staticId).run();
  members = await bulkProspects("apimember", 7);
  for (const [i, id] of members.entries()) {
    await env.DB.prepare("INSERT INTO list_members (list_id, prospect_id, created_at) VALUES (?, ?, ?)")
      .bind(staticId, id, `2026-11-0${(i % 3) + 1}T10:00:00.000Z`)
      .run();
  }
  const webinar = await seedWebinar(await seedConnector(), "API tour", [[-3, -2]]);
  const attendee = await seedProspect("api-attendee@example.com", { score: 12 });
  await seedRegistration(attendee, webinar, "approved", { attended: true, minutes: 30 });
  const parsed = parseCriteria({
    match: "all",
    conditions: [{ kind: "attended_minutes", minutes: 20, scope: "webinar", webinarId: webinar }],
  });
  if (!parsed.ok) throw new Error("invalid");
  const [admin] = await rows<{ id: string }>("SELECT id FROM users LIMIT 1");
  const saved = await saveDynamicList(env, {
    id: null,
    name: "API attended",
    criteria: parsed.criteria,
    actor: { id: admin?.id ?? "", ip: null },
  });
  if (!saved.ok) throw new Error("not saved");
  dynamicId = saved.list.id;
  await runJobs();
});

async function all<T>(path: string, limit: number): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const sep = path.includes("?") ? "&" : "?";
    const res: { status: number; body: Page<T> } = await getJson<Page<T>>(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
      key,
    );
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (!cursor) break;
  }
  return out;
}

describe("GET /api/v1/lists", () => {
  it("lists static and dynamic lists with member counts, a dynamic list's criteria as data and words", async () => {
    const res = await getJson<Page<List>>("/api/v1/lists", key);
    expect(res.status).toBe(200);
    const byId = new Map(res.body.data.map((l) => [l.id, l]));
    expect(byId.get(staticId)).toMatchObject({ name: "API static", kind: "static", members: 7 });
    expect(byId.get(staticId)?.criteria).toBeUndefined();
    expect(byId.get(dynamicId)).toMatchObject({
      name: "API attended",
      kind: "dynamic",
      members: 1,
      criteria: {
        match: "all",
        conditions: [{ kind: "attended_minutes", minutes: 20, scope: "webinar" }],
        description: "Attended “API tour” for at least 20 minutes",
      },
    });
  });

  it("pages one by one without loss or repeats; a bad cursor or limit is a 400", async () => {
    const one = await all<List>("/api/v1/lists", 1);
    const whole = (await getJson<Page<List>>("/api/v1/lists?limit=500", key)).body.data;
    expect(one.map((l) => l.id)).toEqual(whole.map((l) => l.id));
    expect(new Set(one.map((l) => l.id)).size).toBe(one.length);
    const bad = await getJson<{ error: { code: string } }>("/api/v1/lists?cursor=nonsense", key);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_cursor" } } });
    const limit = await getJson<{ error: { code: string } }>("/api/v1/lists?limit=501", key);
    expect(limit.status).toBe(400);
  });
});

describe("GET /api/v1/lists/:id/members", () => {
  it("answers the members, who joined last first, paged without loss, with when each joined", async () => {
    const paged = await all<Member>(`/api/v1/lists/${staticId}/members`, 2);
    expect(paged.map((m) => m.id).sort()).toEqual([...members].sort());
    const joined = paged.map((m) => m.joined_at);
    expect([...joined].sort().reverse()).toEqual(joined);
    const dyn = await getJson<Page<Member>>(`/api/v1/lists/${dynamicId}/members`, key);
    expect(dyn.body.data).toEqual([
      expect.objectContaining({ email: "api-attendee@example.com", score: 12, merged_emails: [], campaign: null }),
    ]);
  });

  it("an unknown list is a 404; no key is a 401", async () => {
    const missing = await getJson<{ error: { code: string } }>("/api/v1/lists/lst_nope/members", key);
    expect(missing).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect((await call("/api/v1/lists")).status).toBe(401);
  });

  it("openapi.json documents both routes", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/lists", "/lists/{id}/members"]));
  });
});
