/** The console's Record engagement panel: a poll answer, a survey answer or a question, by hand. */

import type { FC } from "hono/jsx";
import type { ConsoleData } from "./data";
import { ConsoleForm, Field, WebinarSelect } from "./form";

export const EngagementPanel: FC<{ data: ConsoleData }> = ({ data }) => (
  <section class="panel stack" aria-labelledby="h-engagement">
    <h2 id="h-engagement">Record engagement</h2>
    <p class="small muted">
      In the attendee's latest attended session. A survey answer is delivered as survey.submitted to subscribers.
    </p>
    <ConsoleForm action="/sim/console/engagement">
      <Field id="eng-webinar" label="Webinar">
        <WebinarSelect id="eng-webinar" data={data} />
      </Field>
      <Field id="eng-kind" label="What happened">
        <select id="eng-kind" name="kind">
          <option value="poll">Answered a poll</option>
          <option value="survey">Answered a survey question</option>
          <option value="question">Asked a question</option>
        </select>
      </Field>
      <Field id="eng-email" label="Email of who took part">
        <input id="eng-email" name="email" type="email" required />
      </Field>
      <Field id="eng-question" label="Question">
        <input id="eng-question" name="question" type="text" required maxlength={2000} />
      </Field>
      <Field id="eng-answers" label="Poll or survey answers (one per line)">
        <textarea id="eng-answers" name="answers" rows={2} />
      </Field>
      <Field id="eng-answer" label="Organizer's answer to a question (optional)">
        <input id="eng-answer" name="answer" type="text" maxlength={2000} />
      </Field>
      <button type="submit" class="button primary">
        Record engagement
      </button>
    </ConsoleForm>
  </section>
);
