import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../csv-parse";
import { call } from "../helpers";
import { apiKey, getJson, seedConnector, seedProspect, seedWebinar } from "./report-seed";

interface Engagement {
  prospect_id: string;
  email: string;
  session_key: string;
  kind: "poll" | "survey" | "question";
  question: string;
  answers: string[];
  occurred_at: string;
}
interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

let key: string;
let webinar: string;
let other: string;
let ann: string;
let bob: string;
const seeded: { id: string; prospect: string; kind: string; at: string }[] = [];

async function engagement(
  id: string,
  webinarId: string,
  prospectId: string,
  kind: "poll" | "survey" | "question",
  question: string,
  answers: string[],
  at: string,
  answer: string | null = null,
): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO engagements (id, webinar_id, prospect_id, session_key, registrant_key, kind, question, answers, answer, occurred_at, dedupe_key)
     VALUES (?, ?, ?, '9223372036854775807', '1', ?, ?, ?, ?, ?, ?)`,
  )
    .bind(id, webinarId, prospectId, kind, question, JSON.stringify(answers), answer, at, `test:${id}`)
    .run();
  if (webinarId === webinar) seeded.push({ id, prospect: prospectId, kind, at });
}

beforeAll(async () => {
  key = await apiKey();
  const connector = await seedConnector();
  webinar = await seedWebinar(connector, "Engagement tour", [[-3, -2]]);
  other = await seedWebinar(connector, "Another webinar", [[-5, -4]]);
  ann = await seedProspect("ann.with.a.long.address@engaged.example");
  bob = await seedProspect("bob@engaged.example");
  await engagement(
    "eng_1",
    webinar,
    ann,
    "poll",
    "How soon are you buying?",
    ["This quarter"],
    "2026-11-20T10:05:00.000Z",
  );
  await engagement(
    "eng_2",
    webinar,
    bob,
    "poll",
    "How soon are you buying?",
    ["Next year"],
    "2026-11-20T10:05:00.000Z",
  );
  await engagement(
    "eng_3",
    webinar,
    ann,
    "question",
    "What does it cost, per seat?",
    [],
    "2026-11-20T10:20:00.000Z",
    "=SUM(A1) 10 $",
  );
  await engagement(
    "eng_4",
    webinar,
    bob,
    "survey",
    "Which topics?",
    ["Pricing", "Integrations"],
    "2026-11-20T11:00:00.000Z",
  );
  await engagement("eng_5", webinar, ann, "survey", "Rate the talk", ["5"], "2026-11-20T11:01:00.000Z");
  for (let i = 0; i < 12; i++) {
    await engagement(
      `eng_q${String(i).padStart(2, "0")}`,
      webinar,
      bob,
      "question",
      `Question ${i}`,
      [],
      "2026-11-20T10:30:00.000Z",
    );
  }
  await engagement("eng_other", other, ann, "poll", "Elsewhere", ["x"], "2026-11-18T10:00:00.000Z");
});

async function all(path: string, limit: number): Promise<Engagement[]> {
  const out: Engagement[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = path.includes("?") ? "&" : "?";
    const res: { status: number; body: Page<Engagement> } = await getJson<Page<Engagement>>(
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

describe("GET /api/v1/webinars/:id/engagement", () => {
  it("answers each poll answer, survey answer and question in the contract's shape, oldest first", async () => {
    const res = await getJson<Page<Engagement>>(`/api/v1/webinars/${webinar}/engagement`, key);
    expect(res.status).toBe(200);
    expect(res.body.next_cursor).toBeNull();
    expect(res.body.data).toHaveLength(17);
    expect(res.body.data[0]).toEqual({
      prospect_id: ann,
      email: "ann.with.a.long.address@engaged.example",
      session_key: "9223372036854775807",
      kind: "poll",
      question: "How soon are you buying?",
      answers: ["This quarter"],
      occurred_at: "2026-11-20T10:05:00.000Z",
    });
    const times = res.body.data.map((e) => e.occurred_at);
    expect([...times].sort()).toEqual(times);
    expect(res.body.data.find((e) => e.question.startsWith("What does it cost"))?.answers).toEqual(["=SUM(A1) 10 $"]);
    expect(res.body.data.find((e) => e.question === "Which topics?")?.answers).toEqual(["Pricing", "Integrations"]);
    expect(res.body.data.some((e) => e.question === "Elsewhere")).toBe(false);
  });

  it("pages by keyset one at a time and by 5, across ties, without loss or repeats", async () => {
    const whole = (await getJson<Page<Engagement>>(`/api/v1/webinars/${webinar}/engagement?limit=500`, key)).body.data;
    for (const limit of [1, 5]) {
      const paged = await all(`/api/v1/webinars/${webinar}/engagement`, limit);
      expect(paged).toEqual(whole);
    }
  });

  it("keeps one kind with ?kind=", async () => {
    for (const kind of ["poll", "survey", "question"] as const) {
      const paged = await all(`/api/v1/webinars/${webinar}/engagement?kind=${kind}`, 4);
      expect(paged.length).toBe(seeded.filter((s) => s.kind === kind).length);
      expect(paged.every((e) => e.kind === kind)).toBe(true);
    }
  });

  it("answers CSV with the same rows, answers joined and formulas defused", async () => {
    const res = await call(`/api/v1/webinars/${webinar}/engagement?format=csv`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain("engagement-tour-engagement-all");
    const [header, ...lines] = parseCsv(await res.text());
    expect(header).toEqual(["prospect_id", "email", "session_key", "kind", "question", "answers", "occurred_at"]);
    expect(lines).toHaveLength(17);
    expect(lines.find((l) => l[4] === "Which topics?")?.[5]).toBe("Pricing; Integrations");
    expect(lines.find((l) => l[4]?.startsWith("What does it cost"))?.[5]).toBe("'=SUM(A1) 10 $");
    const accept = await call(`/api/v1/webinars/${webinar}/engagement?kind=poll`, {
      headers: { authorization: `Bearer ${key}`, accept: "text/csv" },
    });
    expect(parseCsv(await accept.text())).toHaveLength(3);
  });

  it("refuses a bad kind, limit or cursor with 400, an unknown webinar with 404, no key with 401", async () => {
    const bad = async (query: string) =>
      getJson<{ error: { code: string; message: string } }>(`/api/v1/webinars/${webinar}/engagement?${query}`, key);
    expect(await bad("kind=vote")).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining("kind must be one of poll, survey or question") } },
    });
    expect((await bad("limit=501")).status).toBe(400);
    expect((await bad("limit=0")).status).toBe(400);
    expect(await bad("cursor=nonsense")).toMatchObject({ status: 400, body: { error: { code: "invalid_cursor" } } });
    const missing = await getJson<{ error: { code: string } }>("/api/v1/webinars/web_nope/engagement", key);
    expect(missing).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect((await call(`/api/v1/webinars/${webinar}/engagement`)).status).toBe(401);
  });

  it("is served by an index without a sort, with and without a kind", async () => {
    for (const [where, params] of [
      ["e.webinar_id = ?", [webinar]],
      ["e.webinar_id = ? AND e.kind = ?", [webinar, "poll"]],
    ] as const) {
      const plan = await env.DB.prepare(
        `EXPLAIN QUERY PLAN SELECT e.id FROM engagements e JOIN prospects p ON p.id = e.prospect_id
         WHERE ${where} AND (e.occurred_at, e.id) > ('2026-01-01T00:00:00.000Z', 'a') ORDER BY e.occurred_at, e.id LIMIT 101`,
      )
        .bind(...params)
        .all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail).join(" | ");
      expect(details).toMatch(/USING (COVERING )?INDEX engagements_webinar_(occurred|kind)_idx/);
      expect(details).not.toContain("TEMP B-TREE");
    }
  });

  it("is in openapi.json, and Activity names the engagement types", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    const route = doc.paths["/webinars/{id}/engagement"];
    expect(route?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(["id", "kind", "limit", "cursor"]),
    );
    const text = JSON.stringify(doc);
    for (const type of ["webinar_poll_answered", "webinar_survey_completed", "webinar_question_asked"])
      expect(text).toContain(type);
    expect(text).toContain("prospect_id,email,session_key,kind,question,answers,occurred_at");
  });
});
