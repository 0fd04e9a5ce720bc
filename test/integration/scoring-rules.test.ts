import { beforeAll, describe, expect, it } from "vitest";
import { ACTIVITY_TYPES } from "../../src/domain/scoring";
import { ADMIN, call, form, login, rows, type Session } from "../helpers";
import { seedActivity, seedConnector, seedProspect, seedWebinar } from "./report-seed";

let admin: Session;

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
});

function allPoints(over: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { _csrf: admin.csrf };
  for (const [type, info] of Object.entries(ACTIVITY_TYPES)) out[`points_${type}`] = String(info.defaultPoints);
  return { ...out, ...over };
}

async function post(fields: Record<string, string>): Promise<{ status: number; html: string }> {
  const res = await call("/admin/automation/scoring", { method: "POST", cookie: admin.cookie, ...form(fields) });
  return { status: res.status, html: await res.text() };
}

describe("Automation area", () => {
  it("links to the scoring rules and, with no automation rule yet, says so and offers Add rule", async () => {
    const html = await (await call("/admin/automation", { cookie: admin.cookie })).text();
    expect(html).toContain('href="/admin/automation/scoring"');
    expect(html).toContain("No automation rules yet");
    expect(html).toContain('href="/admin/automation/rules/new"');
  });
});

describe("Scoring rules", () => {
  it("shows every activity type with its default points", async () => {
    const html = await (await call("/admin/automation/scoring", { cookie: admin.cookie })).text();
    for (const [type, info] of Object.entries(ACTIVITY_TYPES)) {
      expect(html).toContain(info.label);
      expect(html).toMatch(new RegExp(`name="points_${type}"[^>]*value="${info.defaultPoints}"`));
    }
  });

  it("saves changed points for new activities and leaves scored activities alone", async () => {
    const connector = await seedConnector();
    const webinar = await seedWebinar(connector, "Scoring webinar", [[-3, -2]]);
    const prospect = await seedProspect("scored@example.com");
    await seedActivity(prospect, webinar, "webinar_registered", 10);

    const saved = await post(allPoints({ points_webinar_registered: "20", points_webinar_attended: "-3" }));
    expect(saved.status).toBe(200);
    expect(saved.html).toContain("Scoring rules saved.");
    expect(saved.html).toMatch(/name="points_webinar_registered"[^>]*value="20"/);
    expect(await rows("SELECT activity_type, points FROM scoring_rules ORDER BY activity_type")).toEqual([
      { activity_type: "webinar_attended", points: -3 },
      { activity_type: "webinar_registered", points: 20 },
    ]);
    expect(await rows("SELECT points FROM activities WHERE prospect_id = ?", prospect)).toEqual([{ points: 10 }]);
    expect(await rows("SELECT score FROM prospects WHERE id = ?", prospect)).toEqual([{ score: 10 }]);
    const [audit] = await rows<{ subject: string }>("SELECT subject FROM audit_log WHERE action = 'scoring.updated'");
    expect(audit?.subject).toContain("webinar_registered=20");

    const again = await post(allPoints({ points_webinar_registered: "20", points_webinar_attended: "-3" }));
    expect(again.html).toContain("Nothing changed.");
  });

  it.each([["abc"], ["1.5"], ["5000"], [""]])("refuses %j with 422, the message and the input kept", async (bad) => {
    const res = await post(allPoints({ points_webinar_accepted: bad, points_form_submitted: "7" }));
    expect(res.status).toBe(422);
    expect(res.html).toContain("Enter whole points from -1000 to 1000.");
    expect(res.html).toMatch(/name="points_form_submitted"[^>]*value="7"/);
    expect(await rows("SELECT 1 FROM scoring_rules WHERE activity_type = 'form_submitted'")).toEqual([]);
  });
});
