/**
 * The criteria engine, used by dynamic lists and automation rules: see ./criteria.ts for the
 * shape, ./kind.ts for what a kind of condition is, ./registry.ts for the kinds in force.
 */
export * from "./builder";
export * from "./criteria";
export * from "./facts";
export * from "./kind";
export * from "./registry";
export { MAX_MINUTES, SCOPES, WEBINAR_STATUSES, type WebinarStatus } from "./webinar-kinds";
