/**
 * Activity types and their default points. A marketer's scoring rules (the
 * `scoring_rules` table) override the defaults per type; each activity is scored once, when it
 * is written, and a prospect's score is the sum of its activities' points.
 */
export const ACTIVITY_TYPES = {
  webinar_registered: { label: "Registered", defaultPoints: 10 },
  webinar_accepted: { label: "Accepted", defaultPoints: 5 },
  webinar_attended: { label: "Attended", defaultPoints: 25 },
  webinar_registration_denied: { label: "Registration denied", defaultPoints: 0 },
  webinar_registration_cancelled: { label: "Registration cancelled", defaultPoints: -5 },
  form_submitted: { label: "Form submitted", defaultPoints: 3 },
  webinar_poll_answered: { label: "Answered a poll", defaultPoints: 5 },
  webinar_survey_completed: { label: "Completed a survey", defaultPoints: 5 },
  webinar_question_asked: { label: "Asked a question", defaultPoints: 10 },
} as const;

export type ActivityType = keyof typeof ACTIVITY_TYPES;

export function isActivityType(value: string): value is ActivityType {
  return Object.hasOwn(ACTIVITY_TYPES, value);
}

/** Points for one activity type: the marketer's rule if there is one, else the default. */
export function pointsFor(type: ActivityType, rules: ReadonlyMap<string, number>): number {
  return rules.get(type) ?? ACTIVITY_TYPES[type].defaultPoints;
}
