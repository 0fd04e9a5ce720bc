import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { EmptyState, PageHeader } from "../../views/components";

/**
 * The areas later capabilities fill in. Each says plainly what it will hold, so nobody mistakes
 * an empty page for a broken one.
 */
const AREAS: { path: string; title: string; lead: string; body: string }[] = [];

export const areaRoutes = new Hono<AppEnv>();

for (const area of AREAS) {
  areaRoutes.get(area.path, (c) =>
    c.render(
      <>
        <PageHeader title={area.title} lead={area.lead} />
        <EmptyState title={`No ${area.title.toLowerCase()} yet`}>
          <p>{area.body}</p>
        </EmptyState>
      </>,
      { title: area.title },
    ),
  );
}
