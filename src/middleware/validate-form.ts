import { vValidator } from "@hono/valibot-validator";
import type { Context } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../env";
import { formFields, stringFields } from "../lib/request";
import { fieldErrors } from "../lib/validation";

/** An invalid form as its page shows it again: the fields as typed (cleaned) and one message per field. */
export interface InvalidForm {
  values: Record<string, string>;
  errors: Record<string, string>;
}

/**
 * The one way a route validates a posted form: `vValidator` over the body's string fields, read as
 * `formFields` reads them (files dropped, bidi controls removed). The handler gets the schema's
 * output from `c.req.valid("form")`; an invalid form is answered by `invalid`, which renders the
 * same form with the values kept and the messages (status 422 by the app's convention).
 */
export function validForm<S extends v.GenericSchema<Record<string, string>>>(
  schema: S,
  invalid: (c: Context<AppEnv>, form: InvalidForm) => Response | Promise<Response>,
) {
  return vValidator(
    "form",
    v.pipe(v.unknown(), v.transform(stringFields), schema),
    async (result, c: Context<AppEnv>) => {
      if (!result.success) {
        return invalid(c, { values: await formFields(c), errors: fieldErrors(result.issues) });
      }
    },
  );
}
