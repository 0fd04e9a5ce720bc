import { Hono } from "hono";
import type { DevAppEnv } from "./env";
import { syncDevRoutes } from "./sync-routes";

/**
 * /sim in the development entry: the GoToWebinar simulator, present only when GOTO_MODE=simulator.
 * Its control API is open by design, so in live mode every /sim path answers 404 as if it did not
 * exist. In simulator mode every request goes, unchanged, to the one GoToSimulator Durable Object,
 * which serves GoTo's OAuth and REST paths, the control API and the console (src/simulator/app.ts).
 */
export const simulatorRoutes = new Hono<DevAppEnv>();

simulatorRoutes.use(async (c, next) => {
  if (c.env.GOTO_MODE !== "simulator") return c.notFound();
  await next();
});

// The sync engine's bench and dev surface, behind the same simulator-mode guard.
simulatorRoutes.route("/sync", syncDevRoutes);

simulatorRoutes.all("*", async (c) => {
  const raw = c.req.raw;
  // The body is buffered so the object may answer without reading it (a refused token request).
  const body = raw.method === "GET" || raw.method === "HEAD" ? null : await raw.arrayBuffer();
  const res = await c.env.GOTO_SIMULATOR.getByName("default").fetch(
    new Request(raw.url, { method: raw.method, headers: raw.headers, body, redirect: "manual" }),
  );
  // A Durable Object's response has immutable headers; the app's middleware adds its own.
  return new Response(res.body, res);
});
