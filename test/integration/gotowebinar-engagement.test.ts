import { beforeAll, describe, expect, it } from "vitest";
import { GoToNotFoundError } from "../../src/gotowebinar/errors";
import {
  type Connected,
  connectOrganizer,
  control,
  faults,
  HOUR,
  iso,
  makeWebinar,
  NO_FAULTS,
} from "./gotowebinar-helpers";

const KEY = /^\d{19}$/;

describe("GoTo client engagement calls against the simulator (F31)", () => {
  let connected: Connected;
  let webinarKey: string;
  let sessionKey: string;
  let adaKey: string;
  let bobKey: string;

  beforeAll(async () => {
    await faults(NO_FAULTS);
    connected = await connectOrganizer("engagement");
    const start = Date.now() - 3 * HOUR;
    webinarKey = (await makeWebinar(connected.email, -3 * HOUR)).webinarKey;
    for (const email of ["ada@example.com", "bob@example.com"]) {
      await control("POST", `/webinars/${webinarKey}/registrants`, { email, firstName: "A", lastName: "B" });
      const att = await control<{ sessionKey: string; registrantKey: string }>(
        "POST",
        `/webinars/${webinarKey}/attendance`,
        { email, joinTime: iso(start + 60_000), leaveTime: iso(start + 30 * 60_000) },
      );
      sessionKey = att.sessionKey;
      if (email.startsWith("ada")) adaKey = att.registrantKey;
      else bobKey = att.registrantKey;
    }
    await control("POST", `/webinars/${webinarKey}/polls`, {
      email: "ada@example.com",
      question: "How soon are you buying?",
      answers: ["This quarter"],
    });
    await control("POST", `/webinars/${webinarKey}/surveys`, {
      email: "ada@example.com",
      question: "Topics?",
      answers: ["Pricing", "API"],
    });
    await control("POST", `/webinars/${webinarKey}/questions`, {
      email: "bob@example.com",
      question: "Is there a free tier?",
      answer: "Yes, up to 100 prospects.",
    });
  });

  const args = () => ({ organizerKey: connected.organizerKey, webinarKey, sessionKey });

  it("reads an attendee's poll and survey answers, [] for one who did nothing", async () => {
    expect(await connected.client.listAttendeePollAnswers({ ...args(), registrantKey: adaKey })).toEqual([
      { question: "How soon are you buying?", answers: ["This quarter"] },
    ]);
    expect(await connected.client.listAttendeeSurveyAnswers({ ...args(), registrantKey: adaKey })).toEqual([
      { question: "Topics?", answers: ["Pricing", "API"] },
    ]);
    expect(await connected.client.listAttendeePollAnswers({ ...args(), registrantKey: bobKey })).toEqual([]);
  });

  it("reads questions per attendee and per session, with the asker's key exact and the answer", async () => {
    const mine = await connected.client.listAttendeeQuestions({ ...args(), registrantKey: bobKey });
    const all = await connected.client.listSessionQuestions(args());
    expect(all).toEqual(mine);
    const [q] = all;
    expect(q).toMatchObject({ question: "Is there a free tier?", askedBy: "bob@example.com", askerKey: bobKey });
    expect(q?.askerKey).toMatch(KEY);
    expect(q?.dateAsked).toMatch(/Z$/);
    expect(q?.answers).toMatchObject([{ answer: "Yes, up to 100 prospects.", answererRole: "ORGANIZER" }]);
  });

  it("reads the session's poll and survey aggregates", async () => {
    expect(await connected.client.listSessionPolls(args())).toEqual([
      {
        question: "How soon are you buying?",
        numberOfResponses: 1,
        responses: [{ text: "This quarter", percentage: 100 }],
      },
    ]);
    expect((await connected.client.listSessionSurveys(args()))[0]?.responses).toHaveLength(2);
  });

  it("throws GoToNotFoundError for a registrant who did not attend", async () => {
    await expect(
      connected.client.listAttendeeSurveyAnswers({ ...args(), registrantKey: "1234567890123456789" }),
    ).rejects.toBeInstanceOf(GoToNotFoundError);
  });
});
