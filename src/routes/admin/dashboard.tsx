import { Hono } from "hono";
import { createDb } from "../../db/client";
import { listApiKeys } from "../../db/queries/api-keys";
import { recentAudit } from "../../db/queries/audit";
import { listUsers } from "../../db/queries/users";
import type { AppEnv } from "../../env";
import { PageHeader, Time } from "../../views/components";

export const dashboardRoutes = new Hono<AppEnv>();

dashboardRoutes.get("/", async (c) => {
  const user = c.get("user");
  const db = createDb(c.env.DB);
  const isAdmin = user?.role === "admin";
  const [users, keys, audit] = isAdmin
    ? await Promise.all([listUsers(db), listApiKeys(db), recentAudit(db, 8)])
    : [[], [], []];
  const activeKeys = keys.filter((k) => !k.revokedAt).length;
  const simulator = c.env.GOTO_MODE === "simulator";
  return c.render(
    <>
      <PageHeader title={`Welcome, ${user?.name ?? ""}`} lead="What Rollcall is doing for you today." />
      <section class="cards">
        <article class="card">
          <h2>GoToWebinar</h2>
          <p>
            {simulator ? (
              <>
                Running against the built-in <strong>GoToWebinar simulator</strong>: no GoTo account needed.
              </>
            ) : (
              <>Connected to GoToWebinar's live API.</>
            )}
          </p>
          <p>
            <a href="/admin/connectors">Connectors</a>: add and verify the GoToWebinar organizer accounts to sync.
          </p>
        </article>
        {isAdmin && (
          <article class="card">
            <h2>Team</h2>
            <p class="figure">{users.filter((u) => u.active).length}</p>
            <p>
              active users. <a href="/admin/settings/users">Manage users</a>
            </p>
          </article>
        )}
        {isAdmin && (
          <article class="card">
            <h2>API</h2>
            <p class="figure">{activeKeys}</p>
            <p>
              active API keys. <a href="/admin/settings/api-keys">Manage API keys</a>
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
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">What</th>
                    <th scope="col">Subject</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.map((row) => (
                    <tr>
                      <td>
                        <Time iso={row.createdAt} />
                      </td>
                      <td>{row.action}</td>
                      <td>{row.subject ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </>,
    { title: "Dashboard" },
  );
});
