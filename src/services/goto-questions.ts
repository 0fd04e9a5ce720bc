import { createDb } from "../db/client";
import { findConnector } from "../db/queries/connectors";
import { findWebinarForForm } from "../db/queries/forms";
import type { GoToForm } from "../domain/forms";
import { callGateway } from "../sync/gateway-client";

/**
 * Reads the webinar's own registration fields and questions from GoTo through the
 * connector's gateway. The caller caches the answer with the form's action, so this runs when a
 * marketer picks a webinar or asks to read again, never per visitor.
 */
export async function readGoToForm(env: Env, webinarId: string, now: Date): Promise<GoToForm | { error: string }> {
  const db = createDb(env.DB);
  const webinar = await findWebinarForForm(db, webinarId);
  if (!webinar) return { error: "That webinar is not known to Rollcall." };
  const connector = await findConnector(db, webinar.connectorId);
  if (!connector?.organizerKey)
    return { error: "The webinar's connector is not verified: verify it, then read the questions again." };
  const result = await callGateway(env, connector.id, "getRegistrationFields", {
    organizerKey: connector.organizerKey,
    webinarKey: webinar.webinarKey,
  });
  if (!result.ok) return { error: `GoTo did not answer with the webinar's questions: ${result.error.message}` };
  return {
    fetchedAt: now.toISOString(),
    fields: (result.value.fields ?? []).map((f) => ({
      field: f.field,
      required: f.required,
      answers: f.answers ?? [],
    })),
    questions: (result.value.questions ?? []).map((q) => ({
      questionKey: String(q.questionKey),
      question: q.question,
      required: q.required,
      type: q.type,
      maxSize: q.maxSize ?? null,
      answers: (q.answers ?? []).map((a) => ({ answerKey: String(a.answerKey), answer: a.answer })),
    })),
  };
}
