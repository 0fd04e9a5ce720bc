import {
  AttendeeQuestionSchema,
  type GoToAttendeeQuestion,
  type GoToPoll,
  type GoToPollAnswer,
  PollAnswerSchema,
  PollSchema,
  tolerantList,
} from "./engagement-schemas";
import { keySegment, type Requester } from "./request";

/** The organizer and webinar a call is under (the same fields as the client's WebinarArgs). */
interface WebinarArgs {
  organizerKey: string;
  webinarKey: string;
}
export interface SessionArgs extends WebinarArgs {
  sessionKey: string;
}
export interface AttendeeArgs extends SessionArgs {
  registrantKey: string;
}

/**
 * The Attendees API's engagement calls (all GET under a session). Per attendee: 404
 * ({@link GoToNotFoundError}) for an unknown registrant or session, `[]` for one who did nothing.
 * Each costs one request of the shared budget; the session's questions name every asker in one.
 */
export interface GoToEngagementCalls {
  /** `/attendees/{registrantKey}/polls`. */
  listAttendeePollAnswers(args: AttendeeArgs): Promise<GoToPollAnswer[]>;
  /** `/attendees/{registrantKey}/surveys`. */
  listAttendeeSurveyAnswers(args: AttendeeArgs): Promise<GoToPollAnswer[]>;
  /** `/attendees/{registrantKey}/questions`. */
  listAttendeeQuestions(args: AttendeeArgs): Promise<GoToAttendeeQuestion[]>;
  /** `/questions`: every question of the session, each with its asker. */
  listSessionQuestions(args: SessionArgs): Promise<GoToAttendeeQuestion[]>;
  /** `/polls`: aggregates, no identities. */
  listSessionPolls(args: SessionArgs): Promise<GoToPoll[]>;
  /** `/surveys`: aggregates, no identities. */
  listSessionSurveys(args: SessionArgs): Promise<GoToPoll[]>;
}

const PollAnswers = tolerantList(PollAnswerSchema);
const Questions = tolerantList(AttendeeQuestionSchema);
const Polls = tolerantList(PollSchema);

export function createEngagementCalls(http: Requester, webinarUrl: (args: WebinarArgs) => string): GoToEngagementCalls {
  const sessionUrl = (args: SessionArgs): string =>
    `${webinarUrl(args)}/sessions/${keySegment(args.sessionKey, "sessionKey")}`;
  const attendeeUrl = (args: AttendeeArgs): string =>
    `${sessionUrl(args)}/attendees/${keySegment(args.registrantKey, "registrantKey")}`;
  return {
    listAttendeePollAnswers(args) {
      return http.json(
        { method: "GET", url: `${attendeeUrl(args)}/polls`, context: "list attendee poll answers" },
        PollAnswers,
      );
    },
    listAttendeeSurveyAnswers(args) {
      return http.json(
        { method: "GET", url: `${attendeeUrl(args)}/surveys`, context: "list attendee survey answers" },
        PollAnswers,
      );
    },
    listAttendeeQuestions(args) {
      return http.json(
        { method: "GET", url: `${attendeeUrl(args)}/questions`, context: "list attendee questions" },
        Questions,
      );
    },
    listSessionQuestions(args) {
      return http.json(
        { method: "GET", url: `${sessionUrl(args)}/questions`, context: "list session questions" },
        Questions,
      );
    },
    listSessionPolls(args) {
      return http.json({ method: "GET", url: `${sessionUrl(args)}/polls`, context: "list session polls" }, Polls);
    },
    listSessionSurveys(args) {
      return http.json({ method: "GET", url: `${sessionUrl(args)}/surveys`, context: "list session surveys" }, Polls);
    },
  };
}

export type { GoToAttendeeQuestion, GoToPoll, GoToPollAnswer };
