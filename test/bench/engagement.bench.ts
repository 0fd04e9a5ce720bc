// P9: the engagement pass of one ended session with N attendees (default 1,000; P9_ATTENDEES
// scales it) at GoTo's default 10 requests/s, the shared budget's limit. A share of the attendees
// answered polls and surveys or asked questions in the simulator. Figures: the GoTo calls the pass
// made (counted from the simulator's call log), per 1,000 attendees, the minutes those calls take
// at the budget (computed), and the minutes the pass took, measured from its first call to the last.
import {
  type Admin,
  budgetLimit,
  collectCalls,
  connectorWith,
  HOUR,
  jsonOf,
  login,
  post,
  type SimCall,
  sleep,
} from "./connectors.ts";
import { type BenchResult, type BenchWorker, startBenchWorker } from "./harness.ts";

const P9 = "P9 engagement pass for 1,000 attendees";
const GOTO_LIMIT = 10;
const ATTENDEES = Number(process.env.P9_ATTENDEES ?? "1000");

const SESSIONS = /\/webinars\/\d+\/sessions(\?|$)/;
const ATTENDEE_LIST = /\/sessions\/\d+\/attendees(\?|$)/;
const QUESTIONS = /\/sessions\/\d+\/questions(\?|$)/;
const PER_ATTENDEE = /\/sessions\/\d+\/attendees\/\d+\/(polls|surveys)(\?|$)/;

/**
 * The engagement pass's calls: it lists the sessions and the session's attendees again (the
 * attendance pass before it did too, and those are not counted), reads the questions, then each
 * attendee's polls and surveys.
 */
function passCalls(all: SimCall[]): SimCall[] {
  const calls = all.filter(
    (c) =>
      c.status !== 429 &&
      (SESSIONS.test(c.path) || ATTENDEE_LIST.test(c.path) || QUESTIONS.test(c.path) || PER_ATTENDEE.test(c.path)),
  );
  const q = calls.findIndex((c) => QUESTIONS.test(c.path));
  if (q < 0) return [];
  const listed = ATTENDEE_LIST.test(calls[q - 1]?.path ?? "") && SESSIONS.test(calls[q - 2]?.path ?? "");
  return calls.slice(listed ? q - 2 : q);
}

async function seed(worker: BenchWorker, admin: Admin): Promise<{ id: string; key: string }> {
  const start = Date.now() - 3 * HOUR;
  const times = [{ startTime: new Date(start).toISOString(), endTime: new Date(start + HOUR).toISOString() }];
  const { webinars } = await connectorWith(worker, admin, [times], async (key) => {
    const people = Array.from({ length: ATTENDEES }, (_, i) => ({
      email: `att-${i}@example.com`,
      firstName: "A",
      lastName: `N${i}`,
    }));
    await jsonOf(await post(worker, `/sim/control/webinars/${key}/registrants`, people), "registrants");
    for (let i = 0; i < ATTENDEES; i++) {
      const email = `att-${i}@example.com`;
      const join = {
        joinTime: new Date(start + 60_000).toISOString(),
        leaveTime: new Date(start + 50 * 60_000).toISOString(),
      };
      await jsonOf(await post(worker, `/sim/control/webinars/${key}/attendance`, { email, ...join }), "attendance");
      if (i % 3 === 0) {
        const answers = [["This quarter", "Next quarter", "Next year"][i % 9 === 0 ? 0 : 1] ?? ""];
        await jsonOf(
          await post(worker, `/sim/control/webinars/${key}/polls`, {
            email,
            question: "How soon are you buying?",
            answers,
          }),
          "poll",
        );
      }
      if (i % 5 === 0) {
        await jsonOf(
          await post(worker, `/sim/control/webinars/${key}/surveys`, {
            email,
            question: "Topics?",
            answers: ["Pricing"],
          }),
          "survey",
        );
      }
      if (i % 10 === 0) {
        await jsonOf(
          await post(worker, `/sim/control/webinars/${key}/questions`, { email, question: `Question ${i}?` }),
          "question",
        );
      }
    }
  });
  const webinar = webinars[0];
  if (!webinar) throw new Error("no webinar");
  return webinar;
}

interface Progress {
  attendees: number;
  read: number;
  skipped: number;
}

export async function run(): Promise<BenchResult[]> {
  const worker = await startBenchWorker();
  try {
    const admin = await login(worker);
    await budgetLimit(worker, GOTO_LIMIT);
    const log = collectCalls(worker);
    const webinar = await seed(worker, admin);
    // Discovery plans the first poll at once; the session ended hours ago, so it is an attendance
    // pass, and the engagement pass follows it.
    const deadline = Date.now() + 60 * 60_000;
    let progress: Progress = { attendees: 0, read: 0, skipped: 0 };
    for (;;) {
      const status = await jsonOf<{ engagement: Progress }>(
        await worker.fetch(`/sim/sync/webinars/${webinar.id}/status`),
        "status",
      );
      progress = status.engagement;
      if (progress.attendees === ATTENDEES && progress.read + progress.skipped === ATTENDEES) break;
      if (Date.now() > deadline) throw new Error(`engagement pass unfinished: ${JSON.stringify(progress)}`);
      await sleep(1_000);
    }
    await sleep(1_500);
    await log.stop();
    const all = log.calls();
    const ok = passCalls(all);
    const refused = all.filter((c) => c.status === 429).length;
    const attendeeCalls = ok.filter((c) => PER_ATTENDEE.test(c.path)).length;
    const repeated = attendeeCalls - new Set(ok.filter((c) => PER_ATTENDEE.test(c.path)).map((c) => c.path)).size;
    const first = ok[0]?.at ?? 0;
    const last = ok.at(-1)?.at ?? 0;
    const perThousand = (ok.length / ATTENDEES) * 1000;
    return [
      {
        name: `${P9}: GoTo calls made`,
        figure: ok.length,
        unit: "calls",
        note: `${ATTENDEES} attendees of one session: ${attendeeCalls} per-attendee calls (polls and surveys), ${ok.length - attendeeCalls} per session (sessions, attendees, questions); ${repeated} per-attendee calls repeated (a read made again); GoTo answered ${refused} 429s in the whole run (retried); ${progress.skipped} attendees skipped`,
      },
      {
        name: `${P9}: calls per 1,000 attendees`,
        figure: perThousand,
        unit: "calls",
        target: "2 per attendee + 3 per pass of a one-session webinar",
      },
      {
        name: `${P9}: minutes at the shared budget (computed)`,
        figure: perThousand / GOTO_LIMIT / 60,
        unit: "min",
        note: `calls per 1,000 attendees / ${GOTO_LIMIT} per s, with the whole budget to itself`,
      },
      {
        name: `${P9}: minutes to complete (measured)`,
        figure: (last - first) / 60_000,
        unit: "min",
        baseline: { name: "the calls at the full budget", figure: ok.length / GOTO_LIMIT / 60 },
        note: `first to last engagement call, ${ATTENDEES} attendees, the budget at ${GOTO_LIMIT}/s; bounded runs of 50 attendees, 1 s apart`,
      },
    ];
  } finally {
    await worker.dispose();
  }
}
