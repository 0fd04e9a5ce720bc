import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers";
import { apiKey, getJson, seedWebinarFixture, type WebinarFixture } from "./report-seed";

interface Webinar {
  id: string;
  subject: string;
  status: string;
  counts: { registered: number; accepted: number; attended: number; absent: number };
}
interface Registrant {
  prospect_id: string;
  email: string;
  status: string;
  attended: boolean;
  minutes_attended: number;
}
interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

let fx: WebinarFixture;
let key: string;

beforeAll(async () => {
  fx = await seedWebinarFixture("api");
  key = await apiKey();
});

async function allRegistrants(webinarId: string, status: string, limit: number): Promise<Registrant[]> {
  const out: Registrant[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const q: string = `status=${status}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
    const res = await getJson<Page<Registrant>>(`/api/v1/webinars/${webinarId}/registrants?${q}`, key);
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (!cursor) break;
  }
  return out;
}

describe("GET /api/v1/webinars", () => {
  it("lists finished, upcoming and all webinars with their counts and status", async () => {
    const finished = await getJson<Page<Webinar>>("/api/v1/webinars?status=finished", key);
    expect(finished.status).toBe(200);
    expect(finished.body.data.map((w) => w.id)).toEqual([fx.finished]);
    expect(finished.body.data[0]?.status).toBe("finished");
    expect(finished.body.data[0]?.counts).toEqual({ registered: 4, accepted: 2, attended: 2, absent: 2 });

    const upcoming = await getJson<Page<Webinar>>("/api/v1/webinars?status=upcoming", key);
    expect(upcoming.body.data.map((w) => w.id)).toEqual([fx.upcoming]);
    expect(upcoming.body.data[0]?.counts).toEqual({ registered: 1, accepted: 0, attended: 0, absent: 0 });

    const all = await getJson<Page<Webinar>>("/api/v1/webinars", key);
    expect(all.body.data.map((w) => [w.id, w.status])).toEqual([
      [fx.cancelled, "cancelled"],
      [fx.upcoming, "upcoming"],
      [fx.finished, "finished"],
    ]);
  });

  it("pages with cursors, each webinar once", async () => {
    const first = await getJson<Page<Webinar>>("/api/v1/webinars?limit=2", key);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await getJson<Page<Webinar>>(`/api/v1/webinars?limit=2&cursor=${first.body.next_cursor}`, key);
    expect(second.body.data.map((w) => w.id)).toEqual([fx.finished]);
    expect(second.body.next_cursor).toBeNull();
  });

  it("answers one webinar in the documented shape, with string keys", async () => {
    const res = await getJson<Record<string, unknown>>(`/api/v1/webinars/${fx.finished}`, key);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        "id",
        "connector_id",
        "webinar_key",
        "subject",
        "starts_at",
        "ends_at",
        "time_zone",
        "status",
        "counts",
        "last_synced_at",
        "next_sync_at",
      ].sort(),
    );
    expect(res.body.webinar_key).toMatch(/^\d+$/);
    expect(res.body.connector_id).toBe(fx.connectorId);
  });
});

describe("GET /api/v1/webinars/:id/registrants", () => {
  it("returns exactly the prospects behind each count", async () => {
    const attended = await allRegistrants(fx.finished, "attended", 100);
    expect(attended.map((r) => r.email.split("-")[0]).sort()).toEqual(["ann", "bob"]);
    expect(attended.find((r) => r.email.startsWith("ann"))).toMatchObject({ attended: true, minutes_attended: 45 });
    const absent = await allRegistrants(fx.finished, "absent", 100);
    expect(absent.map((r) => r.email.split("-")[0]).sort()).toEqual(["cat", "dan"]);
    const registered = await allRegistrants(fx.finished, "registered", 100);
    expect(registered.map((r) => r.email.split("-")[0]).sort()).toEqual(["ann", "bob", "cat", "dan"]);
  });

  it("pages one registrant at a time without loss or repeats", async () => {
    const one = await allRegistrants(fx.finished, "registered", 1);
    expect(one).toHaveLength(4);
    expect(new Set(one.map((r) => r.prospect_id)).size).toBe(4);
  });

  it("has nobody absent before the webinar has ended", async () => {
    expect(await allRegistrants(fx.upcoming, "absent", 100)).toEqual([]);
  });
});

describe("webinar API errors", () => {
  async function expectError(path: string, status: number, code: string): Promise<void> {
    const res = await call(path, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status, path).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
  }

  it.each([
    ["/api/v1/webinars?status=past", 400, "invalid_request"],
    ["/api/v1/webinars?limit=501", 400, "invalid_request"],
    ["/api/v1/webinars?limit=0", 400, "invalid_request"],
    ["/api/v1/webinars?cursor=bm9wZQ", 400, "invalid_cursor"],
    ["/api/v1/webinars?cursor=%F0%9F%92%A5", 400, "invalid_cursor"],
    ["/api/v1/webinars/web_nope", 404, "not_found"],
    ["/api/v1/webinars/web_nope/registrants", 404, "not_found"],
  ])("%s answers %i %s", async (path, status, code) => {
    await expectError(path, status, code);
  });

  it("refuses a bad registrant status or cursor with 400", async () => {
    await expectError(`/api/v1/webinars/${fx.finished}/registrants?status=accepted`, 400, "invalid_request");
    await expectError(`/api/v1/webinars/${fx.finished}/registrants?cursor=abc`, 400, "invalid_cursor");
  });

  it("answers 401 without a key", async () => {
    expect((await call(`/api/v1/webinars/${fx.finished}`)).status).toBe(401);
  });
});

describe("openapi.json", () => {
  it("documents the webinar and prospect routes", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string; schema: { enum?: string[] } }[] } }>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/webinars",
        "/webinars/{id}",
        "/webinars/{id}/registrants",
        "/prospects",
        "/prospects/{id}",
      ]),
    );
    const status = doc.paths["/webinars/{id}/registrants"]?.get?.parameters?.find((p) => p.name === "status");
    expect(status?.schema.enum).toEqual(["registered", "attended", "absent"]);
  });
});
