import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt } from "./columns";
import { prospects } from "./prospects";

/**
 * The tables of Rollcall's forms and form handlers, their submissions, and the account's filters.
 */

/** Registration forms built in Rollcall. Fields, actions and look are JSON the domain validates. */
export const forms = sqliteTable("forms", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  status: text("status", { enum: ["draft", "live"] })
    .notNull()
    .default("draft"),
  fields: text("fields").notNull().default("[]"),
  actions: text("actions").notNull().default("[]"),
  thankYouMessage: text("thank_you_message"),
  redirectUrl: text("redirect_url"),
  theme: text("theme").notNull().default("{}"),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: text("updated_at").notNull(),
});

/** Form handlers: posts from the customer's own HTML forms, mapped onto prospect fields. */
export const formHandlers = sqliteTable("form_handlers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  fieldMap: text("field_map").notNull().default("{}"),
  actions: text("actions").notNull().default("[]"),
  successUrl: text("success_url").notNull(),
  errorUrl: text("error_url").notNull(),
  allowedOrigins: text("allowed_origins").notNull().default("[]"),
  createdAt: createdAt(),
  updatedAt: text("updated_at").notNull(),
});

/** Every submission, accepted or filtered, with what was sent and where it came from. */
export const submissions = sqliteTable(
  "submissions",
  {
    id: text("id").primaryKey(),
    formId: text("form_id").references(() => forms.id),
    handlerId: text("handler_id").references(() => formHandlers.id),
    prospectId: text("prospect_id").references(() => prospects.id),
    data: text("data").notNull(),
    status: text("status", { enum: ["accepted", "filtered"] }).notNull(),
    /** For a filtered submission: the rule that matched, e.g. `email domain acme.com`. */
    filterReason: text("filter_reason"),
    /**
     * JSON `[{type, id}]`: completion actions of an accepted submission that did not run because
     * their webinar, list or campaign no longer existed. Null when every action ran.
     */
    skippedActions: text("skipped_actions"),
    utm: text("utm"),
    referrer: text("referrer"),
    ip: text("ip"),
    /**
     * A hash of form, email and content. A submission with the key of one stored within ten
     * minutes either side is a double submit and is stored once (the window slides with each post).
     */
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("submissions_dedupe_idx").on(t.dedupeKey, t.createdAt),
    index("submissions_form_idx").on(t.formId, t.createdAt),
    index("submissions_handler_idx").on(t.handlerId, t.createdAt),
  ],
);

/** The account's filters: IP ranges (CIDR, v4 and v6) and email domains. */
export const filters = sqliteTable("filters", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["ip_range", "email_domain"] }).notNull(),
  value: text("value").notNull(),
  note: text("note"),
  createdAt: createdAt(),
});
