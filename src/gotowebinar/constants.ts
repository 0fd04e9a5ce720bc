/** GoTo's production URLs. In simulator mode the same URLs are used; the injected `fetch` reroutes them. */
export const GOTO_AUTHORIZE_URL = "https://authentication.logmeininc.com/oauth/authorize";
export const GOTO_TOKEN_URL = "https://authentication.logmeininc.com/oauth/token";

/** The API origin; `createGoToClient({ baseUrl })` replaces it. */
export const GOTO_API_ORIGIN = "https://api.getgo.com";
export const GOTO_G2W_PATH = "/G2W/rest/v2";
export const GOTO_ME_PATH = "/admin/rest/v1/me";
export const GOTO_API_BASE_URL = `${GOTO_API_ORIGIN}${GOTO_G2W_PATH}`;
export const GOTO_ME_URL = `${GOTO_API_ORIGIN}${GOTO_ME_PATH}`;

/** GoToWebinar needs the `collab:` scope on every token request. */
export const GOTO_SCOPES: readonly string[] = ["collab:"];

/** Page size bounds GoTo enforces: `size` on webinar/session/attendee lists, `limit` on registrants. */
export const GOTO_MAX_PAGE_SIZE = 200;

export const GOTO_DEFAULT_TIMEOUT_MS = 15_000;

export const GOTO_WEBHOOK_EVENTS = [
  "registrant.added",
  "registrant.joined",
  "webinar.created",
  "webinar.changed",
  "survey.submitted",
] as const;
export type GoToWebhookEvent = (typeof GOTO_WEBHOOK_EVENTS)[number];

/**
 * The optional registrant fields GoTo's create-registrant body takes, in the order they are sent
 * (after firstName, lastName and email).
 */
export const GOTO_REGISTRANT_FIELDS = [
  "source",
  "address",
  "city",
  "state",
  "zipCode",
  "country",
  "phone",
  "organization",
  "jobTitle",
  "questionsAndComments",
  "industry",
  "numberOfEmployees",
  "purchasingTimeFrame",
  "purchasingRole",
] as const;
export type GoToRegistrantField = (typeof GOTO_REGISTRANT_FIELDS)[number];

/**
 * Every optional field GoTo's registration form knows (RegistrantFields / RegistrantDetailed):
 * the create body's, and two more that GoTo reports but the create body does not take.
 */
export const GOTO_FORM_FIELDS = [...GOTO_REGISTRANT_FIELDS, "implementationTimeFrame", "employeeCount"] as const;
export type GoToFormField = (typeof GOTO_FORM_FIELDS)[number];
