/**
 * REST v2 webinars, sessions and attendance (W1–W9, S1–S6, A1) plus /admin/rest/v1/me, with
 * GoTo's key types: strings in list items and reporting sessions, bare numbers in WebinarByKey
 * and attendees (see json.ts).
 */

import type { SimApp } from "./http";
import { jsonText, num } from "./json";
import { mountEngagementRoutes } from "./rest-engagement";
import { mountSessionRoutes } from "./rest-sessions";
import { mountWebinarRoutes } from "./rest-webinars";

export function mountRest(app: SimApp): void {
  app.get("/admin/rest/v1/me", (c) => {
    const o = c.get("organizer");
    return jsonText({
      key: num(o.organizer_key),
      accountKey: num(o.account_key),
      email: o.email,
      firstName: o.first_name,
      lastName: o.last_name,
      locale: "en_US",
      timeZone: o.time_zone,
    });
  });

  mountWebinarRoutes(app);
  mountSessionRoutes(app);
  mountEngagementRoutes(app);
}
