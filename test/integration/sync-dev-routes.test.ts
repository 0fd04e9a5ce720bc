import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDevApp } from "../../src/dev/app";
import { call, rows } from "../helpers";
import { DAY, session, syncFixture } from "./sync-helpers";

describe("/sim/sync (the sync engine's bench surface)", () => {
  it("answers 404 for every path in live mode, whatever the method", async () => {
    const app = createDevApp();
    const liveEnv = { ...env, GOTO_MODE: "live" };
    for (const [method, path] of [
      ["GET", "/sim/sync/webinars?connectorId=x&webinarKey=1"],
      ["POST", "/sim/sync/webinars/web_x/registrations"],
      ["POST", "/sim/sync/webinars/web_x/sync"],
      ["GET", "/sim/sync/webinars/web_x/status"],
      ["POST", "/sim/sync/rate-limit"],
      ["POST", "/sim/sync/webinars/web_x/baseline-insert"],
    ] as const) {
      const res = await app.request(path, { method, body: method === "POST" ? "{}" : undefined }, liveEnv);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await rows("SELECT * FROM prospects")).toEqual([]);
  });

  it("in simulator mode, registers through the outbox like a form would", async () => {
    const fx = await syncFixture([{ subject: "Dev route", times: [session(4 * DAY)] }]);
    const webinar = fx.webinars[0];
    if (!webinar) throw new Error("no webinar");
    const found = await call(`/sim/sync/webinars?connectorId=${fx.connectorId}&webinarKey=${webinar.webinarKey}`);
    expect(await found.json()).toEqual({ id: webinar.id });
    const res = await call(`/sim/sync/webinars/${webinar.id}/registrations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "Dev@Example.com", firstName: "De", lastName: "V" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ queued: true, position: 0 });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [row] = await rows<{ status: string }>(
        "SELECT r.status FROM registrations r JOIN prospects p ON p.id = r.prospect_id WHERE p.email = 'dev@example.com'",
      );
      if (row?.status === "approved") break;
      if (Date.now() > deadline) throw new Error(`still ${row?.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
});
