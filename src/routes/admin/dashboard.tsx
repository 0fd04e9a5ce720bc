import { Hono } from "hono";
import { createDb } from "../../db/client";
import { listApiKeys } from "../../db/queries/api-keys";
import { recentAudit } from "../../db/queries/audit";
import { dashboardFigures } from "../../db/queries/dashboard";
import { listUsers } from "../../db/queries/users";
import type { AppEnv } from "../../env";
import { plural, pluralWord } from "../../lib/plural";
import { DataTable, PageHeader, Time } from "../../views/components";

export const dashboardRoutes = new Hono<AppEnv>();

dashboardRoutes.get("/", async (c) => {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const isAdmin = user?.role === "admin";
  const [users, keys, audit] = isAdmin
    ? await Promise.all([listUsers(db), listApiKeys(db), recentAudit(db, 8)])
    : [[], [], []];
  const activeKeys = keys.filter((k) => !k.revokedAt).length;
  const activeUsers = users.filter((u) => u.active).length;
  const simulator = c.get("goto").simulator;
  const figures = await dashboardFigures(db, new Date().toISOString());
  return c.render(
    <>
      <PageHeader title={`Welcome, ${user?.name ?? ""}`} lead="What Rollcall is doing for you today." />
      {figures.registrations.error > 0 && (
        <div class="flash flash-error" role="alert">
          GoTo refused {plural(figures.registrations.error, "registration")}. Each webinar's page shows GoTo's reason.{" "}
          <a href="/admin/webinars">Open Webinars</a>
        </div>
      )}
      {figures.connectors.needAttention > 0 && (
        <div class="flash flash-info" role="status">
          {figures.connectors.needAttention} connector{figures.connectors.needAttention === 1 ? " needs" : "s need"}{" "}
          attention (not verified, paused, or waiting to be verified again).{" "}
          <a href="/admin/connectors">Open Connectors</a>
        </div>
      )}
      <section class="cards">
        <a class="card link-card" href="/admin/connectors">
          <h2>Connectors</h2>
          <p class="figure">{figures.connectors.verified}</p>
          <p>
            verified and syncing
            {figures.connectors.total === 0 && ". Add one to start: Rollcall finds its webinars, past and upcoming."}
          </p>
        </a>
        <a class="card link-card" href="/admin/webinars?show=upcoming">
          <h2>Upcoming webinars</h2>
          <p class="figure">{figures.upcomingWebinars}</p>
          <p>with registrations syncing on their schedule.</p>
        </a>
        <a class="card link-card" href="/admin/prospects">
          <h2>Prospects</h2>
          <p class="figure">{figures.prospects}</p>
          <p>
            {figures.registrations.pending > 0
              ? `${plural(figures.registrations.pending, "registration")} on the way to GoTo.`
              : "from forms and from GoTo."}
          </p>
        </a>
        <article class="card">
          <h2>GoToWebinar</h2>
          <p>
            {simulator ? (
              <>
                Running against the built-in <strong>GoToWebinar simulator</strong>: no GoTo account needed. Its console
                is at <a href="/sim">/sim</a>.
              </>
            ) : (
              <>Connected to GoToWebinar's live API.</>
            )}
          </p>
        </article>
        {isAdmin && (
          <article class="card">
            <h2>Team</h2>
            <p class="figure">{activeUsers}</p>
            <p>
              active {pluralWord(activeUsers, "user")}. <a href="/admin/settings/users">Manage users</a>
            </p>
          </article>
        )}
        {isAdmin && (
          <article class="card">
            <h2>API</h2>
            <p class="figure">{activeKeys}</p>
            <p>
              active API {pluralWord(activeKeys, "key")}. <a href="/admin/settings/api-keys">Manage API keys</a>
            </p>
          </article>
        )}
      </section>
      {isAdmin && (
        <section class="panel">
          <h2>Recent activity</h2>
          {audit.length === 0 ? (
            <p class="muted">Nothing has happened yet.</p>
          ) : (
            <DataTable columns={["When", "What", "Subject"]}>
              {audit.map((row) => (
                <tr>
                  <td data-label="When">
                    <Time iso={row.createdAt} />
                  </td>
                  <td data-label="What">{row.action}</td>
                  <td data-label="Subject" class="wrap">
                    {row.subject ?? ""}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
      )}
    </>,
    { title: "Dashboard" },
  );
});
