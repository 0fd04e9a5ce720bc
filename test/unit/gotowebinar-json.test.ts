import { describe, expect, it } from "vitest";
import { GOTO_KEY_FIELDS, parseGoToJson, stringifyGoToJson } from "../../src/gotowebinar/json";

describe("parseGoToJson", () => {
  it("keeps a 19-digit key sent as a bare number digit for digit (JSON.parse rounds it)", () => {
    const text = '{"registrantKey": 6123456789012345678}';
    expect(String((JSON.parse(text) as { registrantKey: number }).registrantKey)).not.toBe("6123456789012345678");
    expect(parseGoToJson(text)).toEqual({ registrantKey: "6123456789012345678" });
  });

  it("keeps the largest int64 and 2^53 + 1 exact", () => {
    expect(parseGoToJson('{"webinarKey":9223372036854775807,"sessionKey":9007199254740993}')).toEqual({
      webinarKey: "9223372036854775807",
      sessionKey: "9007199254740993",
    });
  });

  it("turns small numeric keys into strings too, so keys are always strings", () => {
    expect(parseGoToJson('{"questionKey": 17000001, "answerKey": 0}')).toEqual({
      questionKey: "17000001",
      answerKey: "0",
    });
  });

  it("leaves keys sent as strings as they are", () => {
    expect(parseGoToJson('{"webinarKey":"8123456789012345678","organizerKey":"007"}')).toEqual({
      webinarKey: "8123456789012345678",
      organizerKey: "007",
    });
  });

  it("leaves numbers in other fields as numbers, negative, fractional or with exponent", () => {
    expect(
      parseGoToJson('{"total": 10000, "percentageAttendance": -41.7, "big": 1e21, "tiny": -2.5E-3, "id": 63}'),
    ).toEqual({ total: 10000, percentageAttendance: -41.7, big: 1e21, tiny: -0.0025, id: 63 });
  });

  it("does not turn a fraction or exponent in a key field into a key", () => {
    const parsed = parseGoToJson('{"webinarKey": 1.5, "sessionKey": 6e18, "registrantKey": -12}') as Record<
      string,
      unknown
    >;
    expect(parsed.webinarKey).toBe(1.5);
    expect(parsed.sessionKey).toBe(6e18);
    // A negative integer keeps its digits; the key schema (digits only) then refuses it.
    expect(parsed.registrantKey).toBe("-12");
  });

  it("does not touch strings that contain digits or look like key fields", () => {
    expect(
      parseGoToJson(
        '{"joinUrl":"https://global.gotowebinar.com/join/8123456789012345678/6123456789012345678","note":"registrantKey: 6123456789012345678","webinarID":"123456789"}',
      ),
    ).toEqual({
      joinUrl: "https://global.gotowebinar.com/join/8123456789012345678/6123456789012345678",
      note: "registrantKey: 6123456789012345678",
      webinarID: "123456789",
    });
  });

  it("converts keys at any depth: inside objects in arrays in objects", () => {
    const text = `{"_embedded":{"attendeeParticipationResponses":[
      {"registrantKey":6123456789012345678,"sessionKey":5123456789012345678,"attendance":[{"joinTime":"2024-05-10T14:00:00Z"}]},
      {"registrantKey":6123456789012345679,"sessionKey":5123456789012345678,"attendance":[]}
    ]},"page":{"size":2,"totalElements":2,"totalPages":1,"number":0}}`;
    expect(parseGoToJson(text)).toEqual({
      _embedded: {
        attendeeParticipationResponses: [
          {
            registrantKey: "6123456789012345678",
            sessionKey: "5123456789012345678",
            attendance: [{ joinTime: "2024-05-10T14:00:00Z" }],
          },
          { registrantKey: "6123456789012345679", sessionKey: "5123456789012345678", attendance: [] },
        ],
      },
      page: { size: 2, totalElements: 2, totalPages: 1, number: 0 },
    });
  });

  it("keeps arrays of plain numbers and top-level numbers as numbers", () => {
    expect(parseGoToJson("[1, 2, 6123456789012345678]")).toEqual([1, 2, 6123456789012346000]);
    expect(parseGoToJson("42")).toBe(42);
  });

  it("handles whitespace and escapes around key fields", () => {
    expect(parseGoToJson('{ "email" : "a\\"b@example.com" ,\n\t"registrantKey"\n:\n6123456789012345678 }')).toEqual({
      email: 'a"b@example.com',
      registrantKey: "6123456789012345678",
    });
  });

  it("keeps the legacy snake-case keys of the token response and the /me `key`", () => {
    expect(parseGoToJson('{"organizer_key":7001234567890123456,"account_key":"","key":7001234567890123456}')).toEqual({
      organizer_key: "7001234567890123456",
      account_key: "",
      key: "7001234567890123456",
    });
  });

  it("throws SyntaxError on text that is not JSON", () => {
    expect(() => parseGoToJson("<html>Bad gateway</html>")).toThrow(SyntaxError);
    expect(() => parseGoToJson("")).toThrow(SyntaxError);
  });

  it("lists every key field the reference names", () => {
    for (const field of [
      "webinarKey",
      "organizerKey",
      "accountKey",
      "registrantKey",
      "sessionKey",
      "webinarCreatorKey",
    ]) {
      expect(GOTO_KEY_FIELDS.has(field)).toBe(true);
    }
  });
});

describe("stringifyGoToJson", () => {
  it("writes key fields given as digit strings as bare numbers, exactly", () => {
    const text = stringifyGoToJson({ responses: [{ questionKey: "9223372036854775807", answerKey: "17000002" }] });
    expect(text).toBe('{"responses":[{"questionKey":9223372036854775807,"answerKey":17000002}]}');
    expect(parseGoToJson(text)).toEqual({ responses: [{ questionKey: "9223372036854775807", answerKey: "17000002" }] });
  });

  it("leaves other strings, and key fields that are not digits, as strings", () => {
    expect(stringifyGoToJson({ email: "123", webinarKey: "abc", responseText: "42" })).toBe(
      '{"email":"123","webinarKey":"abc","responseText":"42"}',
    );
  });

  it("writes only the fields it is told to as numbers", () => {
    expect(stringifyGoToJson({ questionKey: "1", webinarKey: "2" }, new Set(["questionKey"]))).toBe(
      '{"questionKey":1,"webinarKey":"2"}',
    );
  });
});
