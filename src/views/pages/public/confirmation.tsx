import type { FC } from "hono/jsx";
import type { RegistrationConfirmation } from "../../../services/confirmation";

/** The paths of one confirmation token: its page (works without JavaScript), the polled status and the calendar file. */
export function confirmationPaths(token: string): { page: string; status: string; calendar: string } {
  const page = `/confirm/${token}`;
  return { page, status: `${page}/status`, calendar: `${page}/calendar.ics` };
}

const CalendarLink: FC<{ token: string }> = ({ token }) => (
  <p>
    <a class="rc-calendar" href={confirmationPaths(token).calendar} download="webinar.ics">
      Add to calendar (.ics)
    </a>
  </p>
);

/**
 * While GoTo has not answered: the block asks for its own next state every half second (htmx
 * swaps it whole, so the final state, which has no trigger, ends the polling). The plain link
 * opens the confirmation page, which refreshes itself without JavaScript.
 */
export const ConfirmationPending: FC<{ token: string }> = ({ token }) => {
  const paths = confirmationPaths(token);
  return (
    <div
      id="rc-confirmation"
      class="rc-confirm"
      aria-live="polite"
      hx-get={paths.status}
      hx-trigger="every 500ms"
      hx-swap="outerHTML"
    >
      <p>Getting your join link from GoTo…</p>
      <p>
        <a href={paths.page}>Show my join link</a>
      </p>
    </div>
  );
};

/** What the visitor learns of their registration, in one block. */
export const ConfirmationStatus: FC<{ token: string; confirmation: RegistrationConfirmation }> = ({
  token,
  confirmation: c,
}) => {
  if (c.kind === "pending" && !c.late) return <ConfirmationPending token={token} />;
  if (c.kind === "joined" && c.joinUrl) {
    return (
      <div id="rc-confirmation" class="rc-confirm" aria-live="polite">
        <p>
          <strong>You are registered.</strong> Your personal join link:
        </p>
        <p>
          <a class="rc-join" href={c.joinUrl} target="_blank" rel="noopener noreferrer" data-join-url={c.joinUrl}>
            Join the webinar
          </a>
        </p>
        <p class="rc-url">{c.joinUrl}</p>
        <CalendarLink token={token} />
        <p class="rc-note">
          GoTo also sends it in its confirmation email. Keep the link to yourself: it is yours alone.
        </p>
      </div>
    );
  }
  if (c.kind === "approval") {
    return (
      <div id="rc-confirmation" class="rc-confirm" aria-live="polite">
        <p>
          Your registration waits for the organizer's approval. Once approved, GoTo's confirmation email with your join
          link will follow.
        </p>
        <CalendarLink token={token} />
      </div>
    );
  }
  if (c.kind === "pending" || c.kind === "emailed") {
    return (
      <div id="rc-confirmation" class="rc-confirm" aria-live="polite">
        <p>GoTo's confirmation email with your join link will follow shortly.</p>
        <CalendarLink token={token} />
        <p>
          <a href={confirmationPaths(token).page}>Check for my join link again</a>
        </p>
      </div>
    );
  }
  if (c.kind === "refused") {
    return (
      <div id="rc-confirmation" class="rc-confirm" aria-live="polite">
        <p>We have your details, but GoTo did not confirm the registration. The organizer will be in touch.</p>
      </div>
    );
  }
  return (
    <div id="rc-confirmation" class="rc-confirm" aria-live="polite">
      <p>This registration is no longer active. Contact the organizer if you did not expect this.</p>
    </div>
  );
};
