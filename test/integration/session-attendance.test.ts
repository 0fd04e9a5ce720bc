import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { matchingIds } from "../../src/db/queries/criteria";
import { mergeProspects } from "../../src/db/queries/merge";
import { parseCriteria } from "../../src/domain/criteria";
import { rows } from "../helpers";
import { controlJson } from "./connector-helpers";
import { db } from "./report-seed";
import { HOUR, MINUTE, pollDone, session, syncFixture, syncNow } from "./sync-helpers";

/** Attendance per session: ingestion keeps each session's minutes and share beside the totals. */

const BEFORE = "2000-01-01T00:00:00.000Z";

async function twoSessionWebinar(subject: string, emails: { both: string; second: string; absent: string }) {
  const s1 = session(-5 * HOUR);
  const s2 = session(-90 * MINUTE);
  const fx = await syncFixture([{ subject, times: [s1, s2] }], async (key) => {
    await controlJson("POST", `/webinars/${key}/registrants`, [
      { email: emails.both, firstName: "Bo", lastName: "Th" },
      { email: emails.second, firstName: "Se", lastName: "Cond" },
      { email: emails.absent, firstName: "Ab", lastName: "Sent" },
    ]);
    const at = (s: { startTime: string }, fromMin: number, toMin: number) => ({
      joinTime: new Date(Date.parse(s.startTime) + fromMin * MINUTE).toISOString(),
      leaveTime: new Date(Date.parse(s.startTime) + toMin * MINUTE).toISOString(),
    });
    await controlJson("POST", `/webinars/${key}/attendance`, { email: emails.both, ...at(s1, 0, 30) });
    await controlJson("POST", `/webinars/${key}/attendance`, { email: emails.both, ...at(s2, 10, 30) });
    await controlJson("POST", `/webinars/${key}/attendance`, { email: emails.second, ...at(s2, 5, 50) });
  });
  const webinar = fx.webinars[0];
  if (!webinar) throw new Error("no webinar");
  await pollDone(webinar.id, BEFORE);
  return { webinar, s1, s2 };
}

type Row = { email: string; starts_at: string; minutes: number; share: number; first_join: string; last_leave: string };

function sessionRows(webinarId: string): Promise<Row[]> {
  return rows<Row>(
    `SELECT p.email, ws.starts_at, sa.minutes, sa.share, sa.first_join, sa.last_leave
     FROM session_attendance sa JOIN prospects p ON p.id = sa.prospect_id
     JOIN webinar_sessions ws ON ws.webinar_id = sa.webinar_id AND ws.session_key = sa.session_key
     WHERE sa.webinar_id = ? ORDER BY p.email, ws.starts_at`,
    webinarId,
  );
}

