import * as v from "valibot";
import type { ProspectFilters } from "../db/queries/prospect-reports";
import type { RegistrantFilter } from "../db/queries/reports";
import type { EngagementDrill } from "./engagement-drill";
import { TagName } from "./rules";
import { cleanText } from "./text";

/**
 * Bulk actions: every prospect a report or the prospect list shows (all of them, not only the
 * page) added to a static list or given a tag, by a job that walks the same query in bounded steps.
 */

/** Where the prospects come from: a webinar's count or engagement figure, or the prospect list's filters. */
export type BulkSource =
  | { type: "webinar"; webinarId: string; status: RegistrantFilter }
  | { type: "engagement"; webinarId: string; drill: EngagementDrill }
  | { type: "prospects"; filters: ProspectFilters };

export type BulkAction = { type: "add_to_list"; listId: string; listName: string } | { type: "tag"; tag: string };

/** What the job stores: the query, the action and how many prospects matched when it was asked for. */
export interface BulkParams {
  source: BulkSource;
  action: BulkAction;
  total: number;
}

/** A set this large is acted on only after the marketer ticks that they mean all of it. */
export const BULK_CONFIRM_AT = 1000;

const PICK_LIST = "Choose a list, or name a new one.";

const ACTION_ENTRIES = {
  add_to_list: {
    action: v.literal("add_to_list"),
    list_id: v.optional(
      v.pipe(v.string(), v.trim(), v.maxLength(64, "There is no such list. Choose one from the menu.")),
      "",
    ),
    new_list: v.optional(
      v.pipe(
        v.string(),
        v.transform(cleanText),
        v.trim(),
        v.maxLength(100, "Use at most 100 characters for a list name."),
      ),
      "",
    ),
    confirm: v.optional(v.string(), ""),
  },
  tag: {
    action: v.literal("tag"),
    tag_name: v.pipe(v.optional(v.string(), ""), TagName),
    confirm: v.optional(v.string(), ""),
  },
};

/** A bulk form: the action half (Add to list or Tag) with the page's own query fields (`entries`). */
export function bulkActionForm<E extends v.ObjectEntries>(entries: E) {
  return v.variant(
    "action",
    [v.object({ ...entries, ...ACTION_ENTRIES.add_to_list }), v.object({ ...entries, ...ACTION_ENTRIES.tag })],
    "Choose Add to list or Tag.",
  );
}

const BulkActionForm = bulkActionForm({});

export type BulkActionInput = v.InferOutput<typeof BulkActionForm>;

export type BulkErrors = Record<string, string>;

/** What only the form can tell: one list chosen, and the large set confirmed. */
export function checkBulkForm(input: BulkActionInput, count: number): BulkErrors {
  const errors: BulkErrors = {};
  if (input.action === "add_to_list") {
    if (input.list_id === "" && input.new_list === "") errors.list_id = PICK_LIST;
    if (input.list_id !== "" && input.new_list !== "") {
      errors.new_list = "Choose an existing list or name a new one, not both.";
    }
  }
  if (count === 0) errors._form = "No prospect matches, so there is nothing to act on.";
  else if (count >= BULK_CONFIRM_AT && input.confirm !== String(count)) {
    errors.confirm = `Tick the box to confirm acting on all ${count.toLocaleString("en-US")} prospects.`;
  }
  return errors;
}

/** "312 prospects added to “Recording follow-up”", "4,210 prospects tagged “no-show”". */
export function bulkResult(action: BulkAction, done: number): string {
  const n = `${done.toLocaleString("en-US")} ${done === 1 ? "prospect" : "prospects"}`;
  return action.type === "add_to_list" ? `${n} added to “${action.listName}”` : `${n} tagged “${action.tag}”`;
}

/** What the progress bar says while it runs. */
export function bulkDoing(action: BulkAction): string {
  return action.type === "add_to_list" ? `Adding to “${action.listName}”` : `Tagging “${action.tag}”`;
}

/** The stored params of a bulk job, or null if they do not parse. */
export function parseBulkParams(text: string): BulkParams | null {
  try {
    const json = JSON.parse(text) as Partial<BulkParams>;
    if (!json.source || !json.action || typeof json.total !== "number") return null;
    return json as BulkParams;
  } catch {
    return null;
  }
}
