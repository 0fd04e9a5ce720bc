// P1: end to end through the public form at a steady 5/s, from the form POST being sent to the
// simulator receiving the registrant (its registrationDate, stamped in ms when GoTo's create call
// arrives). P2: form submissions per second at 50 concurrent visitors, with p50/p99, against a bare
// endpoint of the same Worker in the same run; afterwards every accepted submission must be in D1
// (as a form registration, read through the JSON API) and must have gone through the outbox to
// GoTo (the simulator holds the registrant).
import { ADMIN, type BenchResult, load, percentile, startBenchWorker } from "./harness.ts";

const TOTAL = 400;
const CONCURRENCY = 50;
const STEADY = 100;
const STEADY_PER_SECOND = 5;
const FORM = { "content-type": "application/x-www-form-urlencoded" };

export async function run(): Promise<BenchResult[]> {
  const worker = await startBenchWorker();
  const origin = "http://localhost";
  try {
    const json = async (method: string, path: string, body?: unknown) => {
      const res = await worker.fetch(path, {
        method,
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    await (await worker.fetch("/login")).text();
    const login = await worker.fetch("/login", {
      method: "POST",
      body: new URLSearchParams({ email: ADMIN.email, password: ADMIN.password, next: "/admin" }),
      headers: { ...FORM, origin },
      redirect: "manual",
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const csrf =
      /name="_csrf" value="([^"]+)"/.exec(await (await worker.fetch("/admin", { headers: { cookie } })).text())?.[1] ??
      "";
    const post = (path: string, fields: Record<string, string>, extra: Record<string, string> = {}) =>
      worker.fetch(path, {
        method: "POST",
        body: new URLSearchParams({ _csrf: csrf, ...fields }),
        headers: { ...FORM, origin, cookie, ...extra },
        redirect: "manual",
      });

    // A verified connector with one upcoming webinar, through the simulator.
    const organizer = "bench-forms@acme.test";
    await json("POST", "/sim/control/organizers", { email: organizer, firstName: "Ben", lastName: "Ch" });
    const start = new Date(Date.now() + 10 * 86_400_000);
    const webinar = await json("POST", "/sim/control/webinars", {
      organizerEmail: organizer,
      subject: "Bench webinar",
      times: [{ startTime: start.toISOString(), endTime: new Date(start.getTime() + 3_600_000).toISOString() }],
    });
    const added = await post("/admin/connectors", {
      organizerEmail: organizer,
      createProspects: "on",
      campaign: "Bench",
    });
    const connectorPath = new URL(added.headers.get("location") ?? "", origin).pathname;
    const verify = await post(`${connectorPath}/verify`, {});
    const oauthCookie = (verify.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const authorize = new URL(verify.headers.get("location") ?? "");
    const consentBody = new URLSearchParams(authorize.searchParams);
    consentBody.set("organizerEmail", organizer);
    consentBody.set("decision", "allow");
    const consent = await worker.fetch("/sim/oauth/authorize", {
      method: "POST",
      body: consentBody,
      headers: FORM,
      redirect: "manual",
    });
    const back = new URL(consent.headers.get("location") ?? "");
    await worker.fetch(`${back.pathname}${back.search}`, {
      headers: { cookie: `${cookie}; ${oauthCookie}` },
      redirect: "manual",
    });
    let webinarId = "";
    for (let i = 0; i < 120 && !webinarId; i++) {
      const page = await (await worker.fetch("/admin/forms/new", { headers: { cookie } })).text();
      webinarId = /<option value="(web_[\w-]+)"[^>]*>Bench webinar/.exec(page)?.[1] ?? "";
      if (!webinarId) await new Promise((r) => setTimeout(r, 500));
    }
    if (!webinarId) throw new Error("the webinar was not discovered");

    const fields: Record<string, string> = {
      name: "Bench form",
      status: "live",
      op: "save",
      register_webinar: webinarId,
    };
    ["email", "firstName", "lastName"].forEach((key, i) => {
      Object.assign(fields, {
        [`field_${i}_key`]: key,
        [`field_${i}_type`]: key === "email" ? "email" : "text",
        [`field_${i}_label`]: key,
        [`field_${i}_required`]: "on",
        [`field_${i}_order`]: String(i + 1),
      });
    });
    const saved = await post("/admin/forms", fields);
    const formId = /\/admin\/forms\/(frm_[\w-]+)/.exec(saved.headers.get("location") ?? "")?.[1];
    if (!formId) throw new Error(`form not saved: ${saved.status}`);

    // Each visitor has its own address, as on the internet; the per-IP limit is not what is measured.
    const submit = (i: number, tag: string) =>
      worker.fetch(`/f/${formId}`, {
        method: "POST",
        body: new URLSearchParams({
          email: `${tag}${i}@visitors.example`,
          firstName: "V",
          lastName: `N${i}`,
          utm_source: "bench",
        }),
        headers: { ...FORM, "cf-connecting-ip": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      });
    type SimState = { registrants: { email: string; registrationDate: string }[] };
    const inGoToMatching = async (pattern: RegExp): Promise<Map<string, number>> => {
      const state = (await json("GET", `/sim/control/state?webinarKey=${webinar.webinarKey}`)) as SimState;
      return new Map(
        state.registrants
          .filter((r) => pattern.test(r.email))
          .map((r) => [r.email.toLowerCase(), Date.parse(r.registrationDate)]),
      );
    };

    // P1: one visitor every 200 ms; each latency runs from the POST being sent to GoTo's receive time.
    // Warm up until those warm-up registrations are in GoTo: the token, discovery's first poll and
    // the webinar's object are behind us, so P1 measures the steady path.
    await load(20, 5, (i) => submit(i + 2_000_000, "warm"));
    for (let i = 0; i < 240 && (await inGoToMatching(/^warm2\d+@/)).size < 20; i++) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const sentAt = new Map<string, number>();
    const steadyStart = Date.now();
    const steadyPosts: Promise<void>[] = [];
    for (let i = 0; i < STEADY; i++) {
      const wait = steadyStart + (i * 1000) / STEADY_PER_SECOND - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt.set(`p${i}@visitors.example`, Date.now());
      steadyPosts.push(
        submit(i, "p").then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`steady submission ${i}: ${res.status}`);
        }),
      );
    }
    await Promise.all(steadyPosts);
    let received = new Map<string, number>();
    for (let i = 0; i < 240 && received.size < STEADY; i++) {
      received = await inGoToMatching(/^p\d+@/);
      if (received.size < STEADY) await new Promise((r) => setTimeout(r, 500));
    }
    if (received.size !== STEADY) throw new Error(`P1: only ${received.size} of ${STEADY} reached GoTo`);
    const endToEnd = [...sentAt].map(([email, at]) => (received.get(email) ?? Number.NaN) - at).sort((a, b) => a - b);

    await load(100, CONCURRENCY, () => worker.fetch("/healthz"));
    await load(50, CONCURRENCY, (i) => submit(i + 1_000_000, "warm"));
    const bare = await load(TOTAL * 2, CONCURRENCY, () => worker.fetch("/healthz"));
    const forms = await load(TOTAL, CONCURRENCY, (i) => submit(i, "v"));
    if (forms.failures > 0 || bare.failures > 0)
      throw new Error(`unexpected statuses: forms ${forms.failures}, bare ${bare.failures}`);

    // The outbox: every registration reaches GoTo (pushed under GoTo's rate limit, so this waits).
    const pushStarted = performance.now();
    let inGoTo = 0;
    for (let i = 0; i < 600; i++) {
      inGoTo = (await inGoToMatching(/^v\d+@/)).size;
      if (inGoTo >= TOTAL) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (inGoTo !== TOTAL) throw new Error(`${inGoTo} of ${TOTAL} registrations reached GoTo through the outbox`);
    const pushSeconds = (performance.now() - pushStarted) / 1000;
    // D1: every submission is a form registration of the webinar, now registered (JSON API, with an API key).
    const keyPage = await (await post("/admin/settings/api-keys", { name: "bench" })).text();
    const key = /id="new-key"[^>]*value="([^"]+)"/.exec(keyPage)?.[1];
    const countInD1 = async (): Promise<number> => {
      let n = 0;
      let cursor = "";
      for (;;) {
        const res = await worker.fetch(
          `/api/v1/webinars/${webinarId}/registrants?status=registered&limit=500${cursor ? `&cursor=${cursor}` : ""}`,
          { headers: { authorization: `Bearer ${key}` } },
        );
        if (!res.ok) throw new Error(`registrants API: ${res.status} ${await res.text()}`);
        const page = (await res.json()) as { data: { email: string; source: string }[]; next_cursor: string | null };
        n += page.data.filter((r) => r.source === "form" && /^v\d+@/.test(r.email)).length;
        if (!page.next_cursor) return n;
        cursor = encodeURIComponent(page.next_cursor);
      }
    };
    let inD1 = 0;
    for (let i = 0; i < 60 && inD1 < TOTAL; i++) {
      inD1 = await countInD1();
      if (inD1 < TOTAL) await new Promise((r) => setTimeout(r, 500));
    }
    if (inD1 !== TOTAL) throw new Error(`${inD1} of ${TOTAL} submissions are registered form registrations in D1`);

    return [
      {
        name: "P1 form submit → registrant in GoTo, p95",
        figure: percentile(endToEnd, 95),
        unit: "ms",
        note: `p50 ${percentile(endToEnd, 50).toFixed(0)} ms, max ${endToEnd.at(-1)?.toFixed(0)} ms; ${STEADY} submissions through the public form at ${STEADY_PER_SECOND}/s, POST sent → the simulator's receive time; GoTo limit 10/s`,
      },
      {
        name: `bare endpoint /healthz, requests/s (${CONCURRENCY} in flight)`,
        figure: bare.perSecond,
        unit: "req/s",
        note: `p50 ${bare.p50.toFixed(1)} ms, p99 ${bare.p99.toFixed(1)} ms`,
      },
      {
        name: `P2 form submissions/s with Register for webinar (${CONCURRENCY} concurrent visitors, ${TOTAL})`,
        figure: forms.perSecond,
        unit: "req/s",
        baseline: { name: "bare endpoint /healthz", figure: bare.perSecond },
        target: "ratio ≥ 0.30",
        note: `p50 ${forms.p50.toFixed(1)} ms, p99 ${forms.p99.toFixed(1)} ms; all ${TOTAL} in D1 and pushed to GoTo by the outbox (${pushSeconds.toFixed(0)} s after the load ended)`,
      },
    ];
  } finally {
    await worker.dispose();
  }
}
