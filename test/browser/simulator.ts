// GoTo as the browser tests set it up: the simulator's control API (interfaces.md) of a running
// app, for the organizers, webinars, registrants and attendance Rollcall then reads.
import assert from "node:assert/strict";

/** Calls the simulator's control API of a running app (interfaces.md); a failed call fails the test with its answer. */
export async function simControl(
  appUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${appUrl}/sim/control${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `control ${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** A registrant as the simulator takes one: email, first name, last name. */
export type Person = readonly [email: string, firstName: string, lastName: string];

export interface Session {
  startTime: string;
  endTime: string;
}

/** GoTo as the tests set it up: the simulator's control API (interfaces.md) of a running app. */
export class Simulator {
  private readonly appUrl: string;

  constructor(appUrl: string) {
    this.appUrl = appUrl;
  }

  /** Any control call; a failed one fails the test with its answer. */
  control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return simControl(this.appUrl, method, path, body);
  }

  async organizer(email: string, firstName: string, lastName: string): Promise<void> {
    await this.control("POST", "/organizers", { email, firstName, lastName });
  }

  /** A webinar of the organizer with these sessions (in `timeZone` when given); answers its key. */
  async webinar(organizerEmail: string, subject: string, times: Session[], timeZone?: string): Promise<string> {
    const webinar = await this.control("POST", "/webinars", { organizerEmail, subject, times, timeZone });
    return String(webinar.webinarKey);
  }

  async register(webinarKey: string, people: readonly Person[]): Promise<void> {
    for (const [email, firstName, lastName] of people) {
      await this.control("POST", `/webinars/${webinarKey}/registrants`, { email, firstName, lastName });
    }
  }

  /**
   * A webinar of a new organizer that is on now and ends while the test works: one session from
   * 50 minutes ago to `endsInMs` from now, with its registrants. Answers its key and the session's
   * start and end (epoch ms); attendance is read once it has ended.
   */
  async webinarEndingSoon(
    organizer: Person,
    subject: string,
    registrants: readonly Person[],
    endsInMs = 100_000,
  ): Promise<{ key: string; start: number; end: number }> {
    const start = Date.now() - 50 * 60_000;
    const end = Date.now() + endsInMs;
    await this.organizer(...organizer);
    const key = await this.webinar(organizer[0], subject, [
      { startTime: new Date(start).toISOString(), endTime: new Date(end).toISOString() },
    ]);
    await this.register(key, registrants);
    return { key, start, end };
  }

  /** Records that the registrant attended from `joinTime` to `leaveTime` (ISO times or epoch ms). */
  async attend(
    webinarKey: string,
    email: string,
    joinTime: string | number,
    leaveTime: string | number,
  ): Promise<void> {
    await this.control("POST", `/webinars/${webinarKey}/attendance`, {
      email,
      joinTime: new Date(joinTime).toISOString(),
      leaveTime: new Date(leaveTime).toISOString(),
    });
  }

  /** The webinar's registrants as GoTo holds them. */
  async registrants(webinarKey: string): Promise<{ email: string; joinUrl?: string }[]> {
    const state = (await this.control("GET", `/state?webinarKey=${webinarKey}`)) as {
      registrants?: { email: string; joinUrl?: string }[];
    };
    return state.registrants ?? [];
  }

  async registrantEmails(webinarKey: string): Promise<string[]> {
    return (await this.registrants(webinarKey)).map((r) => r.email);
  }
}
