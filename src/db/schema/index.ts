/**
 * Every D1 table, one file per area; modules import them from here (`../schema`). drizzle-kit
 * reads the whole folder (drizzle.config.ts) and writes the migrations from it.
 */

export * from "./accounts";
export * from "./automation";
export * from "./forms";
export * from "./prospects";
export * from "./webinars";
