import * as v from "valibot";
import type { Keyset } from "../db/queries/reports";

/** What an admin page says when its page link holds a cursor we did not give out. */
export const BROKEN_PAGE_LINK = "That page link is broken; start from the first page.";

/** The `cursor` of an admin page's query string, before it is decoded. */
export const PageCursorParam = v.optional(v.pipe(v.string(), v.maxLength(300, BROKEN_PAGE_LINK)));

/**
 * A cursor Rollcall did not give out (edited, cut short, from another list). `app.onError`
 * answers it in the area's own way: the API's `invalid_cursor` JSON error, the admin's 400 page.
 */
export class InvalidCursorError extends Error {
  constructor() {
    super("invalid cursor");
    this.name = "InvalidCursorError";
  }
}

/** Cursors are opaque to clients: base64url (no padding) of the UTF-8 text of a position. */
function encode(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/** The text a cursor stands for, if it has the given shape; otherwise `InvalidCursorError`. */
function decode(cursor: string, shape: RegExp): RegExpExecArray {
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const match = shape.exec(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
    if (match) return match;
  } catch {
    // not base64: fall through to the error below
  }
  throw new InvalidCursorError();
}

/** A keyset position (a sort value and the id that breaks ties) as `k:<at>|<id>`. */
export function encodeKeyset(position: Keyset): string {
  return encode(`k:${position.at}|${position.id}`);
}

export function decodeKeyset(cursor: string): Keyset {
  const [, at, id] = decode(cursor, /^k:(\d{4}-\d\d-\d\dT[\d:.]+Z)\|([A-Za-z0-9_-]{1,100})$/);
  if (!at || !id) throw new InvalidCursorError();
  return { at, id };
}

/** A position in a list ordered by a numeric id (the audit log) as `p:<id>`. */
export function encodePosition(position: number): string {
  return encode(`p:${position}`);
}

export function decodePosition(cursor: string): number {
  const [, digits] = decode(cursor, /^p:(\d{1,15})$/);
  if (!digits) throw new InvalidCursorError();
  return Number(digits);
}

/**
 * A keyset position in a list sorted by a figure (a count or a rate) with the id that breaks
 * ties, as `r:<value>|<id>`. The value is written as JavaScript writes the number, which reads back
 * to the same number.
 */
export interface RankedKeyset {
  value: number;
  id: string;
}

export function encodeRanked(position: RankedKeyset): string {
  return encode(`r:${position.value}|${position.id}`);
}

export function decodeRanked(cursor: string): RankedKeyset {
  const [, value, id] = decode(cursor, /^r:(-?\d{1,16}(?:\.\d{1,20})?(?:e-?\d{1,3})?)\|([A-Za-z0-9_-]{1,100})$/);
  const n = Number(value);
  if (!value || !id || !Number.isFinite(n)) throw new InvalidCursorError();
  return { value: n, id };
}
