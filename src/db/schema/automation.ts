import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt } from "./columns";
import { prospects } from "./prospects";
import { campaigns } from "./webinars";

/**
 * The tables of lists and automation: lists and their members, tags, the criteria of lists and
 * rules, rules and what they did, and the long-running jobs.
 */

/**
 * Lists of prospects. A static list's members are added by forms, by hand (and later by rules and
 * report drill-downs); a dynamic list's members are the prospects matching its criteria, kept
 * current as activities and prospect changes are recorded (src/db/queries/memberships.ts).
 */
export const lists = sqliteTable(
  "lists",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["static", "dynamic"] })
      .notNull()
      .default("static"),
    /** A dynamic list's criteria as JSON (src/domain/criteria), as the marketer saved them. */
    criteria: text("criteria"),
    createdAt: createdAt(),
    /** When the name or criteria last changed; null until then. */
    updatedAt: text("updated_at"),
  },
  (t) => [uniqueIndex("lists_name_unique").on(t.name)],
);

/**
 * Criteria stored for SQL: one set per owner (a dynamic list; automation rules later), with the
 * top-level all / any. The owner's id is not a foreign key, so lists and rules share the tables.
 */
export const criteriaSets = sqliteTable(
  "criteria_sets",
  {
    ownerId: text("owner_id").primaryKey(),
    ownerType: text("owner_type", { enum: ["list", "rule"] }).notNull(),
    match: text("match", { enum: ["all", "any"] }).notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("criteria_sets_type_idx").on(t.ownerType)],
);

/** The conditions of a set; a top-level condition is a group of one (src/domain/criteria/criteria.ts). */
export const criteriaConditions = sqliteTable(
  "criteria_conditions",
  {
    ownerId: text("owner_id")
      .notNull()
      .references(() => criteriaSets.ownerId, { onDelete: "cascade" }),
    groupNo: integer("group_no").notNull(),
    position: integer("position").notNull(),
    groupMatch: text("group_match", { enum: ["all", "any"] }).notNull(),
    kind: text("kind").notNull(),
    /** JSON of the condition's parameters (everything but its kind). */
    params: text("params").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.groupNo, t.position] })],
);

/**
 * Long work in bounded steps (a list's recompute; later a rule's "apply to who already matches"
 * and bulk add-to-list), run by the JobRunner Durable Object (src/services/job-runner.ts). Each
 * step's writes and its progress are one D1 batch, so a step re-run changes nothing twice.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    /** What the job works on, e.g. the list's id: at most one queued or running job per kind and subject. */
    subject: text("subject").notNull(),
    state: text("state", { enum: ["queued", "running", "done", "failed", "cancelled"] })
      .notNull()
      .default("queued"),
    /** JSON the job's kind reads. */
    params: text("params").notNull().default("{}"),
    /** Where the next step starts; null before the first. */
    cursor: text("cursor"),
    steps: integer("steps").notNull().default(0),
    done: integer("done").notNull().default(0),
    total: integer("total"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    runAt: text("run_at").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [
    uniqueIndex("jobs_active_subject_unique").on(t.kind, t.subject).where(sql`state IN ('queued', 'running')`),
    index("jobs_state_run_idx").on(t.state, t.runAt),
    index("jobs_subject_idx").on(t.subject, t.createdAt),
  ],
);

export const listMembers = sqliteTable(
  "list_members",
  {
    listId: text("list_id")
      .notNull()
      .references(() => lists.id, { onDelete: "cascade" }),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    addedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.listId, t.prospectId] }),
    index("list_members_prospect_idx").on(t.prospectId),
    index("list_members_list_added_idx").on(t.listId, t.addedAt, t.prospectId),
  ],
);

export const prospectTags = sqliteTable(
  "prospect_tags",
  {
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    tag: text("tag").notNull(),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.prospectId, t.tag] }), index("prospect_tags_tag_idx").on(t.tag)],
);

/**
 * Automation rules: criteria (stored for SQL in `criteria_sets` / `criteria_conditions` with owner
 * type `rule`, and here as the marketer saved them) and actions, run as prospects' facts are
 * recorded (src/db/queries/rule-runs.ts). A deleted rule keeps its row, hidden, so the actions it
 * took still name it.
 */
