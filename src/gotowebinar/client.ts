import {
  GOTO_API_BASE_URL,
  GOTO_DEFAULT_TIMEOUT_MS,
  GOTO_MAX_PAGE_SIZE,
  GOTO_ME_URL,
  GOTO_REGISTRANT_FIELDS,
  type GoToRegistrantField,
} from "./constants";
import { createEngagementCalls, type GoToEngagementCalls } from "./engagement";
import { GoToDuplicateRegistrantError, GoToRequestError } from "./errors";
import { stringifyGoToJson } from "./json";
import {
  type AccessTokenSource,
  createRequester,
  type FetchFn,
  keySegment,
  type Requester,
  walkPages,
} from "./request";
import {
  CreatedRegistrantSchema,
  type GoToAttendee,
  type GoToMe,
  type GoToPage,
  type GoToRegistrant,
  type GoToRegistrantDetail,
  type GoToRegistrantPage,
  type GoToRegistrantStatus,
  type GoToRegistrationFields,
  type GoToSession,
  type GoToWebinar,
  MeSchema,
  RegistrantDetailSchema,
  RegistrantListSchema,
  RegistrationFieldsSchema,
  SessionAttendeeListSchema,
  SessionListSchema,
  WebinarAttendeeListSchema,
  WebinarListSchema,
  WebinarSchema,
} from "./schemas";
import { createWebhookCalls, type GoToWebhookCalls } from "./webhooks";

export interface GoToClientOptions {
  /** The global `fetch` in production; `simulatorFetch(env)` in simulator mode. */
  fetch: FetchFn;
  accessToken: AccessTokenSource;
  /** Per request, including reading the body. Default 15 s. */
  timeoutMs?: number;
  /** Replaces GoTo's origin `https://api.getgo.com` (paths stay GoTo's), e.g. `http://localhost:8787/sim`. */
  baseUrl?: string;
}

export interface OrganizerArgs {
  organizerKey: string;
}
export interface WebinarArgs extends OrganizerArgs {
  webinarKey: string;
}
export interface RegistrantArgs extends WebinarArgs {
  registrantKey: string;
}

export interface WalkArgs {
  /** Items per request while walking all pages; default and maximum 200. */
  pageSize?: number;
}

export interface TimeWindow {
  /** ISO-8601 UTC; GoTo requires both ends. */
  fromTime: string;
  toTime: string;
}

export interface PageArgs {
  /** 0-based. */
  page?: number;
  /** At most 200. */
  size?: number;
}

/** An answer to a registration question: free text, or the key of a multiple-choice answer. */
export type GoToQuestionResponse =
  | { questionKey: string; responseText: string }
  | { questionKey: string; answerKey: string };

/** R2's body (`RegistrantFields`). GoTo refuses with 400 when a field or question the organizer made required is missing. */
export interface GoToNewRegistrant extends Partial<Record<GoToRegistrantField, string | null>> {
  firstName: string;
  lastName: string;
  email: string;
  responses?: GoToQuestionResponse[];
}

export interface GoToCreatedRegistration {
  registrantKey: string;
  joinUrl: string;
  /** APPROVED, or WAITING for a MANUAL-approval webinar; `null` when GoTo leaves it out. */
  status: GoToRegistrantStatus | null;
}

