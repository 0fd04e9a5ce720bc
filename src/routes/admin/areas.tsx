import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { EmptyState, PageHeader } from "../../views/components";

/**
 * The areas later capabilities fill in. Each says plainly what it will hold, so nobody mistakes
 * an empty page for a broken one.
 */
const AREAS: { path: string; title: string; lead: string; body: string }[] = [
  {
    path: "/automation",
    title: "Automation",
    lead: "Rules on webinar status, and the scoring rules that give points per activity.",
    body: "Automation rules (registered, attended or absent for a webinar) and scoring rules will be set here. They are not built yet.",
  },
];

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