export const rules = sqliteTable(
  "rules",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** `once`: at most once per prospect; `repeat`: again each time a prospect newly matches. */
    mode: text("mode", { enum: ["once", "repeat"] }).notNull(),
    status: text("status", { enum: ["active", "paused"] })
      .notNull()
      .default("active"),
    /** The criteria as JSON (src/domain/criteria), for the words and the API. */
    criteria: text("criteria").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    deletedAt: text("deleted_at"),
  },
  (t) => [
    uniqueIndex("rules_name_unique").on(t.name).where(sql`deleted_at IS NULL`),
    index("rules_status_idx").on(t.status),
  ],
);

/** A rule's actions, in order. A list or campaign deleted later leaves the action pointing at nothing (skipped). */
export const ruleActions = sqliteTable(
  "rule_actions",
  {
    ruleId: text("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    type: text("type", {
      enum: ["add_to_list", "remove_from_list", "add_tag", "remove_tag", "adjust_score", "assign_campaign"],
    }).notNull(),
    listId: text("list_id").references(() => lists.id, { onDelete: "set null" }),
    tag: text("tag"),
    points: integer("points"),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.position] })],
);

/**
 * Whether a prospect matched a rule when its facts were last judged, and how many times it has
 * newly matched (`generation`): the rule acts when the generation moves, so judging the same facts
 * again never acts twice. Generation 0 means "matched before the rule started, not acted on".
 */
export const ruleMatches = sqliteTable(
  "rule_matches",
  {
    ruleId: text("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    matching: integer("matching", { mode: "boolean" }).notNull(),
    generation: integer("generation").notNull(),
    changedAt: text("changed_at").notNull(),
  },
  // Keyed by prospect first: a batch writes the rows of a few hundred prospects, each prospect's
  // rules side by side, instead of a few rows in every rule's part of the index.
  (t) => [primaryKey({ columns: [t.prospectId, t.ruleId] })],
);

/**
 * Every action a rule took: on whom (`subjectId`, never changed; `prospectId` follows merges to
 * the master), which match (`generation`) and action (`position`, with the action's values as
 * they were), what triggered it, and when. Unique per rule, subject, match and action, so an
 * action is taken at most once per match. `outcome` is written once, as the action is taken: `done`,
 * or `skipped` when its list or campaign was gone.
 */
export const ruleActionsTaken = sqliteTable(
  "rule_actions_taken",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ruleId: text("rule_id")
      .notNull()
      .references(() => rules.id),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    subjectId: text("subject_id").notNull(),
    generation: integer("generation").notNull(),
    position: integer("position").notNull(),
    type: text("type").notNull(),
    listId: text("list_id"),
    tag: text("tag"),
    points: integer("points"),
    campaignId: text("campaign_id"),
    outcome: text("outcome", { enum: ["done", "skipped"] }).notNull(),
    /**
     * `activity` (see `activityId`), `attendance` (the attendance of `webinarId`, read after its
     * end: who did not come is now absent), `change` (another fact of the prospect), `apply` (a
     * run over who already matched).
     */
    trigger: text("trigger", { enum: ["activity", "attendance", "change", "apply"] }).notNull(),
    activityId: text("activity_id"),
    webinarId: text("webinar_id"),
    takenAt: text("taken_at").notNull(),
  },
  (t) => [
    // By prospect first, like rule_matches: a batch's actions land on its prospects' pages.
    uniqueIndex("rule_actions_taken_unique").on(t.subjectId, t.ruleId, t.generation, t.position),
    index("rule_actions_taken_rule_idx").on(t.ruleId, t.id),
    index("rule_actions_taken_prospect_idx").on(t.prospectId, t.takenAt),
  ],
);

/**
 * One row: the highest `rule_actions_taken` id before the rule statements of the batch running now
 * (src/db/queries/rule-runs.ts). What that batch took is every row after it, read by id range, so
 * a taken action is written once instead of written pending, indexed as such and updated done.
 */
export const ruleRunMarks = sqliteTable("rule_run_marks", {
  id: integer("id").primaryKey(),
  lastTakenId: integer("last_taken_id").notNull(),
});