export interface GoToClient extends GoToWebhookCalls, GoToEngagementCalls {
  /** W1, one page. */
  listWebinars(args: OrganizerArgs & TimeWindow & PageArgs): Promise<GoToPage<GoToWebinar>>;
  /** W1, every page (size 200 unless `pageSize`), de-duplicated by key. */
  listAllWebinars(args: OrganizerArgs & TimeWindow & WalkArgs): Promise<GoToWebinar[]>;
  /** W2, one page: every webinar of the account. */
  listAccountWebinars(args: { accountKey: string } & TimeWindow & PageArgs): Promise<GoToPage<GoToWebinar>>;
  /** W3. 404 ({@link GoToNotFoundError}) when cancelled or unknown. */
  getWebinar(args: WebinarArgs): Promise<GoToWebinar>;
  /** R1, one call: with `page`/`limit` the paged shape, without them whatever GoTo sends (often the plain array). */
  listRegistrants(args: WebinarArgs & { page?: number; limit?: number }): Promise<GoToRegistrantPage>;
  /** R1, every page (limit 200 unless `pageSize`), de-duplicated by key; either shape. */
  listAllRegistrants(args: WebinarArgs & WalkArgs): Promise<GoToRegistrant[]>;
  /**
   * R2. A second registration of the same e-mail throws {@link GoToDuplicateRegistrantError} with
   * the existing registrantKey (from GoTo's 409 body, else looked up by e-mail; `null` if neither worked).
   */
  createRegistrant(
    args: WebinarArgs & { registrant: GoToNewRegistrant; resendConfirmation?: boolean },
  ): Promise<GoToCreatedRegistration>;
  /** R3. */
  getRegistrant(args: RegistrantArgs): Promise<GoToRegistrantDetail>;
  /** R4. Only for scheduled future webinars. */
  deleteRegistrant(args: RegistrantArgs): Promise<void>;
  /** R5. */
  getRegistrationFields(args: WebinarArgs): Promise<GoToRegistrationFields>;
  /** S1, one page: the webinar's completed sessions. */
  listWebinarSessions(args: WebinarArgs & PageArgs): Promise<GoToPage<GoToSession>>;
  /** S1, every page. */
  listAllWebinarSessions(args: WebinarArgs & WalkArgs): Promise<GoToSession[]>;
  /** S4. */
  listSessionAttendees(args: WebinarArgs & { sessionKey: string }): Promise<GoToAttendee[]>;
  /** A1, one page. */
  listWebinarAttendees(args: WebinarArgs & PageArgs): Promise<GoToPage<GoToAttendee>>;
  /** A1, every page. An attendee of several sessions appears once per session. */
  listAllWebinarAttendees(args: WebinarArgs & WalkArgs): Promise<GoToAttendee[]>;
  /** `GET /admin/rest/v1/me`: who the token belongs to. */
  getMe(): Promise<GoToMe>;
}

/**
 * Which calls are idempotent, i.e. safe to retry after an error whose `mayHaveTakenEffect` is true
 * (timeout, 5xx). Creating a registrant is not (a retry may answer 409 for our own first attempt;
 * the DuplicateRegistrant key makes that recoverable, but it is not blind-retry safe).
 */
export const GOTO_IDEMPOTENT_CALLS: Readonly<Record<keyof GoToClient, boolean>> = {
  listWebinars: true,
  listAllWebinars: true,
  listAccountWebinars: true,
  getWebinar: true,
  listRegistrants: true,
  listAllRegistrants: true,
  createRegistrant: false,
  getRegistrant: true,
  deleteRegistrant: true,
  getRegistrationFields: true,
  listWebinarSessions: true,
  listAllWebinarSessions: true,
  listSessionAttendees: true,
  listWebinarAttendees: true,
  listAllWebinarAttendees: true,
  getMe: true,
  listAttendeePollAnswers: true,
  listAttendeeSurveyAnswers: true,
  listAttendeeQuestions: true,
  listSessionQuestions: true,
  listSessionPolls: true,
  listSessionSurveys: true,
  createWebhookSecretKey: false,
  createWebhooks: false,
  listWebhooks: true,
  updateWebhooks: true,
  deleteWebhooks: true,
  createUserSubscriptions: false,
  listUserSubscriptions: true,
  updateUserSubscriptions: true,
  deleteUserSubscriptions: true,
};

const REGISTRANT_BODY_FIELDS = [
  "firstName",
  "lastName",
  "email",
  ...GOTO_REGISTRANT_FIELDS,
] as const satisfies readonly (keyof GoToNewRegistrant)[];

/** Question and answer keys are int64 in GoTo's request schema: sent as bare numbers, digit for digit. */
const REQUEST_NUMERIC_KEYS: ReadonlySet<string> = new Set(["questionKey", "answerKey"]);

