// P4 (issue 11, Done-when 3): ingesting a webinar of 10,000 registrants and 5,000 attendees with 20
// automation rules and 10 dynamic lists that match its people, against the same ingestion with no
// rules and no lists, in the same run. Rules and lists run in the recorder's batches (and in the
// batches that follow the attendance read after the end), so this is their whole cost on the
// ingestion path. P4_REGISTRANTS scales it down for a quick look (attendees are half).
import { adminForm, budgetLimit, connectorWith, HOUR, jsonOf, login, post, sleep } from "./connectors.ts";
import { type BenchResult, type BenchWorker, startBenchWorker } from "./harness.ts";

const REGISTRANTS = Number(process.env.P4_REGISTRANTS ?? 10_000);
const ATTENDEES = Math.floor(REGISTRANTS / 2);

interface Poll {
  ms: number;
  registrants: number;
  attendees: number | null;
  activitiesWritten: number;
}

/** A verified connector with one ended webinar of REGISTRANTS registrants (ATTENDEES attended); its first poll. */
async function ingestOne(worker: BenchWorker, admin: Awaited<ReturnType<typeof login>>, tag: string): Promise<Poll> {
  const start = Date.now() - 3 * HOUR;
  const times = [{ startTime: new Date(start).toISOString(), endTime: new Date(start + HOUR).toISOString() }];
  const fx = await connectorWith(worker, admin, [times], async (key) => {
    const people = Array.from({ length: REGISTRANTS }, (_, i) => ({
      email: `${tag}-${i}@example.com`,
      firstName: "P4",
      lastName: `N${i}`,
    }));
    await jsonOf(await post(worker, `/sim/control/webinars/${key}/registrants`, people), "registrants");
    let i = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (i < ATTENDEES) {
          const n = i++;
          const res = await post(worker, `/sim/control/webinars/${key}/attendance`, {
            email: `${tag}-${n}@example.com`,
            joinTime: new Date(start + 60_000).toISOString(),
            leaveTime: new Date(start + 60_000 + (10 + (n % 40)) * 60_000).toISOString(),
          });
          await jsonOf(res, "attendance");
        }
      }),
    );
  });
  const webinar = fx.webinars[0];
  if (!webinar) throw new Error("no webinar");
  for (let i = 0; ; i++) {
    const status = await jsonOf<{ lastPoll: Poll | null; lastError: unknown }>(
      await worker.fetch(`/sim/sync/webinars/${webinar.id}/status`),
      "status",
    );
    if (status.lastPoll) {
      if (status.lastPoll.registrants !== REGISTRANTS || status.lastPoll.attendees !== ATTENDEES) {
        throw new Error(`unexpected poll: ${JSON.stringify(status)}`);
      }
      await engagementRead(worker, webinar.id);
      return status.lastPoll;
    }
    if (i > 2400) throw new Error(`no poll: ${JSON.stringify(status)}`);
    await sleep(250);
  }
}

const anyWebinar = { "conditions.0.scope": "any", "conditions.0.webinarId": "", "conditions.0.campaignId": "" };

/** Criteria fields that match some of the bench's people (any webinar, so the second webinar's too). */
function criteria(i: number): Record<string, string> {
  switch (i % 5) {
    case 0:
      return {
        match: "all",
        "conditions.0.kind": "attended_minutes",
        "conditions.0.minutes": String(10 + i),
        ...anyWebinar,
      };
    case 1:
      return { match: "all", "conditions.0.kind": "webinar_status", "conditions.0.status": "absent", ...anyWebinar };
    case 2:
      return {
        match: "all",
        "conditions.0.kind": "webinar_status",
        "conditions.0.status": "registered",
        ...anyWebinar,
      };
    case 3:
      return {
        match: "all",
        "conditions.0.kind": "webinar_status",
        "conditions.0.status": "attended",
        ...anyWebinar,
        "conditions.1.kind": "email_domain",
        "conditions.1.domain": "example.com",
      };
    default:
      return {
        match: "any",
        "conditions.0.kind": "attended_minutes",
        "conditions.0.minutes": String(30 + i),
        ...anyWebinar,
        "conditions.1.kind": "score",
        "conditions.1.op": "at_least",
        "conditions.1.value": "40",
      };
  }
}

/**
 * The engagement pass that follows an attendance read (each attendee's polls and surveys) ends
 * before the next ingestion is measured, so one webinar's pass never shares the machine and
 * GoTo's budget with the next webinar's poll.
 */
async function engagementRead(worker: BenchWorker, webinarId: string): Promise<void> {
  for (let i = 0; ; i++) {
    const { engagement } = await jsonOf<{ engagement: { attendees: number; read: number; skipped: number } }>(
      await worker.fetch(`/sim/sync/webinars/${webinarId}/status`),
      "status",
    );
    if (engagement.attendees >= ATTENDEES && engagement.read + engagement.skipped >= engagement.attendees) return;
    if (i > 1200) throw new Error(`engagement pass still running: ${JSON.stringify(engagement)}`);
    await sleep(250);
  }
}

