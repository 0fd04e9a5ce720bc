import * as v from "valibot";
import { TimeSchema } from "./schemas";

/**
 * Schemas for the Attendees API's engagement answers, tolerant of what GoTo is known to send: the
 * deprecated single `answer` beside (or instead of) `answers`, answers that are numbers, a
 * `dateAsked` or `answerTime` that is not a time, fields missing or null. An item without its
 * question text cannot be used and is left out; the rest of the list is kept.
 */

const NullableText = v.pipe(
  v.nullish(v.unknown(), null),
  v.transform((x) => (typeof x === "string" ? x.trim() || null : typeof x === "number" ? String(x) : null)),
);

/** A time if GoTo sent one; anything else (an empty string, "N/A", a number) is null. */
const LooseTime = v.pipe(
  v.nullish(v.unknown(), null),
  v.transform((x) => {
    const parsed = v.safeParse(TimeSchema, x);
    return parsed.success ? parsed.output : null;
  }),
);

/** Answers as non-empty strings: `answers` when it has any, else the deprecated `answer`. */
function answerList(answers: unknown, answer: unknown): string[] {
  const texts = (list: unknown[]): string[] =>
    list
      .map((a) => (typeof a === "string" ? a.trim() : typeof a === "number" ? String(a) : ""))
      .filter((a) => a !== "");
  const fromList = Array.isArray(answers) ? texts(answers) : typeof answers === "string" ? texts([answers]) : [];
  if (fromList.length > 0) return fromList;
  return typeof answer === "string" || typeof answer === "number" ? texts([answer]) : [];
}

const QuestionText = v.pipe(v.string(), v.trim(), v.nonEmpty());

/** `PollAnswer` (an attendee's poll or survey answer). */
export const PollAnswerSchema = v.pipe(
  v.object({ question: QuestionText, answers: v.optional(v.unknown()), answer: v.optional(v.unknown()) }),
  v.transform((p) => ({ question: p.question, answers: answerList(p.answers, p.answer) })),
);
export type GoToPollAnswer = v.InferOutput<typeof PollAnswerSchema>;

const QuestionAnswerSchema = v.pipe(
  v.object({
    answer: v.optional(v.unknown()),
    answeredBy: v.optional(v.unknown()),
    answererRole: v.optional(v.unknown()),
    answerTime: v.optional(v.unknown()),
    answererEmail: v.optional(v.unknown()),
  }),
  v.transform((a) => ({
    answer: v.parse(NullableText, a.answer),
    answeredBy: v.parse(NullableText, a.answeredBy),
    answererRole: v.parse(NullableText, a.answererRole),
    answerTime: v.parse(LooseTime, a.answerTime),
    answererEmail: v.parse(NullableText, a.answererEmail),
  })),
);

/** `AttendeeQuestion`: the asker (email and key), when, and the organizer's answers. */
export const AttendeeQuestionSchema = v.pipe(
  v.object({
    question: QuestionText,
    askedBy: v.optional(v.unknown()),
    askerKey: v.optional(v.unknown()),
    dateAsked: v.optional(v.unknown()),
    answers: v.optional(v.unknown()),
  }),
  v.transform((q) => ({
    question: q.question,
    askedBy: v.parse(NullableText, q.askedBy),
    askerKey: (() => {
      const key = v.parse(NullableText, q.askerKey);
      return key !== null && /^\d{1,20}$/.test(key) ? key : null;
    })(),
    dateAsked: v.parse(LooseTime, q.dateAsked),
    answers: usable(QuestionAnswerSchema, q.answers).filter((a) => a.answer !== null),
  })),
);
export type GoToAttendeeQuestion = v.InferOutput<typeof AttendeeQuestionSchema>;

/** `Poll` (a session's poll or survey question, aggregated: no identities). */
export const PollSchema = v.pipe(
  v.object({
    question: QuestionText,
    numberOfResponses: v.optional(v.unknown()),
    responses: v.optional(v.unknown()),
  }),
  v.transform((p) => ({
    question: p.question,
    numberOfResponses:
      typeof p.numberOfResponses === "number" && Number.isInteger(p.numberOfResponses) && p.numberOfResponses >= 0
        ? p.numberOfResponses
        : null,
    responses: usable(
      v.object({
        text: v.pipe(v.string(), v.trim(), v.nonEmpty()),
        percentage: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(100)), null),
      }),
      p.responses,
    ),
  })),
);
export type GoToPoll = v.InferOutput<typeof PollSchema>;

/** The items of `list` that `schema` accepts (a non-array is no items). */
function usable<T>(schema: v.GenericSchema<unknown, T>, list: unknown): T[] {
  if (!Array.isArray(list)) return [];
  const out: T[] = [];
  for (const item of list) {
    const parsed = v.safeParse(schema, item);
    if (parsed.success) out.push(parsed.output);
  }
  return out;
}

/** A JSON array of such items: the answer must be an array; items GoTo sent unusable are left out. */
export function tolerantList<T>(item: v.GenericSchema<unknown, T>): v.GenericSchema<unknown, T[]> {
  return v.pipe(
    v.array(v.unknown(), "an array"),
    v.transform((list) => usable(item, list)),
  );
}
