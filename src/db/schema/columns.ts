import { sql } from "drizzle-orm";
import { text } from "drizzle-orm/sqlite-core";

/** Times are stored as ISO-8601 UTC strings, ids as prefixed random strings. */
export const createdAt = () => text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);
