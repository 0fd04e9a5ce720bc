import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { findOrCreateCampaign } from "../../src/db/queries/campaigns";
import { findOrCreateList } from "../../src/db/queries/lists";
import { parseCsv } from "../csv-parse";
import { ADMIN, call, login, rows, type Session } from "../helpers";
import { apiKey, db, iso, seedProspect, seedWebinar, seedWebinarFixture, type WebinarFixture } from "./report-seed";

let fx: WebinarFixture;
let admin: Session;
let key: string;
/** A webinar with BULK registrants, all registered in the same millisecond (ties broken by id). */
let bulk: string;
const BULK = 2_345;

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Many prospects and registrations in a few statements (one JSON parameter each), as GoTo ingestion would leave them. */
async function seedBulk(webinarId: string, n: number): Promise<void> {
  const at = iso(-200);
  const people = Array.from({ length: n }, (_, i) => ({
    p: `pro_bulk${String(i).padStart(5, "0")}`,
    r: `reg_bulk${String(n - i).padStart(5, "0")}`,
    e: `bulk-${i}@example.com`,
    a: i % 3 === 0 ? 1 : 0,
  }));
  for (let i = 0; i < people.length; i += 1000) {
    const chunk = JSON.stringify(people.slice(i, i + 1000));
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO prospects (id, email, first_name, last_name, source, score, created_at, updated_at)
         SELECT j.value->>'p', j.value->>'e', 'Bulk', 'Person', 'gotowebinar', 10, ?2, ?2 FROM json_each(?1) j`,
      ).bind(chunk, at),
      env.DB.prepare(
        `INSERT INTO registrations (id, prospect_id, webinar_id, status, source, attended, minutes_attended, registered_at, updated_at)
         SELECT j.value->>'r', j.value->>'p', ?2, 'approved', 'gotowebinar', j.value->>'a', (j.value->>'a') * 30, ?3, ?3
         FROM json_each(?1) j`,
      ).bind(chunk, webinarId, at),
    ]);
  }
}

async function api(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { headers: { authorization: `Bearer ${key}`, ...headers } });
}

/** Every item of a JSON list route, page by page. */
async function allJson<T>(path: string, limit = 500): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = path.includes("?") ? "&" : "?";
    const res = await api(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status, path).toBe(200);
    const body = (await res.json()) as Page<T>;
    out.push(...body.data);
    cursor = body.next_cursor;
    if (!cursor) return out;
  }
  throw new Error("more than 100 pages");
}

/** A CSV answer read strictly: its BOM, then records as objects keyed by the header. */
async function readCsv(res: Response): Promise<{ header: string[]; rows: Record<string, string>[]; raw: string }> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.slice(0, 3)], "UTF-8 byte order mark").toEqual([0xef, 0xbb, 0xbf]);
  const raw = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  const [header = [], ...records] = parseCsv(raw);
  for (const r of records) expect(r).toHaveLength(header.length);
  return {
    header,
    rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""]))),
    raw,
  };
}

function fileName(res: Response): string {
  return /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "";
}

/** The JSON item as the CSV writes it: nested objects flattened, lists joined, nothing empty. */
function asCells(item: Record<string, unknown>, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(item)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      Object.assign(out, asCells(value as Record<string, unknown>, `${prefix}${k}_`));
    } else {
      out[`${prefix}${k}`] = Array.isArray(value) ? value.join("; ") : value === null ? "" : String(value);
    }
  }
  return out;
}

beforeAll(async () => {
  fx = await seedWebinarFixture("csv");
  admin = await login(ADMIN.email, ADMIN.password);
  key = await apiKey();
  bulk = await seedWebinar(fx.connectorId, "Bulk tour", [[-30, -29]]);
  await seedBulk(bulk, BULK);
});

describe("JSON API list routes as CSV", () => {
  it("answers ?format=csv with the same rows as all the JSON pages, across CSV page boundaries and ties", async () => {
    const path = `/api/v1/webinars/${bulk}/registrants?status=registered`;
    const json = await allJson<Record<string, unknown>>(path);
    expect(json).toHaveLength(BULK);
    const res = await api(`${path}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    const csv = await readCsv(res);
    expect(csv.header).toEqual([
      "prospect_id",
      "email",
      "first_name",
      "last_name",
      "status",
      "attended",
      "minutes_attended",
      "registered_at",
      "source",
    ]);
    expect(csv.rows).toEqual(json.map((item) => asCells(item)));
    expect(new Set(csv.rows.map((r) => r.prospect_id)).size).toBe(BULK);
    expect(csv.raw.endsWith("\r\n")).toBe(true);
  });

  it("answers Accept: text/csv the same way; format wins over Accept; */* stays JSON", async () => {
    const path = `/api/v1/webinars/${fx.finished}/registrants?status=attended`;
    const byAccept = await api(path, { accept: "text/csv" });
    expect(byAccept.headers.get("content-type")).toContain("text/csv");
    expect((await readCsv(byAccept)).rows.map((r) => r.email)).toEqual(["ann-csv@example.com", "bob-csv@example.com"]);
    const preferred = await api(path, { accept: "application/json;q=0.5, text/csv" });
    expect(preferred.headers.get("content-type")).toContain("text/csv");
    await preferred.arrayBuffer();
    const jsonWins = await api(`${path}&format=json`, { accept: "text/csv" });
    expect(jsonWins.headers.get("content-type")).toContain("application/json");
    await jsonWins.arrayBuffer();
    const any = await api(path, { accept: "*/*" });
    expect(any.headers.get("content-type")).toContain("application/json");
    await any.arrayBuffer();
  });

  it("names the file after the webinar, the status and the webinar's date", async () => {
    const res = await api(`/api/v1/webinars/${fx.finished}/registrants?status=absent&format=csv`);
    const [{ starts_at: startsAt } = { starts_at: "" }] = await rows<{ starts_at: string }>(
      "SELECT starts_at FROM webinars WHERE id = ?",
      fx.finished,
    );
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(startsAt ?? ""));
    expect(fileName(res)).toBe(`finished-csv-absent-${day}.csv`);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="[a-z0-9-]+\.csv"; filename\*=UTF-8''/,
    );
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect((await readCsv(res)).rows.map((r) => r.email)).toEqual(["cat-csv@example.com", "dan-csv@example.com"]);
  });

  it("streams from the given cursor onward", async () => {
    const path = `/api/v1/webinars/${bulk}/registrants?status=attended`;
    const first = (await (await api(`${path}&limit=100`)).json()) as Page<{ prospect_id: string }>;
    const all = await allJson<{ prospect_id: string }>(path);
    const rest = await readCsv(await api(`${path}&format=csv&cursor=${first.next_cursor}`));
    expect(rest.rows.map((r) => r.prospect_id)).toEqual(all.slice(100).map((r) => r.prospect_id));
  });

  it("lists webinars with their counts flattened, keys as strings", async () => {
    const json = await allJson<Record<string, unknown>>("/api/v1/webinars?status=all");
    const res = await api("/api/v1/webinars?status=all&format=csv");
    expect(fileName(res)).toMatch(/^webinars-all-\d{4}-\d\d-\d\d\.csv$/);
    const csv = await readCsv(res);
    expect(csv.header).toEqual([
      "id",
      "connector_id",
      "webinar_key",
      "subject",
      "starts_at",
      "ends_at",
      "time_zone",
      "status",
      "counts_registered",
      "counts_accepted",
      "counts_attended",
      "counts_absent",
      "last_synced_at",
      "next_sync_at",
    ]);
    expect(csv.rows).toEqual(json.map((item) => asCells(item)));
    expect(csv.rows.find((r) => r.id === fx.finished)?.counts_absent).toBe("2");
  });

  it("lists prospects, neutralising formulas and quoting what needs it", async () => {
    await seedProspect("formula-csv@example.com", {
      firstName: '=HYPERLINK("http://evil.test","Click")',
      lastName: "@SUM(A1)",
      company: "Acme, Inc.\r\nBerlin",
    });
    await seedProspect("bidi-csv@example.com", { firstName: "\u202Egpj.exe", lastName: "Zoë 東京", company: "+1 555" });
    const json = await allJson<Record<string, unknown>>("/api/v1/prospects");
    const res = await api("/api/v1/prospects?format=csv");
    expect(fileName(res)).toMatch(/^prospects-\d{4}-\d\d-\d\d\.csv$/);
    const csv = await readCsv(res);
    expect(csv.rows).toHaveLength(json.length);
    const formula = csv.rows.find((r) => r.email === "formula-csv@example.com");
    expect(formula?.first_name).toBe(`'=HYPERLINK("http://evil.test","Click")`);
    expect(formula?.last_name).toBe("'@SUM(A1)");
    expect(formula?.company).toBe("Acme, Inc.\r\nBerlin");
    const bidi = csv.rows.find((r) => r.email === "bidi-csv@example.com");
    expect(bidi?.first_name).toBe("gpj.exe");
    expect(bidi?.last_name).toBe("Zoë 東京");
    expect(bidi?.company).toBe("'+1 555");
    expect(csv.raw).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B]/);
    // Every other cell is the JSON value as it is.
    const plain = csv.rows.filter((r) => !["formula-csv@example.com", "bidi-csv@example.com"].includes(r.email ?? ""));
    expect(plain).toEqual(
      json
        .filter((p) => !["formula-csv@example.com", "bidi-csv@example.com"].includes(String(p.email)))
        .map((p) => asCells(p)),
    );
  });

  it("lists the audit log", async () => {
    const json = await allJson<Record<string, unknown>>("/api/v1/audit-log");
    const csv = await readCsv(await api("/api/v1/audit-log?format=csv"));
    expect(csv.header).toEqual(["id", "at", "action", "subject", "actor_id"]);
    expect(csv.rows).toEqual(json.map((item) => asCells(item)));
  });

  it("refuses bad format, cursor, filter and limit values with 4xx JSON, never a 5xx or a half file", async () => {
    const base = `/api/v1/webinars/${fx.finished}/registrants`;
    const cases: [string, Record<string, string>, number, string, string][] = [
      [`${base}?format=xml`, {}, 400, "invalid_request", "format must be json or csv"],
      [`${base}?format=CSV`, {}, 400, "invalid_request", "format must be json or csv"],
      [`${base}?format=`, {}, 400, "invalid_request", "format must be json or csv"],
      [`${base}?format=csv&cursor=zzz`, {}, 400, "invalid_cursor", "cursor is not one this API gave out"],
      [`${base}?cursor=bm9wZQ`, { accept: "text/csv" }, 400, "invalid_cursor", "cursor is not one this API gave out"],
      [`${base}?format=csv&status=everyone`, {}, 400, "invalid_request", "status must be one of"],
      [`${base}?format=csv&limit=0`, {}, 400, "invalid_request", "limit must be a whole number"],
      [`/api/v1/webinars?format=csv&status=past`, {}, 400, "invalid_request", "status must be one of"],
      [`/api/v1/prospects?format=csv&email=`, {}, 400, "invalid_request", "email must not be empty"],
      [`/api/v1/audit-log?format=pdf`, {}, 400, "invalid_request", "format must be json or csv"],
      [`/api/v1/webinars/web_nope/registrants?format=csv`, {}, 404, "not_found", "no webinar with this id"],
    ];
    for (const [path, headers, status, code, message] of cases) {
      const res = await api(path, headers);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("content-type"), path).toContain("application/json");
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, path).toBe(code);
      expect(body.error.message, path).toContain(message);
    }
    const noKey = await call(`${base}?format=csv`);
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get("content-type")).toContain("application/json");
    await noKey.arrayBuffer();
  });

  it("documents the text/csv answer and the format parameter in openapi.json", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<
        string,
        { get?: { parameters?: { name: string }[]; responses: Record<string, { content?: Record<string, unknown> }> } }
      >;
    };
    for (const path of ["/webinars", "/webinars/{id}/registrants", "/prospects", "/audit-log"]) {
      const get = doc.paths[path]?.get;
      expect(Object.keys(get?.responses["200"]?.content ?? {}), path).toEqual(["application/json", "text/csv"]);
      expect(
        get?.parameters?.map((p) => p.name),
        path,
      ).toContain("format");
    }
    const csv = doc.paths["/webinars"]?.get?.responses["200"]?.content?.["text/csv"] as {
      schema: { description: string };
    };
    expect(csv.schema.description).toContain("counts_registered");
  });
});