function registrantBody(registrant: GoToNewRegistrant): string {
  const body: Record<string, unknown> = {};
  for (const field of REGISTRANT_BODY_FIELDS) {
    const value = registrant[field];
    if (value !== null && value !== undefined) body[field] = value;
  }
  if (registrant.responses && registrant.responses.length > 0) {
    body.responses = registrant.responses.map((r) => {
      keySegment(r.questionKey, "questionKey");
      if ("answerKey" in r) keySegment(r.answerKey, "answerKey");
      return r;
    });
  }
  return stringifyGoToJson(body, REQUEST_NUMERIC_KEYS);
}

function pageSize(size: number | undefined): number | undefined {
  if (size === undefined) return undefined;
  if (!Number.isInteger(size) || size < 1 || size > GOTO_MAX_PAGE_SIZE) {
    throw new RangeError(`page size must be an integer from 1 to ${GOTO_MAX_PAGE_SIZE}, got ${size}`);
  }
  return size;
}

const MAX_REGISTRANT_PAGES = 10_000;

export function createGoToClient(options: GoToClientOptions): GoToClient {
  const http: Requester = createRequester({
    fetch: options.fetch,
    accessToken: options.accessToken,
    timeoutMs: options.timeoutMs ?? GOTO_DEFAULT_TIMEOUT_MS,
    baseUrl: options.baseUrl ?? null,
  });
  const organizerUrl = (organizerKey: string): string =>
    `${GOTO_API_BASE_URL}/organizers/${keySegment(organizerKey, "organizerKey")}`;
  const webinarUrl = ({ organizerKey, webinarKey }: WebinarArgs): string =>
    `${organizerUrl(organizerKey)}/webinars/${keySegment(webinarKey, "webinarKey")}`;
  const registrantUrl = (args: RegistrantArgs): string =>
    `${webinarUrl(args)}/registrants/${keySegment(args.registrantKey, "registrantKey")}`;

  const client: GoToClient = {
    listWebinars(args) {
      return http.json(
        {
          method: "GET",
          url: `${organizerUrl(args.organizerKey)}/webinars`,
          query: { fromTime: args.fromTime, toTime: args.toTime, page: args.page, size: pageSize(args.size) },
          context: "list webinars",
        },
        WebinarListSchema,
      );
    },

    listAllWebinars(args) {
      return walkPages(
        (page) => client.listWebinars({ ...args, page, size: pageSize(args.pageSize) ?? GOTO_MAX_PAGE_SIZE }),
        (w) => w.webinarKey,
      );
    },

    listAccountWebinars(args) {
      return http.json(
        {
          method: "GET",
          url: `${GOTO_API_BASE_URL}/accounts/${keySegment(args.accountKey, "accountKey")}/webinars`,
          query: { fromTime: args.fromTime, toTime: args.toTime, page: args.page, size: pageSize(args.size) },
          context: "list account webinars",
        },
        WebinarListSchema,
      );
    },

    getWebinar(args) {
      return http.json({ method: "GET", url: webinarUrl(args), context: "get webinar" }, WebinarSchema);
    },

    listRegistrants(args) {
      return http.json(
        {
          method: "GET",
          url: `${webinarUrl(args)}/registrants`,
          query: { page: args.page, limit: pageSize(args.limit) },
          context: "list registrants",
        },
        RegistrantListSchema,
      );
    },

    async listAllRegistrants(args) {
      const byKey = new Map<string, GoToRegistrant>();
      for (let page = 0; page < MAX_REGISTRANT_PAGES; page++) {
        const result = await client.listRegistrants({
          ...args,
          page,
          limit: pageSize(args.pageSize) ?? GOTO_MAX_PAGE_SIZE,
        });
        for (const r of result.registrants) if (!byKey.has(r.registrantKey)) byKey.set(r.registrantKey, r);
        // The plain-array shape ignores paging and is the whole list.
        if (result.paging === null || result.registrants.length === 0) break;
        const { total, limit } = result.paging;
        if ((page + 1) * limit >= total || result.registrants.length < limit) break;
      }
      return [...byKey.values()];
    },

    async createRegistrant(args) {
      try {
        const created = await http.json(
          {
            method: "POST",
            url: `${webinarUrl(args)}/registrants`,
            query: { resendConfirmation: args.resendConfirmation },
            body: registrantBody(args.registrant),
            context: "create registrant",
          },
          CreatedRegistrantSchema,
        );
        return { registrantKey: created.registrantKey, joinUrl: created.joinUrl, status: created.status };
      } catch (error) {
        // GoTo's 409 body for G2W is not documented; without the key in it, find the registration by e-mail.
        if (error instanceof GoToDuplicateRegistrantError && error.registrantKey !== null) throw error;
        if (
          error instanceof GoToDuplicateRegistrantError ||
          (error instanceof GoToRequestError && error.status === 409)
        ) {
          const existing = await findRegistrantByEmail(args, args.registrant.email).catch(() => null);
          throw new GoToDuplicateRegistrantError(
            error.message,
            409,
            { errorCode: error.errorCode, description: error.description, incident: error.incident },
            existing?.registrantKey ?? null,
            existing?.joinUrl ?? (error instanceof GoToDuplicateRegistrantError ? error.joinUrl : null),
          );
        }
        throw error;
      }
    },

    getRegistrant(args) {
      return http.json({ method: "GET", url: registrantUrl(args), context: "get registrant" }, RegistrantDetailSchema);
    },

    deleteRegistrant(args) {
      return http.empty({ method: "DELETE", url: registrantUrl(args), context: "delete registrant" });
    },

    getRegistrationFields(args) {
      return http.json(
        { method: "GET", url: `${webinarUrl(args)}/registrants/fields`, context: "get registration fields" },
        RegistrationFieldsSchema,
      );
    },

    listWebinarSessions(args) {
      return http.json(
        {
          method: "GET",
          url: `${webinarUrl(args)}/sessions`,
          query: { page: args.page, size: pageSize(args.size) },
          context: "list webinar sessions",
        },
        SessionListSchema,
      );
    },

    listAllWebinarSessions(args) {
      return walkPages(
        (page) => client.listWebinarSessions({ ...args, page, size: pageSize(args.pageSize) ?? GOTO_MAX_PAGE_SIZE }),
        (s) => s.sessionKey,
      );
    },

    listSessionAttendees(args) {
      return http.json(
        {
          method: "GET",
          url: `${webinarUrl(args)}/sessions/${keySegment(args.sessionKey, "sessionKey")}/attendees`,
          context: "list session attendees",
        },
        SessionAttendeeListSchema,
      );
    },

    listWebinarAttendees(args) {
      return http.json(
        {
          method: "GET",
          url: `${webinarUrl(args)}/attendees`,
          query: { page: args.page, size: pageSize(args.size) },
          context: "list webinar attendees",
        },
        WebinarAttendeeListSchema,
      );
    },

    listAllWebinarAttendees(args) {
      return walkPages(
        (page) => client.listWebinarAttendees({ ...args, page, size: pageSize(args.pageSize) ?? GOTO_MAX_PAGE_SIZE }),
        (a) => `${a.sessionKey ?? ""}/${a.registrantKey}`,
      );
    },

    getMe() {
      return http.json({ method: "GET", url: GOTO_ME_URL, context: "get me" }, MeSchema);
    },

    ...createWebhookCalls(http),
    ...createEngagementCalls(http, webinarUrl),
  };

  async function findRegistrantByEmail(args: WebinarArgs, email: string): Promise<GoToRegistrant | null> {
    const wanted = email.trim().toLowerCase();
    const all = await client.listAllRegistrants({ organizerKey: args.organizerKey, webinarKey: args.webinarKey });
    return all.find((r) => r.email.trim().toLowerCase() === wanted) ?? null;
  }

  return client;
}

export type { GoToAttendee, GoToMe, GoToPage, GoToRegistrant, GoToRegistrantDetail, GoToSession, GoToWebinar };
