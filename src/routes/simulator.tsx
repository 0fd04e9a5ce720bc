import { Hono } from "hono";
import type { AppEnv } from "../env";
import { Document } from "../views/layout";

/**
 * /sim: the GoToWebinar simulator, present only when GOTO_MODE=simulator. Its control API is open
 * by design, so in live mode every /sim path answers 404 as if it did not exist.
 */
export const simulatorRoutes = new Hono<AppEnv>();

simulatorRoutes.use(async (c, next) => {
  if (c.env.GOTO_MODE !== "simulator") return c.notFound();
  await next();
});

simulatorRoutes.get("/", (c) =>
  c.html(
    <Document title="GoToWebinar simulator" bodyClass="auth">
      <main class="auth-card" id="main">
        <h1>GoToWebinar simulator</h1>
        <p>
          This Rollcall runs in simulator mode. The simulator's OAuth server, REST API, control API and console arrive
          with the simulator issue; until then there is nothing to drive here.
        </p>
        <p>
          <a class="button" href="/admin">
            Back to Rollcall
          </a>
        </p>
      </main>
    </Document>,
  ),
);
