import type { SQL } from "drizzle-orm";
import type * as v from "valibot";
import type { ProspectFacts } from "./facts";

/**
 * One kind of condition ("Webinar status", "Score", "Tag"...). A kind is everything the engine
 * needs to know about it, in one place: its parameters' schema, the fields the criteria builder
 * shows for them, its words, its pure evaluation against a prospect's facts, and its SQL for set
 * queries. The kinds in force are the list in ./registry.ts; another kind is one more module there.
 */
export interface CriterionKind<K extends string = string, P extends object = Record<string, unknown>> {
  readonly kind: K;
  /** The builder's name for it, in the kind picker. */
  readonly label: string;
  /** Where the picker shows it. */
  readonly section: "Webinars" | "Prospect" | "Engagement";
  /** The parameters (everything of a condition but `kind`), with messages that say what to fix. */
  readonly schema: v.GenericSchema<unknown, P>;
  /** The builder's inputs for the parameters, in order; their names are the parameters' keys. */
  readonly fields: readonly FieldSpec[];
  /** The parameters of a new condition of this kind in the builder. */
  readonly defaults: Readonly<Record<string, string>>;
  /** In words: `Attended “Product tour” for at least 20 minutes`. */
  describe(params: P, names: NameLookup): string;
  /** Pure: does this prospect match? */
  evaluate(params: P, facts: ProspectFacts): boolean;
  /**
   * A boolean SQL expression, true when the prospect row aliased `p` matches. Each parameter comes
   * as an SQL expression (a read of the condition row's JSON), so the SQL must not depend on the
   * parameters' values in JavaScript. Aliases inside it must not be `p` or `criteria_row`.
   */
  sql(params: SqlParams<P>, context: SqlContext): SQL;
  /** The rows the parameters point at, checked to exist when criteria are saved. */
  references(params: P): readonly Reference[];
  /**
   * The facts its judgement reads. A change of one fact alone (the attendance read after a
   * webinar's end) re-judges only the criteria holding a kind that reads it.
   */
  readonly reads: readonly Fact[];
  /**
   * Facts of `reads` that a condition reads only for some values of one parameter ("Webinar
   * status" reads the attendance read only for "absent"): a change of that fact alone re-judges
   * only the criteria holding such a condition.
   */
  readonly readsOnlyWhen?: Partial<Record<Fact, ParamValues>>;
}

/** One parameter's values. */
export interface ParamValues {
  param: string;
  values: readonly string[];
}

/** What about a prospect a condition can depend on. */
export type Fact =
  | "registrations"
  /** That the webinar's attendance has been read since its end (who is absent). */
  | "attendance_read"
  /** Which sessions of the webinar have had their attendance read (the latest, all of them). */
  | "sessions_read"
  /** Poll answers, survey answers and questions asked. */
  | "engagements"
  | "fields"
  | "score"
  | "campaign"
  | "tags"
  | "lists";

export type SqlParams<P> = { readonly [K in keyof P]-?: SQL };

export interface SqlContext {
  /** The time "absent" is judged at, as an SQL value. */
  now: SQL;
}

export type ReferenceType = "webinar" | "campaign" | "list";

export interface Reference {
  type: ReferenceType;
  id: string;
  /** The parameter that holds it, for the message. */
  param: string;
}

/** Names of the rows criteria point at, for the words; null when the row is gone. */
export interface NameLookup {
  webinar(id: string): string | null;
  campaign(id: string): string | null;
  list(id: string): string | null;
}

export interface Choice {
  value: string;
  label: string;
}

/** A builder input. `showWhen` hides it unless another parameter has one of the given values. */
export type FieldSpec = (
  | { type: "select"; options: readonly Choice[] }
  | { type: "webinar" | "campaign" | "list" }
  | { type: "number"; min: number; max: number; suffix?: string }
  | { type: "text"; maxlength: number; placeholder?: string }
) & {
  name: string;
  label: string;
  /** A line under the input that says what an empty value or the number means. */
  hint?: string;
  showWhen?: { param: string; values: readonly string[] };
};

/** Declares a kind with its parameter type inferred from its schema. */
export function defineKind<K extends string, S extends v.GenericSchema<unknown, object>>(
  kind: CriterionKind<K, v.InferOutput<S>> & { schema: S },
): CriterionKind<K, v.InferOutput<S>> & { schema: S } {
  return kind;
}
