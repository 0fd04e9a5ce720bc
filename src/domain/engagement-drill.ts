import * as v from "valibot";
import { cleanText } from "./text";

/**
 * The prospects behind one of the webinar page's engagement figures: the attendees of a session,
 * those who answered a poll (with one answer, or any), completed a survey or asked a question.
 * The same value names a drill-down page, its CSV export and a bulk action's source.
 */
export type EngagementDrill =
  | { what: "session"; sessionKey: string }
  /** Any poll when `question` is null; any answer to it when `answer` is null. */
  | { what: "poll"; question: string | null; answer: string | null }
  | { what: "survey" }
  | { what: "question" };

export const DRILL_KINDS = ["session", "poll", "survey", "question"] as const;

const MAX_TEXT = 500;

const Text = (what: string) =>
  v.pipe(
    v.optional(v.string(), ""),
    v.transform(cleanText),
    v.maxLength(MAX_TEXT, `Use at most ${MAX_TEXT} characters for ${what}.`),
  );

/** The drill-down's fields in a link or a form: `what`, and `session`, `question`, `answer` as it needs. */
export const DrillEntries = {
  what: v.picklist(DRILL_KINDS, "Choose session, poll, survey or question."),
  session: v.pipe(v.optional(v.string(), ""), v.regex(/^\d{0,20}$/, "Choose a session from the webinar page.")),
  question: Text("the question"),
  answer: Text("the answer"),
};

/** The drill from its checked fields, or what to fix. */
export function drillOf(fields: {
  what: (typeof DRILL_KINDS)[number];
  session: string;
  question: string;
  answer: string;
}): { ok: true; drill: EngagementDrill } | { ok: false; message: string } {
  switch (fields.what) {
    case "session":
      return fields.session === ""
        ? { ok: false, message: "Choose a session from the webinar page." }
        : { ok: true, drill: { what: "session", sessionKey: fields.session } };
    case "poll":
      return fields.question === ""
        ? { ok: true, drill: { what: "poll", question: null, answer: null } }
        : {
            ok: true,
            drill: { what: "poll", question: fields.question, answer: fields.answer === "" ? null : fields.answer },
          };
    case "survey":
      return { ok: true, drill: { what: "survey" } };
    case "question":
      return { ok: true, drill: { what: "question" } };
  }
}

/** The drill's fields, for links and hidden inputs. */
export function drillFields(drill: EngagementDrill): Record<string, string> {
  switch (drill.what) {
    case "session":
      return { what: "session", session: drill.sessionKey };
    case "poll":
      if (drill.question === null) return { what: "poll" };
      return drill.answer === null
        ? { what: "poll", question: drill.question }
        : { what: "poll", question: drill.question, answer: drill.answer };
    default:
      return { what: drill.what };
  }
}

/** The drill-down's title, in the builder's words: `Answered poll 'How soon?' with 'This quarter'`. */
export function drillTitle(drill: EngagementDrill, sessionLabel: string | null): string {
  switch (drill.what) {
    case "session":
      return `Attended ${sessionLabel ?? "a session"}`;
    case "poll":
      if (drill.question === null) return "Answered a poll";
      return `Answered poll '${drill.question}'${drill.answer === null ? "" : ` with '${drill.answer}'`}`;
    case "survey":
      return "Completed a survey";
    case "question":
      return "Asked a question";
  }
}
