import { vValidator } from "@hono/valibot-validator";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import type { AppEnv } from "../env";
import { formFields, stringFields } from "../lib/request";
import { fieldErrors } from "../lib/validation";

/** Input that failed its schema, as its page shows it again: the values as sent and one message per field. */
export interface InvalidInput {
  values: Record<string, string>;
  errors: Record<string, string>;
}

/** A link with a value we do not know (a filter, a cursor): the admin's 400 page, saying what to choose. */
export function brokenLink({ errors }: InvalidInput): never {
  throw new HTTPException(400, { message: Object.values(errors)[0] ?? "Invalid link." });
}

type Invalid = (c: Context<AppEnv>, input: InvalidInput) => Response | Promise<Response>;

/**
 * The one way a route validates a posted form: `vValidator` over the body's string fields, read as
 * `formFields` reads them (files dropped, bidi controls removed). The handler gets the schema's
 * output from `c.req.valid("form")`; an invalid form is answered by `invalid`, which renders the
 * same form with the values kept and the messages (status 422 by the app's convention).
 */
export function validForm<S extends v.GenericSchema<Record<string, string>, unknown>>(schema: S, invalid: Invalid) {
  return vValidator(
    "form",
    v.pipe(v.unknown(), v.transform(stringFields), schema),
    async (result, c: Context<AppEnv>) => {
      if (!result.success) return invalid(c, { values: await formFields(c), errors: fieldErrors(result.issues) });
    },
  );
}

/** Of a repeated query parameter the first counts, as with `c.req.query()`. */
function firstValues(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof query !== "object" || query === null) return out;
  for (const [k, val] of Object.entries(query)) {
    const first: unknown = Array.isArray(val) ? val[0] : val;
    if (typeof first === "string") out[k] = first;
  }
  return out;
}

/**
 * The same for a page's query string: the handler gets `c.req.valid("query")`; `invalid` answers a
 * broken link (the admin's 400 page, or the page itself with the message).
 */
export function validQuery<S extends v.GenericSchema<Record<string, string>, unknown>>(schema: S, invalid: Invalid) {
  return vValidator(
    "query",
    v.pipe(v.unknown(), v.transform(firstValues), schema),
    async (result, c: Context<AppEnv>) => {
      if (!result.success) return invalid(c, { values: c.req.query(), errors: fieldErrors(result.issues) });
    },
  );
}
