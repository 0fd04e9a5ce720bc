import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  type NewActivity,
  planActivity,
  recordActivities,
  recordActivitiesOfActiveProspect,
  webinarActivityKey,
} from "../../src/db/queries/activities";
import { runBatch } from "../../src/db/queries/statements";
import { rows } from "../helpers";
import { db, seedConnector, seedProspect, seedWebinar } from "./report-seed";

const NOW = "2026-12-01T10:00:00.000Z";

async function record(list: NewActivity[]): Promise<ReturnType<ReturnType<typeof recordActivities>["newActivities"]>> {
  const recording = recordActivities(list, NOW);
  return recording.newActivities(await runBatch(db(), recording.statements));
}

async function scoreOf(prospectId: string): Promise<number> {
  const [row] = await rows<{ score: number }>("SELECT score FROM prospects WHERE id = ?", prospectId);
  return row?.score ?? Number.NaN;
}

describe("activity recorder", () => {
  it("inserts once by dedupe key, scores once with the rules in force, and reports only the new activities", async () => {
    const webinarId = await seedWebinar(await seedConnector(), "Recorder", [[24, 25]]);
    const prospectId = await seedProspect("recorder@example.com");
    const event = (kind: "registered" | "attended", minutes: number | null = null) => ({
      prospectId,
      webinarId,
      type: kind === "registered" ? ("webinar_registered" as const) : ("webinar_attended" as const),
      dedupeKey: webinarActivityKey(webinarId, kind),
      minutes,
      detail: "Recorder",
      occurredAt: NOW,
    });

    const first = await record([planActivity(event("registered"), new Map())]);
    expect(first.map((a) => [a.prospectId, a.type, a.points])).toEqual([[prospectId, "webinar_registered", 10]]);
    expect(await scoreOf(prospectId)).toBe(10);

    // The same activity again, scored under a different rule: nothing new, the points it was given stay.
    const again = await record([planActivity(event("registered"), new Map([["webinar_registered", 99]]))]);
    expect(again).toEqual([]);
    expect(await scoreOf(prospectId)).toBe(10);

    // Attendance: new once; a later pass with more minutes updates the minutes only, and is not new.
    expect((await record([planActivity(event("attended", 20), new Map())])).map((a) => a.type)).toEqual([
      "webinar_attended",
    ]);
    expect(await record([planActivity(event("attended", 35), new Map([["webinar_attended", 1]]))])).toEqual([]);
    const acts = await rows<{ type: string; points: number; minutes: number | null }>(
      "SELECT type, points, minutes FROM activities WHERE prospect_id = ? ORDER BY type",
      prospectId,
    );
    expect(acts).toEqual([
      { type: "webinar_attended", points: 25, minutes: 35 },
      { type: "webinar_registered", points: 10, minutes: null },
    ]);
    expect(await scoreOf(prospectId)).toBe(35);
  });

  it("records for the active prospect of an email inside the caller's batch, only when its condition holds", async () => {
    const webinarId = await seedWebinar(await seedConnector(), "Recorder 2", [[24, 25]]);
    const prospectId = await seedProspect("batch@example.com");
    const planned = [
      planActivity(
        { webinarId: null, type: "score_adjusted", points: 7, dedupeKey: "test:adjust", detail: null, occurredAt: NOW },
        new Map(),
      ),
      planActivity(
        {
          webinarId,
          type: "webinar_registered",
          dedupeKey: webinarActivityKey(webinarId, "registered"),
          detail: "form",
          occurredAt: NOW,
          createdAt: NOW,
        },
        new Map(),
      ),
      // A webinar deleted meanwhile: left out, the batch still succeeds.
      planActivity(
        {
          webinarId: "web_gone",
          type: "webinar_registered",
          dedupeKey: webinarActivityKey("web_gone", "registered"),
          detail: "form",
          occurredAt: NOW,
        },
        new Map(),
      ),
    ];
    const skipped = recordActivitiesOfActiveProspect({ email: "batch@example.com", when: sql`1 = 0` }, planned, NOW);
    expect(skipped.newActivities(await runBatch(db(), skipped.statements))).toEqual([]);
    expect(await scoreOf(prospectId)).toBe(0);

    const recording = recordActivitiesOfActiveProspect({ email: "batch@example.com", when: sql`1 = 1` }, planned, NOW);
    const results = await runBatch(db(), [sql`SELECT 1`, ...recording.statements]);
    const recorded = recording.newActivities(results.slice(1));
    expect(recorded.map((a) => [a.prospectId, a.type, a.points])).toEqual([
      [prospectId, "score_adjusted", 7],
      [prospectId, "webinar_registered", 10],
    ]);
    const [registered] = await rows<{ created_at: string }>(
      "SELECT created_at FROM activities WHERE prospect_id = ? AND type = 'webinar_registered'",
      prospectId,
    );
    expect(registered?.created_at).toBe(NOW);
    expect(await scoreOf(prospectId)).toBe(17);
  });
});
