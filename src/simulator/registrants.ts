import * as v from "valibot";
import { GOTO_FORM_FIELDS } from "../gotowebinar/constants";
import { invalid, notFound } from "./errors";
import { keyOf, pathKey, readJsonBody, type SimApp } from "./http";
import { type JsonValue, jsonText, num } from "./json";
import { addRegistrant, deleteRegistrant, joinUrl, registrantByKey } from "./model-registrants";
import { fieldsOf, liveWebinar, questionsOf } from "./model-webinars";
import { limitParams } from "./paging";
import { parseBody, pathOrganizer } from "./rest-shared";
import type { RegistrantRow } from "./rows";
import { all, isoMillis, one } from "./storage";

/**
 * REST v2 registrants (R1–R5). The list is a plain array, or GoTo's newer paged
 * `{data,total,page,limit,pageSize}` when `page` or `limit` is in the query.
 */

const Text = (max: number) => v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters`));

const ResponseSchema = v.object({
  questionKey: v.union([v.string(), v.number()]),
  responseText: v.optional(v.string()),
  answerKey: v.optional(v.union([v.string(), v.number()])),
});

const RegistrantBody = v.object({
  firstName: v.optional(Text(128)),
  lastName: v.optional(Text(128)),
  email: v.optional(Text(128)),
  timeZone: v.optional(Text(64)),
  ...Object.fromEntries(
    GOTO_FORM_FIELDS.map((f) => [
      f,
      v.optional(v.union([Text(f === "questionsAndComments" ? 2048 : 128), v.number()])),
    ]),
  ),
  responses: v.optional(v.array(ResponseSchema)),
});

function listItem(r: RegistrantRow): JsonValue {
  return {
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    registrantKey: num(r.registrant_key),
    registrationDate: isoMillis(r.registration_ms),
    status: r.status,
    joinUrl: joinUrl(r.webinar_key, r.registrant_key),
    timeZone: r.time_zone,
  };
}

function detailed(r: RegistrantRow, recurrenceType: string): JsonValue {
  const extra = JSON.parse(r.extra) as Record<string, string>;
  return {
    ...(listItem(r) as Record<string, JsonValue>),
    ...Object.fromEntries(GOTO_FORM_FIELDS.map((f) => [f, extra[f] ?? ""])),
    type: recurrenceType === "series" ? undefined : r.type,
    unsubscribed: false,
    responses: JSON.parse(r.responses) as JsonValue,
  };
}

export function mountRegistrants(app: SimApp): void {
  const base = "/G2W/rest/v2/organizers/:organizerKey/webinars/:webinarKey/registrants";

  app.get(`${base}/fields`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    return jsonText({
      fields: fieldsOf(w).map((f) => ({
        field: f.field,
        required: f.required,
        maxSize: f.maxSize,
        answers: f.answers,
      })),
      questions: questionsOf(sql, w.webinar_key).map(({ question, answers }) => ({
        questionKey: num(question.question_key),
        question: question.question,
        required: question.required === 1,
        type: question.type,
        maxSize: question.max_size,
        answers:
          question.type === "multipleChoice"
            ? answers.map((a) => ({ answerKey: num(a.answer_key), answer: a.answer }))
            : undefined,
      })),
    });
  });

  app.get(base, (c) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    const query = c.req.query();
    if (query.page === undefined && query.limit === undefined) {
      const rows = all<RegistrantRow>(
        sql,
        "SELECT * FROM registrants WHERE webinar_key = ? ORDER BY seq",
        w.webinar_key,
      );
      return jsonText(rows.map(listItem));
    }
    const { page, limit } = limitParams(query);
    const total =
      one<{ n: number }>(sql, "SELECT count(*) AS n FROM registrants WHERE webinar_key = ?", w.webinar_key)?.n ?? 0;
    const rows = all<RegistrantRow>(
      sql,
      "SELECT * FROM registrants WHERE webinar_key = ? ORDER BY seq LIMIT ? OFFSET ?",
      w.webinar_key,
      limit,
      page * limit,
    );
    return jsonText({ data: rows.map(listItem), total, page, limit, pageSize: rows.length });
  });

  app.post(base, async (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    const body = parseBody(RegistrantBody, await readJsonBody(c)) as Record<string, unknown> & {
      responses?: v.InferOutput<typeof ResponseSchema>[];
    };
    const value = (f: string): string => {
      const x = body[f];
      return typeof x === "number" ? String(x) : typeof x === "string" ? x.trim() : "";
    };
    for (const f of ["firstName", "lastName", "email"]) {
      if (!value(f)) throw invalid(`The field '${f}' is required.`);
    }
    if (!v.safeParse(v.pipe(v.string(), v.email()), value("email")).success) {
      throw invalid("The field 'email' is not a valid email address.");
    }
    for (const spec of fieldsOf(w)) {
      if (spec.required && !value(spec.field)) throw invalid(`The field '${spec.field}' is required.`);
      if (spec.answers && value(spec.field) && !spec.answers.includes(value(spec.field))) {
        throw invalid(`The field '${spec.field}' must be one of its answers.`);
      }
    }
    const given = new Map<string, v.InferOutput<typeof ResponseSchema>>();
    for (const response of body.responses ?? []) {
      const key = keyOf(response.questionKey);
      if (!key) throw invalid("questionKey must be a numeric key.");
      given.set(key, response);
    }
    const answered: { question: string; answer: string }[] = [];
    const questions = questionsOf(sql, w.webinar_key);
    for (const { question, answers } of questions) {
      const response = given.get(question.question_key);
      given.delete(question.question_key);
      let answer = "";
      if (response && question.type === "multipleChoice") {
        const answerKey = keyOf(response.answerKey);
        const picked = answers.find((a) => a.answer_key === answerKey);
        if (response.answerKey !== undefined && !picked) {
          throw invalid(`answerKey is not an answer of question ${question.question_key}.`);
        }
        answer = picked?.answer ?? "";
      } else if (response) {
        answer = (response.responseText ?? "").trim();
        if (answer.length > question.max_size)
          throw invalid(`The answer to question ${question.question_key} is too long.`);
      }
      if (question.required === 1 && !answer) {
        throw invalid(`The question '${question.question}' (${question.question_key}) is required.`);
      }
      if (answer) answered.push({ question: question.question, answer });
    }
    if (given.size > 0) throw invalid(`Unknown questionKey ${[...given.keys()][0]}.`);
    const extra: Record<string, string> = {};
    for (const f of GOTO_FORM_FIELDS) if (value(f)) extra[f] = value(f);
    const registrant = addRegistrant(
      sql,
      w,
      {
        email: value("email"),
        firstName: value("firstName"),
        lastName: value("lastName"),
        timeZone: value("timeZone") || undefined,
        extra,
        responses: answered,
      },
      now(),
    );
    return jsonText(
      {
        registrantKey: num(registrant.registrant_key),
        joinUrl: joinUrl(w.webinar_key, registrant.registrant_key),
        status: registrant.status,
        asset: true,
      },
      201,
    );
  });

  app.get(`${base}/:registrantKey`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    const registrant = registrantByKey(sql, w.webinar_key, pathKey(c, "registrantKey"));
    if (!registrant) throw notFound("Registrant with specified key does not exist.");
    return jsonText(detailed(registrant, w.recurrence_type));
  });

  app.delete(`${base}/:registrantKey`, (c) => {
    const organizer = pathOrganizer(c);
    const { sql, now } = c.get("sim");
    const w = liveWebinar(sql, pathKey(c, "webinarKey"), organizer.organizer_key);
    deleteRegistrant(sql, w, pathKey(c, "registrantKey"), now());
    return c.body(null, 204);
  });
}
