import * as v from "valibot";
import { all } from "./storage";

/**
 * Fault injection and behaviour switches, kept in the `settings` table so they survive eviction.
 * `refreshTokenRotation`: "sometimes" (the default: a refresh token is replaced on its 5th use,
 * like GoTo rotating only now and then), "always" or "never", so tests can pin either behaviour.
 * `webhookDelivery`: "fetch" posts events to the callback from the alarm (the default); "record" only
 * queues them, to be posted by an explicit `deliverNow()` (deterministic tests).
 * The answer faults (src/simulator/faults.ts) hit only GoTo paths matching `paths` (all when null):
 * `badAnswerRate` of answers are unusable (one of `badAnswerKinds`), `ambiguousRate` of calls take
 * effect and then answer 500 or never finish (one of `ambiguousKinds`), `slowBodyMs` trickles bodies.
 * `rateLimitScope`: whose requests share `rateLimitPerSecond`: "client" (the default, as GoTo limits
 * per API and raises limits per OAuth client ID, so every token of the client shares one budget) or
 * "token" (each access token its own).
 */
export const BAD_ANSWER_KINDS = ["htmlErrorPage", "htmlOk", "truncated", "empty", "wrongFields"] as const;
export type BadAnswerKind = (typeof BAD_ANSWER_KINDS)[number];
export const AMBIGUOUS_KINDS = ["error500", "hang"] as const;
export type AmbiguousKind = (typeof AMBIGUOUS_KINDS)[number];

export interface SimSettings {
  errorRate: number;
  rateLimitPerSecond: number;
  rateLimitScope: "client" | "token";
  latencyMs: number;
  slowBodyMs: number;
  badAnswerRate: number;
  badAnswerKinds: BadAnswerKind[];
  ambiguousRate: number;
  ambiguousKinds: AmbiguousKind[];
  paths: string | null;
  refreshTokenRotation: "sometimes" | "always" | "never";
  webhookDelivery: "fetch" | "record";
}

export const DEFAULT_SETTINGS: SimSettings = {
  errorRate: 0,
  rateLimitPerSecond: 10,
  rateLimitScope: "client",
  latencyMs: 0,
  slowBodyMs: 0,
  badAnswerRate: 0,
  badAnswerKinds: [...BAD_ANSWER_KINDS],
  ambiguousRate: 0,
  ambiguousKinds: [...AMBIGUOUS_KINDS],
  paths: null,
  refreshTokenRotation: "sometimes",
  webhookDelivery: "fetch",
};

/** A refresh token is replaced on this use when rotation is "sometimes". */
export const ROTATE_EVERY_NTH_REFRESH = 5;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const Rate = v.pipe(v.number(), v.minValue(0, "must be from 0 to 1"), v.maxValue(1, "must be from 0 to 1"));
const Millis = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000));

/** A regular expression over the GoTo path (`/G2W/rest/v2/...`); "" or null means every path. */
const Paths = v.pipe(
  v.nullable(
    v.pipe(v.string(), v.maxLength(200), v.check(isRegExp, "must be a valid regular expression, like /registrants")),
  ),
  v.transform((s) => (s === null || s === "" ? null : s)),
);

function kinds<const K extends readonly [string, ...string[]]>(all: K) {
  return v.pipe(
    v.array(v.picklist(all, `must be one of ${all.join(", ")}`)),
    v.minLength(1, `name at least one of ${all.join(", ")}`),
    v.transform((list) => [...new Set(list)]),
  );
}

export const FaultsBody = v.strictObject({
  errorRate: v.optional(Rate),
  rateLimitPerSecond: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000))),
  rateLimitScope: v.optional(v.picklist(["client", "token"], 'must be "client" or "token"')),
  latencyMs: v.optional(Millis),
  slowBodyMs: v.optional(Millis),
  badAnswerRate: v.optional(Rate),
  badAnswerKinds: v.optional(kinds(BAD_ANSWER_KINDS)),
  ambiguousRate: v.optional(Rate),
  ambiguousKinds: v.optional(kinds(AMBIGUOUS_KINDS)),
  paths: v.optional(Paths),
  expireTokensNow: v.optional(v.boolean()),
  refreshTokenRotation: v.optional(v.picklist(["sometimes", "always", "never"])),
  webhookDelivery: v.optional(v.picklist(["fetch", "record"])),
});
export type FaultsInput = v.InferOutput<typeof FaultsBody>;

export function readSettings(sql: SqlStorage): SimSettings {
  const settings: SimSettings = { ...DEFAULT_SETTINGS };
  for (const row of all<{ key: string; value: string }>(sql, "SELECT key, value FROM settings")) {
    if (row.key in settings) (settings as unknown as Record<string, unknown>)[row.key] = JSON.parse(row.value);
  }
  return settings;
}

/** Applies the given settings (and the one-shot expireTokensNow); returns the settings now in force. */
export function writeSettings(sql: SqlStorage, input: FaultsInput, now: number): SimSettings {
  const { expireTokensNow, ...rest } = input;
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    sql.exec(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }
  if (expireTokensNow) {
    sql.exec("UPDATE tokens SET expires_at = ? WHERE kind = 'access' AND expires_at > ?", now - 1, now - 1);
  }
  return readSettings(sql);
}
