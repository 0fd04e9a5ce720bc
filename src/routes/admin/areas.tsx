import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { EmptyState, PageHeader } from "../../views/components";

/**
 * The areas later capabilities fill in. Each says plainly what it will hold, so nobody mistakes
 * an empty page for a broken one.
 */
const AREAS: { path: string; title: string; lead: string; body: string }[] = [
  {
    path: "/forms",
    title: "Forms",
    lead: "Registration forms for your own site: hosted pages, embeds and form handlers.",
    body: "Build a form with the completion action Register for webinar, then put it on your site. The form builder is not built yet.",
  },
  {
    path: "/lists",
    title: "Lists",
    lead: "Static and dynamic lists of prospects, for example everyone who attended a webinar.",
    body: "Lists are filled from webinar reports and automation rules. They are not built yet.",
  },
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
