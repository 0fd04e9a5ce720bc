import type { FC } from "hono/jsx";
import { plural, pluralWord } from "../../../lib/plural";

/** How far the webinar's engagement pass has read its ended sessions (as the sync engine reports it). */
export interface EngagementProgressView {
  sessions: number;
  sessionsWithQuestions: number;
  attendees: number;
  read: number;
  skipped: number;
}

const count = (n: number): string => n.toLocaleString("en-US");

/** One line in the sync panel: "Engagement: 340 of 1,000 attendees read". Nothing before a session has ended. */
export const EngagementProgress: FC<{ progress: EngagementProgressView | null | undefined }> = ({ progress }) => {
  if (!progress || (progress.sessions === 0 && progress.sessionsWithQuestions === 0)) return null;
  const done = progress.read + progress.skipped;
  return (
    <div>
      <dt>Engagement</dt>
      <dd data-engagement-progress>
        {count(progress.read)} of {count(progress.attendees)} {pluralWord(progress.attendees, "attendee")} read
        {progress.sessions === 0 && (
          <span class="muted"> · polls and surveys are read from an hour after each session ends</span>
        )}
        {done < progress.attendees && (
          <span class="muted"> · polls and surveys are read a few attendees at a time</span>
        )}
        {progress.skipped > 0 && (
          <span class="error-text">
            {" "}
            · {plural(progress.skipped, "attendee")} skipped: GoTo's answers were unusable
          </span>
        )}
        <span class="muted small"> · questions of {plural(progress.sessionsWithQuestions, "session")} read</span>
      </dd>
    </div>
  );
};