async function drain(res: Response, status: number, what: string): Promise<void> {
  const body = await res.text();
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${body.slice(0, 300)}`);
}

async function idle(worker: BenchWorker, admin: Awaited<ReturnType<typeof login>>, paths: string[]): Promise<void> {
  for (const path of paths) {
    for (let i = 0; ; i++) {
      const html = await (await worker.fetch(path, { headers: { cookie: admin.cookie } })).text();
      if (!html.includes('hx-trigger="every 1s"')) break;
      if (i > 2400) throw new Error(`job still running: ${path}`);
      await sleep(250);
    }
  }
}

export async function run(): Promise<BenchResult[]> {
  const worker = await startBenchWorker();
  try {
    const admin = await login(worker);
    // GoTo's limit (the simulator's and the deployment's budget) out of the way: this measures
    // ingestion, not the pace of GoTo's 10 requests a second.
    await jsonOf(
      await post(worker, "/sim/control/faults", { rateLimitPerSecond: 100_000 }, { "x-method": "PUT" }),
      "faults",
    );
    await budgetLimit(worker, 1_000);
    const without = await ingestOne(worker, admin, "plain");

    const list = await adminForm(worker, admin, "/admin/lists", { name: "P4 follow-up" });
    const listsPage = await (await worker.fetch("/admin/lists", { headers: { cookie: admin.cookie } })).text();
    await list.arrayBuffer();
    const staticList = /href="\/admin\/lists\/(lst_[\w-]+)"/.exec(listsPage)?.[1];
    if (!staticList) throw new Error("no static list");
    const progress: string[] = [];
    const dynamicLists: string[] = [];
    const rulePages: string[] = [];
    for (let i = 0; i < Number(process.env.P4_LISTS ?? 10); i++) {
      const res = await adminForm(worker, admin, "/admin/lists/dynamic", { name: `P4 list ${i}`, ...criteria(i) });
      const at = res.headers.get("location");
      if (res.status !== 303 || !at) throw new Error(`dynamic list ${i}: ${res.status} ${await res.text()}`);
      progress.push(`${at}/progress`);
      dynamicLists.push(at);
    }
    for (let i = 0; i < Number(process.env.P4_RULES ?? 20); i++) {
      const actions: Record<string, string> =
        i % 2 === 0
          ? {
              "actions.0.type": "add_tag",
              "actions.0.tag": `p4-${i}`,
              "actions.1.type": "adjust_score",
              "actions.1.points": "1",
            }
          : {
              "actions.0.type": "add_to_list",
              "actions.0.listId": staticList,
              "actions.1.type": "add_tag",
              "actions.1.tag": `p4-${i}`,
            };
      const res = await adminForm(worker, admin, "/admin/automation/rules", {
        name: `P4 rule ${i}`,
        mode: i % 3 === 0 ? "repeat" : "once",
        start: "new",
        ...criteria(i + 3),
        ...actions,
      });
      const at = res.headers.get("location");
      if (res.status !== 303 || !at) throw new Error(`rule ${i}: ${res.status} ${await res.text()}`);
      progress.push(`${at}/progress`);
      rulePages.push(at);
    }
    // The lists' recomputes and the rules' "note who matches" jobs walk the first webinar's
    // prospects: let them finish, so they do not share the machine with the measured ingestion.
    await idle(worker, admin, progress);

    const withRules = await ingestOne(worker, admin, "ruled");
    const taken = await (await worker.fetch("/admin/automation", { headers: { cookie: admin.cookie } })).text();
    const actedOn = [...taken.matchAll(/data-label="Acted on" class="num">([\d,]+)</g)].reduce(
      (n, m) => n + Number((m[1] ?? "0").replace(/,/g, "")),
      0,
    );
    // The baseline brackets the measured run: once before the rules and lists exist and once after
    // they are paused and deleted, so both sides meet a database as full on average (a second
    // ingestion on a fuller database costs more even with no rules: about 1.2 times the first).
    for (const rule of rulePages) await drain(await adminForm(worker, admin, `${rule}/pause`, {}), 200, rule);
    for (const list of dynamicLists) await drain(await adminForm(worker, admin, `${list}/delete`, {}), 303, list);
    await sleep(11_000); // the isolates' copy of "criteria in force" lives 10 s
    const after = await ingestOne(worker, admin, "after");
    const baselineMs = (without.ms + after.ms) / 2;
    return [
      {
        name: `P4 ingest with 20 rules and 10 dynamic lists (${REGISTRANTS.toLocaleString("en-US")} registrants + ${ATTENDEES.toLocaleString("en-US")} attendees)`,
        figure: withRules.ms / 1000,
        unit: "s",
        baseline: {
          name: "the same ingestion with no rules and no lists (mean of one before and one after)",
          figure: baselineMs / 1000,
        },
        target: "ratio ≤ 1.5",
        note: `baseline before ${(without.ms / 1000).toFixed(2)} s, after ${(after.ms / 1000).toFixed(2)} s; rules acted on ${actedOn.toLocaleString("en-US")} prospect-rule pairs; ${withRules.activitiesWritten} activities written`,
      },
    ];
  } finally {
    await worker.dispose();
  }
}
