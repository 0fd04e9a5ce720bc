import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { isPartialHtmx } from "../../lib/request";
import { bulkJob } from "../../services/bulk";
import { PageHeader } from "../../views/components";
import { BulkProgress } from "../../views/pages/admin/bulk";

/** A bulk action's progress (Add to list, Tag): polled by its bar, or a page of its own without htmx. */
export const bulkRoutes = new Hono<AppEnv>();

bulkRoutes.get("/:id", async (c) => {
  const job = await bulkJob(c.env, c.req.param("id").slice(0, 100));
  if (!job) return c.notFound();
  if (isPartialHtmx(c)) return c.html(<BulkProgress job={job} />);
  return c.render(
    <>
      <PageHeader title="Bulk action" lead="Every matching prospect, not only the page shown." />
      <section class="panel">
        <BulkProgress job={job} />
      </section>
    </>,
    { title: "Bulk action" },
  );
});
