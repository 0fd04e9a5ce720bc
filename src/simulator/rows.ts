/**
 * The simulator's webinar, session and registrant rows: shared by the models and the webhook event
 * builders (events.ts), which the models call, so neither imports the other for its types.
 */

export interface WebinarRow extends Record<string, SqlStorageValue> {
  webinar_key: string;
  webinar_id: string;
  organizer_key: string;
  subject: string;
  description: string;
  time_zone: string;
  locale: string;
  approval_type: string;
  recurrence_type: string;
  experience_type: string;
  is_password_protected: number;
  is_ondemand: number;
  registration_limit: number | null;
  email_settings: string | null;
  fields: string;
  cancelled_at: number | null;
  created_at: number;
}

export interface SessionRow extends Record<string, SqlStorageValue> {
  session_key: string;
  webinar_key: string;
  start_ms: number;
  end_ms: number;
}

export interface RegistrantRow extends Record<string, SqlStorageValue> {
  seq: number;
  registrant_key: string;
  webinar_key: string;
  email: string;
  email_lower: string;
  first_name: string;
  last_name: string;
  status: string;
  registration_ms: number;
  time_zone: string;
  type: string;
  extra: string;
  responses: string;
}
