import { expect } from "vitest";
import { call, form, rows, type Session } from "../helpers";
import {
  addConnector,
  callback,
  consent,
  controlJson,
  discoveryDone,
  newOrganizer,
  startVerify,
} from "./connector-helpers";

/** Shared by the form tests: a verified connector with discovered webinars, and forms built through the admin UI. */

const DAY = 86_400_000;
export const inDays = (d: number, h = 0): string => new Date(Date.now() + d * DAY + h * 3_600_000).toISOString();

export interface Question {
  question: string;
  type: "shortAnswer" | "multipleChoice";
  required?: boolean;
  answers?: string[];
}

export async function webinarsFor(
  session: Session,
  specs: { subject: string; startDays: number; questions?: Question[]; approvalType?: "AUTOMATIC" | "MANUAL" }[],
): Promise<{ connectorId: string; webinars: { id: string; webinarKey: string; subject: string }[] }> {
  const organizer = await newOrganizer();
  const keys: string[] = [];
  for (const s of specs) {
    const w = await controlJson<{ webinarKey: string }>("POST", "/webinars", {
      organizerEmail: organizer.email,
      subject: s.subject,
      times: [{ startTime: inDays(s.startDays), endTime: inDays(s.startDays, 1) }],
      questions: s.questions,
      approvalType: s.approvalType,
    });
    keys.push(w.webinarKey);
  }
  const connectorId = await addConnector(session, organizer.email);
  const { authorize, cookie } = await startVerify(session, connectorId);
  const res = await callback(session, cookie, await consent(authorize, organizer.email));
  expect(res.status).toBe(303);
  await discoveryDone(connectorId);
  const found = await rows<{ id: string; webinar_key: string; subject: string }>(
    `SELECT id, webinar_key, subject FROM webinars WHERE connector_id = ?`,
    connectorId,
  );
  const webinars = keys.map((k) => {
    const w = found.find((r) => r.webinar_key === k);
    if (!w) throw new Error(`webinar ${k} not discovered`);
    return { id: w.id, webinarKey: k, subject: w.subject };
  });
  return { connectorId, webinars };
}

export interface FieldSpec {
  key: string;
  custom?: string;
  type?: string;
  label?: string;
  required?: boolean;
  default?: string;
  options?: string;
}

export const NAME_FIELDS: FieldSpec[] = [
  { key: "email", type: "email", label: "Email", required: true },
  { key: "firstName", label: "First name", required: true },
  { key: "lastName", label: "Last name", required: true },
];

export function builderBody(
  session: Session,
  spec: { name: string; fields: FieldSpec[]; status?: "draft" | "live"; extra?: Record<string, string> },
): Record<string, string> {
  const body: Record<string, string> = {
    _csrf: session.csrf,
    name: spec.name,
    status: spec.status ?? "live",
    op: "save",
  };
  spec.fields.forEach((f, i) => {
    body[`field_${i}_key`] = f.key;
    if (f.custom) body[`field_${i}_custom`] = f.custom;
    body[`field_${i}_type`] = f.type ?? "text";
    body[`field_${i}_label`] = f.label ?? f.key;
    if (f.required) body[`field_${i}_required`] = "on";
    body[`field_${i}_default`] = f.default ?? "";
    body[`field_${i}_options`] = f.options ?? "";
    body[`field_${i}_order`] = String(i + 1);
  });
  return { ...body, ...spec.extra };
}

export async function saveForm(session: Session, body: Record<string, string>, id?: string): Promise<Response> {
  return call(id ? `/admin/forms/${id}` : "/admin/forms", { method: "POST", cookie: session.cookie, ...form(body) });
}

/** Builds and saves a live form; returns its id. */
export async function liveForm(session: Session, body: Record<string, string>): Promise<string> {
  const res = await saveForm(session, body);
  if (res.status !== 303) throw new Error(`form not saved: ${res.status} ${await res.text()}`);
  const id = /\/admin\/forms\/(frm_[\w-]+)/.exec(res.headers.get("location") ?? "")?.[1];
  if (!id) throw new Error("no form id");
  return id;
}

let ipCount = 0;
/** Each visitor gets its own address, so the per-IP limit only bites where a test means it to. */
export function visitorIp(): string {
  ipCount++;
  return `198.51.${Math.floor(ipCount / 250) % 250}.${(ipCount % 250) + 1}`;
}

export function submit(
  formId: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return call(`/f/${formId}`, {
    method: "POST",
    sameOrigin: false,
    body: new URLSearchParams(fields),
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": visitorIp(), ...headers },
  });
}

export async function expectStatus(res: Response, status: number): Promise<string> {
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(status);
  return text;
}
