/** Helpers the REST handlers share: the caller's URL, the path's organizer, body validation and registrant counts. */

import * as v from "valibot";
import { invalid, SimError } from "./errors";
import { pathKey, type SimContext } from "./http";
import type { OrganizerRow } from "./model-organizers";
import { one } from "./storage";
import { VIA_STUB_HEADER } from "./stub-fetch";

/** The URL the caller used: through simulatorFetch that is GoTo's real URL, without /sim. */
export function callerUrl(c: SimContext): string {
  const url = new URL(c.req.url);
  if (c.req.header(VIA_STUB_HEADER) === "stub") url.pathname = url.pathname.replace(/^\/sim\//, "/");
  return url.toString();
}

/** The token's organizer must be the one in the path. */
export function pathOrganizer(c: SimContext): OrganizerRow {
  const key = pathKey(c, "organizerKey");
  const organizer = c.get("organizer");
  if (organizer.organizer_key !== key) {
    throw new SimError(403, "AccessDenied", "The access token does not grant access to this organizer.");
  }
  return organizer;
}

export function registrantCount(sql: SqlStorage, webinarKey: string): number {
  return one<{ n: number }>(sql, "SELECT count(*) AS n FROM registrants WHERE webinar_key = ?", webinarKey)?.n ?? 0;
}

/** Valibot failure → GoTo's 400 with the first problem named. */
export function parseBody<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, body);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue ? v.getDotPath(issue) : null;
    throw invalid(path ? `Invalid value for ${path}: ${issue?.message}` : `Invalid request body: ${issue?.message}`);
  }
  return result.output;
}
