import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { PageHeader } from "../../views/components";

export const settingsIndexRoutes = new Hono<AppEnv>();

settingsIndexRoutes.get("/", (c) => {
  const isAdmin = c.get("user")?.role === "admin";
  return c.render(
    <>
      <PageHeader title="Settings" lead="Your team's accounts and access to the JSON API." />
      <section class="cards">
        {isAdmin ? (
          <>
            <a class="card link-card" href="/admin/settings/users">
              <h2>Users</h2>
              <p>Add marketers and administrators, reset passwords, deactivate accounts.</p>
            </a>
            <a class="card link-card" href="/admin/settings/api-keys">
              <h2>API keys</h2>
              <p>Keys for scripts and BI tools that read webinar reports from the JSON API.</p>
            </a>
          </>
        ) : (
          <article class="card">
            <h2>Administrators only</h2>
            <p>Users and API keys are managed by your administrators.</p>
          </article>
        )}
        <a class="card link-card" href="/admin/settings/sessions">
          <h2>Your sessions</h2>
          <p>Where you are logged in; log out the browsers you no longer use.</p>
        </a>
        <a class="card link-card" href="/api/v1/openapi.json">
          <h2>API reference</h2>
          <p>The OpenAPI 3.1 document of the JSON API.</p>
        </a>
      </section>
    </>,
    { title: "Settings" },
  );
});
