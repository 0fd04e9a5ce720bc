/**
 * Lossless JSON for GoTo. GoTo's keys are 64-bit integers and it sends many of them as bare JSON
 * numbers above 2^53 (webinarKey on get-webinar, registrantKey everywhere, attendee keys, webhook
 * payloads), which `JSON.parse` silently rounds: 6123456789012345678 becomes ...346000. Other
 * responses send the same keys as strings. Either way Rollcall keeps keys as exact decimal strings.
 *
 * The parse uses the reviver's source-text access (`context.source`, TC39 "JSON.parse source text
 * access", in V8 and so in workerd and Node 22): for a number in a key field we keep the digits as
 * written instead of the rounded double. Nothing else changes: non-key numbers stay numbers.
 */

/** Fields that hold a GoTo key (an int64) in any response or webhook payload Rollcall reads. */
export const GOTO_KEY_FIELDS: ReadonlySet<string> = new Set([
  "webinarKey",
  "organizerKey",
  "accountKey",
  "registrantKey",
  "sessionKey",
  "attendeeKey",
  "recordingAssetKey",
  "questionKey",
  "answerKey",
  "userKey",
  "webinarCreatorKey",
  "creatingOrganizerKey",
  "startingOrganizerKey",
  "coorganizerKey",
  "panelistKey",
  "memberKey",
  // The asker of an AttendeeQuestion: a string in the spec, kept exact should GoTo send a number.
  "askerKey",
  // `/admin/rest/v1/me` calls the organizer key just `key`.
  "key",
  // The legacy token response (and the simulator) carry the keys in snake case.
  "organizer_key",
  "account_key",
  // Not a key, but a "long id" in GoTo's error bodies; kept exact so logs can quote it to support.
  "incident",
]);

const INTEGER_LITERAL = /^-?(0|[1-9]\d*)$/;

interface ReviverContext {
  source?: string;
}

type SourceReviver = (this: unknown, key: string, value: unknown, context?: ReviverContext) => unknown;

const keepKeysExact: SourceReviver = (key, value, context) => {
  if (typeof value !== "number" || !GOTO_KEY_FIELDS.has(key)) return value;
  const source = context?.source;
  if (source === undefined) {
    throw new Error("JSON.parse source text access is missing in this runtime; GoTo keys would be rounded");
  }
  // A fraction or exponent in a key field is not a key: leave it a number so the schema refuses it.
  return INTEGER_LITERAL.test(source) ? source : value;
};

/**
 * Parses JSON text from GoTo. Numbers in {@link GOTO_KEY_FIELDS} become their exact decimal digits
 * as a string; string keys stay as they are. The result is `unknown` until a schema narrows it.
 * Throws `SyntaxError` on text that is not JSON.
 */
export function parseGoToJson(text: string): unknown {
  return JSON.parse(text, keepKeysExact as (this: unknown, key: string, value: unknown) => unknown);
}

interface JsonWithRaw {
  rawJSON(text: string): unknown;
}

/**
 * Serialises a request body for GoTo with key fields given as decimal strings written as bare
 * numbers, as GoTo's int64 fields expect (e.g. `questionKey` and `answerKey` in registrant
 * `responses`), without passing them through a double.
 */
export function stringifyGoToJson(value: unknown, numericKeyFields: ReadonlySet<string> = GOTO_KEY_FIELDS): string {
  const raw = (JSON as unknown as JsonWithRaw).rawJSON;
  return JSON.stringify(value, (key: string, v: unknown) => {
    if (typeof v === "string" && numericKeyFields.has(key) && /^(0|[1-9]\d*)$/.test(v)) return raw(v);
    return v;
  });
}