describe("attendance per session", () => {
  it("keeps minutes, share, first join and last leave of each session; registrations keep the totals", async () => {
    const emails = { both: "sa-both@example.com", second: "sa-second@example.com", absent: "sa-absent@example.com" };
    const { webinar, s1, s2 } = await twoSessionWebinar("Per session", emails);
    const plus = (s: { startTime: string }, m: number) => new Date(Date.parse(s.startTime) + m * MINUTE).toISOString();
    const got = (await sessionRows(webinar.id)).map((r) => ({
      ...r,
      starts_at: new Date(r.starts_at).toISOString(),
      first_join: new Date(r.first_join).toISOString(),
      last_leave: new Date(r.last_leave).toISOString(),
    }));
    expect(got).toEqual([
      {
        email: emails.both,
        starts_at: s1.startTime,
        minutes: 30,
        share: 50,
        first_join: plus(s1, 0),
        last_leave: plus(s1, 30),
      },
      {
        email: emails.both,
        starts_at: s2.startTime,
        minutes: 20,
        share: 33,
        first_join: plus(s2, 10),
        last_leave: plus(s2, 30),
      },
      {
        email: emails.second,
        starts_at: s2.startTime,
        minutes: 45,
        share: 75,
        first_join: plus(s2, 5),
        last_leave: plus(s2, 50),
      },
    ]);
    // Both ended sessions are recorded, whoever attended them.
    expect(await rows("SELECT count(*) AS n FROM webinar_sessions WHERE webinar_id = ?", webinar.id)).toEqual([
      { n: 2 },
    ]);
    const totals = await rows<{ email: string; minutes_attended: number }>(
      `SELECT p.email, r.minutes_attended FROM registrations r JOIN prospects p ON p.id = r.prospect_id
       WHERE r.webinar_id = ? AND r.attended = 1 ORDER BY p.email`,
      webinar.id,
    );
    expect(totals).toEqual([
      { email: emails.both, minutes_attended: 50 },
      { email: emails.second, minutes_attended: 45 },
    ]);

    // A re-poll reads the same attendance: nothing is written again.
    const stamps = await rows(
      "SELECT session_key, prospect_id, updated_at FROM session_attendance WHERE webinar_id = ? ORDER BY 1, 2",
      webinar.id,
    );
    const sessionsRead = await rows(
      "SELECT session_key, read_at FROM webinar_sessions WHERE webinar_id = ? ORDER BY 1",
      webinar.id,
    );
    await syncNow(webinar.id);
    expect(
      await rows(
        "SELECT session_key, prospect_id, updated_at FROM session_attendance WHERE webinar_id = ? ORDER BY 1, 2",
        webinar.id,
      ),
    ).toEqual(stamps);
    expect(
      await rows("SELECT session_key, read_at FROM webinar_sessions WHERE webinar_id = ? ORDER BY 1", webinar.id),
    ).toEqual(sessionsRead);
  }, 60_000);

  it("through the simulator, an attendee of one session of a series is attended any, not all", async () => {
    const emails = { both: "sc-both@example.com", second: "sc-second@example.com", absent: "sc-absent@example.com" };
    const { webinar } = await twoSessionWebinar("Criteria sessions", emails);
    const ids = Object.fromEntries(
      (await rows<{ id: string; email: string }>("SELECT id, email FROM prospects WHERE email LIKE 'sc-%'")).map(
        (r) => [r.email, r.id],
      ),
    );
    const judged = async (which: string): Promise<string[]> => {
      const parsed = parseCriteria({
        match: "all",
        conditions: [{ kind: "attended_sessions", which, webinarId: webinar.id }],
      });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const found = await matchingIds(
        db(),
        { criteria: parsed.criteria },
        { ids: Object.values(ids) },
        new Date().toISOString(),
      );
      const byId = new Map(Object.entries(ids).map(([email, id]) => [id, email]));
      return found.map((id) => byId.get(id) ?? id).sort();
    };
    expect(await judged("any")).toEqual([emails.both, emails.second]);
    expect(await judged("all")).toEqual([emails.both]);
    expect(await judged("latest")).toEqual([emails.both, emails.second]);
  }, 60_000);

  it("a merge moves the merged-away prospect's sessions to the master, the master's own session winning", async () => {
    const emails = { both: "sm-both@example.com", second: "sm-second@example.com", absent: "sm-absent@example.com" };
    const { webinar } = await twoSessionWebinar("Merge sessions", emails);
    const ids = await rows<{ id: string; email: string }>(
      "SELECT id, email FROM prospects WHERE email IN (?, ?)",
      emails.both,
      emails.second,
    );
    const master = ids.find((r) => r.email === emails.second)?.id ?? "";
    const other = ids.find((r) => r.email === emails.both)?.id ?? "";
    await env.DB.prepare(
      `INSERT INTO engagements (id, webinar_id, prospect_id, session_key, kind, question, occurred_at, dedupe_key)
       VALUES ('eng_merge', ?, ?, '1', 'question', 'Merged question?', ?, 'dk_merge')`,
    )
      .bind(webinar.id, other, new Date().toISOString())
      .run();
    await mergeProspects(env.DB, { masterId: master, otherId: other, mergedBy: null, now: new Date().toISOString() });
    expect(await rows("SELECT prospect_id FROM engagements WHERE id = 'eng_merge'")).toEqual([{ prospect_id: master }]);
    const got = await rows<{ prospect_id: string; minutes: number }>(
      `SELECT sa.prospect_id, sa.minutes FROM session_attendance sa JOIN webinar_sessions ws
         ON ws.webinar_id = sa.webinar_id AND ws.session_key = sa.session_key
       WHERE sa.webinar_id = ? ORDER BY ws.starts_at`,
      webinar.id,
    );
    // Session 1 came with the merged-away prospect; session 2 is the master's own 45 minutes.
    expect(got).toEqual([
      { prospect_id: master, minutes: 30 },
      { prospect_id: master, minutes: 45 },
    ]);
  }, 60_000);
});
