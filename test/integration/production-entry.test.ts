import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import worker from "../../src/index";

async function request(method: string, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  // GOTO_MODE=simulator means nothing to the production entry.
  const res = await worker.fetch(
    new Request(`http://localhost${path}`, { method }),
    { ...env, GOTO_MODE: "simulator" },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("the production entry (src/index.ts)", () => {
  it("has no /sim, even with GOTO_MODE=simulator: its paths answer as paths that do not exist", async () => {
    for (const path of ["/sim", "/sim/oauth/authorize", "/sim/control/state", "/sim/G2W/rest/v2/webhooks"]) {
      expect((await request("GET", path)).status, `GET ${path}`).toBe(404);
    }
    // A post to a path that does not exist meets the browser area's CSRF check, as any other does.
    const unknown = (await request("POST", "/no-such-area/reset")).status;
    for (const path of ["/sim/control/reset", "/sim/oauth/token", "/sim/sync/rate-limit"]) {
      expect((await request("POST", path)).status, `POST ${path}`).toBe(unknown);
    }
  });

  it("registers no route under /sim", () => {
    expect(createApp().routes.filter((r) => r.path.startsWith("/sim"))).toEqual([]);
  });
});