describe("Report drill-downs export", () => {
  async function page(path: string): Promise<{ status: number; html: string }> {
    const res = await call(path, { cookie: admin.cookie });
    return { status: res.status, html: await res.text() };
  }

  it("every count's drill-down has an Export CSV link that downloads exactly its prospects", async () => {
    const expected: Record<string, string[]> = {
      registered: ["ann", "bob", "cat", "dan"],
      accepted: ["ann", "cat"],
      attended: ["ann", "bob"],
      absent: ["cat", "dan"],
      cancelled: ["hal"],
      denied: ["gus"],
    };
    for (const [status, names] of Object.entries(expected)) {
      const drill = await page(`/admin/webinars/${fx.finished}/registrants?status=${status}`);
      expect(drill.html, status).toContain(
        `href="/admin/webinars/${fx.finished}/registrants?status=${status}&amp;format=csv"`,
      );
      expect(drill.html, status).toContain(">Export CSV</a>");
      const res = await call(`/admin/webinars/${fx.finished}/registrants?status=${status}&format=csv`, {
        cookie: admin.cookie,
      });
      expect(res.status, status).toBe(200);
      expect(fileName(res), status).toMatch(new RegExp(`^finished-csv-${status}-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
      const csv = await readCsv(res);
      expect(
        csv.rows.map((r) => r.Email),
        status,
      ).toEqual(names.map((n) => `${n}-csv@example.com`));
    }
  });

  it("has the columns a marketer needs", async () => {
    const campaign = await findOrCreateCampaign(db(), "Spring launch");
    await env.DB.prepare("UPDATE prospects SET company = 'Acme', campaign_id = ? WHERE email = 'ann-csv@example.com'")
      .bind(campaign.id)
      .run();
    const res = await call(`/admin/webinars/${fx.finished}/registrants?status=attended&format=csv`, {
      cookie: admin.cookie,
    });
    const csv = await readCsv(res);
    expect(csv.header).toEqual([
      "Email",
      "First name",
      "Last name",
      "Company",
      "Status",
      "Attended",
      "Minutes attended",
      "Registered at (UTC)",
      "Source",
      "Score",
      "Campaign",
    ]);
    const ann = csv.rows[0];
    expect(ann).toMatchObject({
      Email: "ann-csv@example.com",
      "First name": "ANN",
      "Last name": "Tester csv",
      Company: "Acme",
      Status: "Accepted",
      Attended: "Yes",
      "Minutes attended": "45",
      Source: "GoTo",
      Score: "40",
      Campaign: "Spring launch",
    });
    expect(ann?.["Registered at (UTC)"]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(csv.rows[1]).toMatchObject({ Email: "bob-csv@example.com", Status: "Registered", Campaign: "" });
  });

  it("downloads every matching prospect, not only the page shown", async () => {
    const drill = await page(`/admin/webinars/${bulk}/registrants?status=attended`);
    expect(drill.html.match(/<tr>/g)?.length).toBe(51); // the header and 50 rows
    const res = await call(`/admin/webinars/${bulk}/registrants?status=attended&format=csv`, { cookie: admin.cookie });
    expect(fileName(res)).toMatch(/^bulk-tour-attended-/);
    const csv = await readCsv(res);
    expect(csv.rows).toHaveLength(Math.ceil(BULK / 3));
    expect(new Set(csv.rows.map((r) => r.Email)).size).toBe(Math.ceil(BULK / 3));
    const [audited] = await rows<{ subject: string }>(
      "SELECT subject FROM audit_log WHERE action = 'report.exported' ORDER BY id DESC LIMIT 1",
    );
    expect(audited?.subject).toBe(fileName(res));
  });

  it("shows the cancelled and denied counts as drill-downs on the webinar page", async () => {
    const res = await page(`/admin/webinars/${fx.finished}`);
    for (const status of ["cancelled", "denied"]) {
      expect(res.html).toContain(`href="/admin/webinars/${fx.finished}/registrants?status=${status}"`);
      expect(res.html).toContain(`data-count="${status}">1<`);
    }
  });

  it("refuses a broken export link with the admin's 400 page, never a 5xx", async () => {
    for (const q of ["format=xls", "format=", "format=csv&status=everyone", "format=csv&cursor=zzz"]) {
      const res = await page(`/admin/webinars/${fx.finished}/registrants?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.html, q).not.toContain("\uFEFF");
    }
    expect((await page(`/admin/webinars/${fx.finished}/registrants?format=xls`)).html).toContain(
      "format can only be csv",
    );
    expect((await page("/admin/webinars/web_nope/registrants?format=csv")).status).toBe(404);
  });
});

describe("Prospect list filters and export", () => {
  let listId: string;
  let campaignId: string;

  beforeAll(async () => {
    const list = await findOrCreateList(db(), "Recording follow-up");
    const campaign = await findOrCreateCampaign(db(), "Autumn webinars");
    listId = list.id;
    campaignId = campaign.id;
    const people: [string, number, { list?: boolean; tag?: string; campaign?: boolean }][] = [
      ["flt-a", 5, { list: true, tag: "no-show" }],
      ["flt-b", 25, { list: true, campaign: true }],
      ["flt-c", 60, { tag: "no-show", campaign: true }],
      ["flt-d", -5, { tag: "vip" }],
    ];
    for (const [name, score, opts] of people) {
      const id = await seedProspect(`${name}@filters.test`, {
        firstName: name,
        score,
        campaignId: opts.campaign ? campaignId : null,
      });
      if (opts.list)
        await env.DB.prepare("INSERT INTO list_members (list_id, prospect_id) VALUES (?, ?)").bind(listId, id).run();
      if (opts.tag)
        await env.DB.prepare("INSERT INTO prospect_tags (prospect_id, tag) VALUES (?, ?)").bind(id, opts.tag).run();
    }
  });

  async function shown(query: string): Promise<string[]> {
    const res = await call(`/admin/prospects?${query}`, { cookie: admin.cookie });
    expect(res.status, query).toBe(200);
    const html = await res.text();
    return [...html.matchAll(/(flt-[a-d])@filters\.test<\/bdi>/g)].map((m) => m[1] ?? "").sort();
  }

  async function exported(query: string): Promise<{ names: string[]; file: string }> {
    const res = await call(`/admin/prospects?${query}&format=csv`, { cookie: admin.cookie });
    expect(res.status, query).toBe(200);
    const csv = await readCsv(res);
    return {
      names: csv.rows
        .map((r) => r.Email ?? "")
        .filter((e) => e.endsWith("@filters.test"))
        .map((e) => e.split("@")[0] ?? "")
        .sort(),
      file: fileName(res),
    };
  }

  it("filters by list, tag, campaign and score, and exports exactly what the filters match", async () => {
    const cases: [string, string[]][] = [
      [`list=${listId}`, ["flt-a", "flt-b"]],
      ["tag=no-show", ["flt-a", "flt-c"]],
      [`campaign=${campaignId}`, ["flt-b", "flt-c"]],
      ["min_score=20", ["flt-b", "flt-c"]],
      ["max_score=5&q=flt-", ["flt-a", "flt-d"]],
      ["min_score=-5&max_score=-5", ["flt-d"]],
      [`tag=no-show&campaign=${campaignId}&min_score=50`, ["flt-c"]],
      [`list=${listId}&tag=vip`, []],
    ];
    for (const [query, names] of cases) {
      expect(await shown(query), query).toEqual(names);
      if (names.length > 0) expect((await exported(query)).names, query).toEqual(names);
    }
  });

  it("keeps the filters in the page and export links and names the file after them", async () => {
    const res = await call(`/admin/prospects?tag=no-show&min_score=1`, { cookie: admin.cookie });
    const html = await res.text();
    expect(html).toContain('href="/admin/prospects?tag=no-show&amp;min_score=1&amp;format=csv"');
    expect(html).toContain('<option value="no-show">');
    expect(html).toContain(`<option value="${listId}">Recording follow-up</option>`);
    const { file } = await exported(`list=${listId}&tag=no-show&min_score=1`);
    expect(file).toMatch(/^prospects-recording-follow-up-tag-no-show-score-from-1-\d{4}-\d\d-\d\d\.csv$/);
  });

  it("exports the marketer's columns for prospects, merged emails joined", async () => {
    const csv = await readCsv(await call("/admin/prospects?q=flt-c&format=csv", { cookie: admin.cookie }));
    expect(csv.header).toEqual([
      "Email",
      "First name",
      "Last name",
      "Company",
      "Job title",
      "Country",
      "Score",
      "Campaign",
      "Source",
      "Created at (UTC)",
      "Merged emails",
    ]);
    expect(csv.rows).toEqual([
      expect.objectContaining({
        Email: "flt-c@filters.test",
        Score: "60",
        Campaign: "Autumn webinars",
        Source: "GoTo",
      }),
    ]);
  });

  it("answers bad filter values with 422 and what to fix, never a 5xx", async () => {
    const cases: [string, string][] = [
      ["min_score=abc", "Score at least must be a whole number, like 20 or -5."],
      ["max_score=1.5", "Score at most must be a whole number, like 20 or -5."],
      ["min_score=99999999999", "Score at least must be a whole number"],
      ["min_score=50&max_score=10", "Score at most must not be below Score at least."],
      ["list=lst_nope", "There is no such list. Choose one from the menu."],
      ["campaign=cmp_nope", "There is no such campaign. Choose one from the menu."],
      [`list=${"x".repeat(500)}`, "There is no such list."],
      [`tag=${"t".repeat(101)}`, "Use at most 100 characters for a tag."],
      ["min_score=abc&format=csv", "Score at least must be a whole number"],
      ["list=lst_nope&format=csv", "There is no such list."],
    ];
    for (const [query, message] of cases) {
      const res = await call(`/admin/prospects?${query}`, { cookie: admin.cookie });
      expect(res.status, query).toBe(422);
      expect(res.headers.get("content-type"), query).toContain("text/html");
      const html = await res.text();
      expect(html, query).toContain(message);
      expect(html, query).toContain('aria-invalid="true"');
    }
    const broken = await call("/admin/prospects?format=xlsx", { cookie: admin.cookie });
    expect(broken.status).toBe(422);
    expect(await broken.text()).toContain("format can only be csv");
  });
});
