import { describe, expect, it } from "vitest";
import { ADMIN, login, rows } from "../helpers";
import { controlJson } from "./connector-helpers";
import { actionsTaken, addRule, jobsDone, listIdsOf, newStaticList, scoreOf, tagsOf } from "./rule-helpers";
import { HOUR, MINUTE, pollDone, session, syncFixture, syncNow } from "./sync-helpers";

/**
 * Automation rules on attendance as the sync brings it in (simulator → poll → ingestion → the
 * recorder's seam): absentees and attendees are acted on in the poll that reads attendance, and
 * every later poll (Sync now, alarm re-runs) changes nothing.
 */

const BEFORE = "2000-01-01T00:00:00.000Z";

async function everything(): Promise<unknown> {
  return {
    taken: await rows("SELECT * FROM rule_actions_taken ORDER BY id"),
    matches: await rows("SELECT * FROM rule_matches ORDER BY rule_id, prospect_id"),
    tags: await rows("SELECT prospect_id, tag FROM prospect_tags ORDER BY prospect_id, tag"),
    members: await rows("SELECT list_id, prospect_id, created_at FROM list_members ORDER BY list_id, prospect_id"),
    scores: await rows("SELECT id, score FROM prospects ORDER BY id"),
    activities: await rows("SELECT id, prospect_id, dedupe_key, points FROM activities ORDER BY id"),
  };
}

describe("automation rules on synced attendance", () => {
  it("absentees get the tag, the list and −5 once; attendees over 20 minutes their tag; re-syncs change nothing", async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const followUp = await newStaticList("Recording follow-up (sync)");
    const absentRule = await addRule(admin, {
      name: "No-shows get the recording",
      criteria: {
        match: "all",
        conditions: [{ kind: "webinar_status", status: "absent", scope: "any", webinarId: null, campaignId: null }],
      },
      actions: [
        { type: "add_tag", tag: "no-show" },
        { type: "add_to_list", listId: followUp },
        { type: "adjust_score", points: -5 },
      ],
    });
    const engagedRule = await addRule(admin, {
      name: "Engaged attendees",
      criteria: {
        match: "all",
        conditions: [{ kind: "attended_minutes", minutes: 20, scope: "any", webinarId: null, campaignId: null }],
      },
      actions: [{ type: "add_tag", tag: "engaged" }],
    });

    const s = session(-2 * HOUR); // ended an hour ago
    const fx = await syncFixture([{ subject: "Sync rules tour", times: [s] }], async (key) => {
      await controlJson("POST", `/webinars/${key}/registrants`, [
        { email: "long@example.com", firstName: "Lo", lastName: "Ng" },
        { email: "short@example.com", firstName: "Sh", lastName: "Ort" },
        { email: "away1@example.com", firstName: "Aw", lastName: "Ay" },
        { email: "away2@example.com", firstName: "Aw", lastName: "Ay" },
      ]);
      const at = (from: number, to: number) => ({
        joinTime: new Date(Date.parse(s.startTime) + from * MINUTE).toISOString(),
        leaveTime: new Date(Date.parse(s.startTime) + to * MINUTE).toISOString(),
      });
      await controlJson("POST", `/webinars/${key}/attendance`, { email: "long@example.com", ...at(0, 45) });
      await controlJson("POST", `/webinars/${key}/attendance`, { email: "short@example.com", ...at(5, 15) });
    });
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    await pollDone(webinar.id, BEFORE);

    const ids = Object.fromEntries(
      (
        await rows<{ id: string; email: string }>("SELECT id, email FROM prospects WHERE email LIKE '%@example.com'")
      ).map((r) => [r.email, r.id]),
    ) as Record<string, string>;
    const id = (email: string): string => {
      const found = ids[email];
      if (!found) throw new Error(`no prospect ${email}`);
      return found;
    };
    for (const email of ["away1@example.com", "away2@example.com"]) {
      expect(await tagsOf(id(email))).toEqual(["no-show"]);
      expect(await listIdsOf(id(email))).toEqual([followUp]);
    }
    expect(await tagsOf(id("long@example.com"))).toEqual(["engaged"]);
    expect(await tagsOf(id("short@example.com"))).toEqual([]);
    expect(await listIdsOf(id("long@example.com"))).toEqual([]);

    // −5 once: the absentee's score is its webinar activities' points less five.
    const [points] = await rows<{ p: number }>(
      "SELECT sum(points) AS p FROM activities WHERE prospect_id = ? AND type <> 'score_adjusted'",
      id("away1@example.com"),
    );
    expect(await scoreOf(id("away1@example.com"))).toBe((points?.p ?? 0) - 5);
    const taken = await actionsTaken(absentRule);
    expect(taken).toHaveLength(6);
    expect(new Set(taken.map((t) => t.subject_id))).toEqual(
      new Set([id("away1@example.com"), id("away2@example.com")]),
    );
    // Absent is no activity: the trigger is the attendance read after the end. Attended is one.
    expect(new Set(taken.map((t) => t.trigger))).toEqual(new Set(["attendance"]));
    const engaged = await actionsTaken(engagedRule);
    expect(engaged.map((t) => [t.subject_id, t.trigger])).toEqual([[id("long@example.com"), "activity"]]);
    const [trigger] = await rows<{ type: string }>("SELECT type FROM activities WHERE id = ?", engaged[0]?.activity_id);
    expect(trigger?.type).toBe("webinar_attended");

    // Sync now, twice, and an alarm re-run: the same facts, so nothing changes anywhere.
    const before = await everything();
    await syncNow(webinar.id);
    await syncNow(webinar.id);
    expect(await everything()).toEqual(before);

    // A rule on this webinar added now and applied to who already matches acts on the absentees once.
    const lateRule = await addRule(admin, {
      name: "Absent from the sync tour",
      start: "existing",
      criteria: {
        match: "all",
        conditions: [
          { kind: "webinar_status", status: "absent", scope: "webinar", webinarId: webinar.id, campaignId: null },
        ],
      },
      actions: [{ type: "adjust_score", points: -1 }],
    });
    await jobsDone();
    expect((await actionsTaken(lateRule)).map((t) => [t.trigger, t.outcome])).toEqual([
      ["apply", "done"],
      ["apply", "done"],
    ]);
    expect(await scoreOf(id("away2@example.com"))).toBe((points?.p ?? 0) - 6);
    const afterApply = await everything();
    await syncNow(webinar.id);
    expect(await everything()).toEqual(afterApply);
  }, 120_000);
});
