import type { FC } from "hono/jsx";
import { DataTable, Flash, PageHeader, PostButton, Time } from "../../components";

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** Settings > Your sessions. Rendered whole for page loads and as the `#sessions` section for htmx swaps. */
export const SessionsPage: FC<{
  sessions: SessionView[];
  max: number;
  csrfToken: string | null;
  flash?: string | undefined;
  error?: string | undefined;
}> = ({ sessions, max, csrfToken, flash, error }) => {
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div id="sessions" class="stack">
      <PageHeader
        title="Your sessions"
        lead={`Where you are logged in. You can be logged in at most ${max} times at once; the oldest session ends when another starts.`}
        actions={
          others > 0 ? (
            <PostButton
              action="/admin/settings/sessions/end-others"
              csrfToken={csrfToken}
              kind="danger"
              target="#sessions"
              confirm={`Log out your ${others} other ${others === 1 ? "session" : "sessions"}? Those browsers have to log in again.`}
            >
              Log out other sessions
            </PostButton>
          ) : undefined
        }
      />
      {flash && <Flash kind="success">{flash}</Flash>}
      {error && <Flash kind="error">{error}</Flash>}
      <section class="panel">
        <DataTable columns={["Browser", "IP address", "Logged in", "Last active", "Actions"]}>
          {sessions.map((s) => (
            <tr>
              <td data-label="Browser">
                <bdi>{s.userAgent || "Unknown browser"}</bdi>
                {s.current && (
                  <>
                    {" "}
                    <span class="badge ok">This session</span>
                  </>
                )}
              </td>
              <td data-label="IP address">{s.ip && s.ip !== "local" ? s.ip : <span class="muted">not known</span>}</td>
              <td data-label="Logged in">
                <Time iso={s.createdAt} />
              </td>
              <td data-label="Last active">
                <Time iso={s.lastSeenAt} /> <span class="muted small">(to the day)</span>
              </td>
              <td data-label="Actions">
                {s.current ? (
                  <span class="muted">Use Log out to end this one</span>
                ) : (
                  <PostButton
                    action={`/admin/settings/sessions/${s.id}/end`}
                    csrfToken={csrfToken}
                    target="#sessions"
                    confirm="Log out this session? That browser has to log in again."
                  >
                    Log out
                  </PostButton>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
};
