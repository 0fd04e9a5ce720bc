import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  AttendeeQuestionSchema,
  PollAnswerSchema,
  PollSchema,
  tolerantList,
} from "../../src/gotowebinar/engagement-schemas";
import { parseGoToJson } from "../../src/gotowebinar/json";

const parse = <T>(schema: v.GenericSchema<unknown, T>, text: string): T[] =>
  v.parse(tolerantList(schema), parseGoToJson(text));

describe("engagement schemas tolerate GoTo's documented variants (F31)", () => {
  it.each([
    ['[{"question":"Q","answers":["A","B"]}]', [{ question: "Q", answers: ["A", "B"] }]],
    [
      '[{"question":"Q","answer":"Only the deprecated one"}]',
      [{ question: "Q", answers: ["Only the deprecated one"] }],
    ],
    ['[{"question":"Q","answers":[],"answer":"Fallback"}]', [{ question: "Q", answers: ["Fallback"] }]],
    ['[{"question":"Q","answers":["A"],"answer":"A"}]', [{ question: "Q", answers: ["A"] }]],
    ['[{"question":"Q","answers":[5, null, " ", {"x":1}]}]', [{ question: "Q", answers: ["5"] }]],
    ['[{"question":"Q"}]', [{ question: "Q", answers: [] }]],
    [
      '[{"answers":["no question"]},{"question":"  "},null,7,{"question":"Kept","answers":"one"}]',
      [{ question: "Kept", answers: ["one"] }],
    ],
  ])("PollAnswer %s", (text, expected) => {
    expect(parse(PollAnswerSchema, text)).toEqual(expected);
  });

  it("AttendeeQuestion: an answerTime or dateAsked that is not a time is null; a bare big askerKey stays exact", () => {
    const [q] = parse(
      AttendeeQuestionSchema,
      `[{"question":"Pricing?","askedBy":"ada@example.com","askerKey":6123456789012345678,"dateAsked":"yesterday",
        "answers":[{"answer":"See the page","answeredBy":"Olga","answererRole":"ORGANIZER","answerTime":"N/A","answererEmail":null},
                   {"answeredBy":"nobody"}, "junk"]}]`,
    );
    expect(q).toEqual({
      question: "Pricing?",
      askedBy: "ada@example.com",
      askerKey: "6123456789012345678",
      dateAsked: null,
      answers: [
        {
          answer: "See the page",
          answeredBy: "Olga",
          answererRole: "ORGANIZER",
          answerTime: null,
          answererEmail: null,
        },
      ],
    });
    const [r] = parse(AttendeeQuestionSchema, '[{"question":"Q","dateAsked":"2026-12-01T10:00:00Z","askerKey":"x1"}]');
    expect(r).toMatchObject({ dateAsked: "2026-12-01T10:00:00.000Z", askerKey: null, askedBy: null, answers: [] });
  });

  it("Poll aggregates keep usable responses and drop the rest", () => {
    expect(
      parse(
        PollSchema,
        '[{"question":"Q","numberOfResponses":"two","responses":[{"text":"A","percentage":50},{"text":"B","percentage":500},{"text":"C"}]}]',
      ),
    ).toEqual([
      {
        question: "Q",
        numberOfResponses: null,
        responses: [
          { text: "A", percentage: 50 },
          { text: "C", percentage: null },
        ],
      },
    ]);
  });

  it("a non-array answer is refused (the client reports a bad answer)", () => {
    expect(() => parse(PollAnswerSchema, '{"question":"Q"}')).toThrow();
  });
});
