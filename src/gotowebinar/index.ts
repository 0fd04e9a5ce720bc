/** The GoTo client's public surface: import from here. */
export * from "./client";
export * from "./constants";
export * from "./errors";
export { GOTO_KEY_FIELDS, parseGoToJson, stringifyGoToJson } from "./json";
export * from "./oauth";
export type { AccessTokenSource, FetchFn } from "./request";
export type * from "./schemas";
export type * from "./webhooks";
