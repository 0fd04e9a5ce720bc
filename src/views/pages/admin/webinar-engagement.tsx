import type { FC } from "hono/jsx";
import type { EngagedRow, EngagementSummary, SessionSummary } from "../../../db/queries/engagement-report";
import type { WebinarWithCounts } from "../../../db/queries/reports";
import { drillFields, type EngagementDrill } from "../../../domain/engagement-drill";
import { percent as share } from "../../../domain/report-shape";
import { plural } from "../../../lib/plural";
import { DataTable, EmptyState, PageHeader, Pager, Time } from "../../components";
import { BulkPanel, type BulkPanelProps } from "./bulk";
import { DrillActions, ProspectCells, personName } from "./webinar-parts";

/**
 * The webinar page's attendance per session (sessions side by side) and engagement panel (poll
 * results, survey completion, questions asked), and the drill-down behind each of their figures.
 */

export function engagedHref(webinarId: string, drill: EngagementDrill, extra: Record<string, string> = {}): string {
  return `/admin/webinars/${webinarId}/engaged?${new URLSearchParams({ ...drillFields(drill), ...extra })}`;
}

function percent(part: number, whole: number): string {
  return share(whole === 0 ? 0 : part / whole);
}

export const SessionsSideBySide: FC<{
  webinar: WebinarWithCounts;
  sessions: SessionSummary[];
  scheduled: number;
}> = ({ webinar, sessions, scheduled }) => (
  <section class="panel" aria-labelledby="per-session">
    <h2 id="per-session">Attendance per session</h2>
    {sessions.length === 0 ? (
      <p class="muted">
        No attendance has been read for any session yet. Rollcall reads the attendees of each session from GoTo after it
        ends.
      </p>
    ) : (
      <div class="cards sessions-side-by-side">
        {sessions.map((s, i) => (
          <a
            class="card panel link-card"
            href={engagedHref(webinar.id, { what: "session", sessionKey: s.sessionKey })}
            data-session={s.sessionKey}
          >
            <h3>
              {sessions.length === 1 && scheduled === 1 ? "The session" : `Session ${i + 1}`}{" "}
              <span class="muted small">
                <Time iso={s.startsAt} />
              </span>
            </h3>
            <p class="figure" data-count="session-attended">
              {s.attended}
            </p>
            <dl class="facts">
              <div>
                <dt>Attended</dt>
                <dd>{plural(s.attended, "prospect")}</dd>
              </div>
              <div>
                <dt>Average minutes</dt>
                <dd>{s.averageMinutes}</dd>
              </div>
              <div>
                <dt>Average share of the session</dt>
                <dd>{s.averageShare}%</dd>
              </div>
            </dl>
          </a>
        ))}
      </div>
    )}
    {scheduled > sessions.length && sessions.length > 0 && (
      <p class="muted small">{plural(scheduled - sessions.length, "more session")} still to come or not read yet.</p>
    )}
  </section>
);

const EngagementCount: FC<{ href: string; label: string; value: number; note?: string; kind: string }> = (p) => (
  <a class="card panel link-card" href={p.href}>
    <h3>{p.label}</h3>
    <p class="figure" data-count={p.kind}>
      {p.value}
    </p>
    {p.note && <p class="muted small">{p.note}</p>}
  </a>
);

export const EngagementPanel: FC<{
  webinar: WebinarWithCounts;
  summary: EngagementSummary;
}> = ({ webinar, summary }) => {
  const { counts, polls, questions } = summary;
  const attended = webinar.counts.attended;
  const nothing = counts.poll + counts.survey + counts.question === 0;
  return (
    <section class="panel engagement" aria-labelledby="engagement">
      <h2 id="engagement">Engagement</h2>
      {nothing ? (
        <EmptyState title="No engagement yet">
          <p>
            Poll answers, survey answers and questions asked in GoTo appear here after each session ends, and become
            activities on each prospect's timeline.
          </p>
        </EmptyState>
      ) : (
        <>
          <div class="cards">
            <EngagementCount
              href={engagedHref(webinar.id, { what: "poll", question: null, answer: null })}
              label="Answered a poll"
              value={counts.poll}
              kind="poll"
              note={polls.length === 0 ? undefined : plural(polls.length, "poll")}
            />
            <EngagementCount
              href={engagedHref(webinar.id, { what: "survey" })}
              label="Completed a survey"
              value={counts.survey}
              kind="survey"
              note={attended > 0 ? `${percent(counts.survey, attended)} of ${plural(attended, "attendee")}` : undefined}
            />
            <EngagementCount
              href={engagedHref(webinar.id, { what: "question" })}
              label="Asked a question"
              value={counts.question}
              kind="question"
              note={plural(questions.total, "question")}
            />
          </div>
          <h3>Poll results</h3>
          {polls.length === 0 ? (
            <p class="muted">No poll was answered.</p>
          ) : (
            polls.map((poll) => (
              <div class="poll-result">
                <h4>
                  <bdi>{poll.question}</bdi>{" "}
                  <a
                    class="muted small"
                    href={engagedHref(webinar.id, { what: "poll", question: poll.question, answer: null })}
                  >
                    {plural(poll.respondents, "respondent")}
                  </a>
                </h4>
                <DataTable columns={["Answer", { label: "Prospects", class: "num" }, "Share"]}>
                  {poll.answers.map((a) => (
                    <tr>
                      <td data-label="Answer">
                        <bdi>{a.answer}</bdi>
                      </td>
                      <td data-label="Prospects" class="num">
                        <a
                          href={engagedHref(webinar.id, { what: "poll", question: poll.question, answer: a.answer })}
                          data-count="poll-answer"
                        >
                          {a.prospects}
                        </a>
                      </td>
                      <td data-label="Share">
                        <meter min={0} max={poll.respondents} value={a.prospects}>
                          {percent(a.prospects, poll.respondents)}
                        </meter>{" "}
                        {percent(a.prospects, poll.respondents)}
                      </td>
                    </tr>
                  ))}
                </DataTable>
              </div>
            ))
          )}
          <h3>Questions asked</h3>
          {questions.total === 0 ? (
            <p class="muted">Nobody asked a question.</p>
          ) : (
            <>
              <DataTable columns={["Who", "Question", "The organizer's answer", "When"]}>
                {questions.rows.map((q) => (
                  <tr>
                    <td data-label="Who">
                      <a href={`/admin/prospects/${q.prospectId}`}>
                        <bdi>{personName(q) || q.email}</bdi>
                      </a>
                    </td>
                    <td data-label="Question" class="wrap">
                      <bdi>{q.question}</bdi>
                    </td>
                    <td data-label="Answer" class="wrap">
                      {q.answer ? <bdi>{q.answer}</bdi> : <span class="muted">not answered</span>}
                    </td>
                    <td data-label="When">
                      <Time iso={q.occurredAt} />
                    </td>
                  </tr>
                ))}
              </DataTable>
              {questions.total > questions.rows.length && (
                <p class="muted small">
                  Showing the first {questions.rows.length} of {questions.total}.{" "}
                  <a href={engagedHref(webinar.id, { what: "question" })}>Everyone who asked</a>
                </p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
};

const EMPTY_DRILL: Record<EngagementDrill["what"], string> = {
  session: "Nobody's attendance of this session has been read. Attendance is read after each session ends.",
  poll: "Nobody answered this poll that way.",
  survey: "Nobody completed a survey in this webinar.",
  question: "Nobody asked a question in this webinar.",
};

const DETAIL_LABEL: Record<EngagementDrill["what"], string> = {
  session: "Attendance",
  poll: "Answers",
  survey: "Survey",
  question: "Questions",
};

/** The prospects behind one engagement figure, with export, add to list and tag. */
export const EngagedPage: FC<{
  webinar: WebinarWithCounts;
  drill: EngagementDrill;
  title: string;
  count: number;
  rows: EngagedRow[];
  nextHref: string | null;
  bulk: BulkPanelProps;
}> = ({ webinar, drill, title, count, rows, nextHref, bulk }) => (
  <>
    <PageHeader
      title={`${title}: ${webinar.subject}`}
      lead={`${plural(count, "prospect")}.`}
      actions={
        <DrillActions
          webinarId={webinar.id}
          csv={
            rows.length > 0
              ? {
                  href: engagedHref(webinar.id, drill, { format: "csv" }),
                  title: `All ${plural(count, "prospect")} as a CSV file, not only this page`,
                }
              : null
          }
        />
      }
    />
    <section class="panel">
      {rows.length === 0 ? (
        <EmptyState title="No one here">
          <p>{EMPTY_DRILL[drill.what]}</p>
        </EmptyState>
      ) : (
        <DataTable
          columns={["Prospect", "Email", "Company", { label: "Score", class: "num" }, DETAIL_LABEL[drill.what]]}
        >
          {rows.map((r) => (
            <tr>
              <ProspectCells row={r} />
              <td data-label="Company">
                <bdi>{r.company ?? ""}</bdi>
              </td>
              <td data-label="Score" class="num">
                {r.score}
              </td>
              <td data-label={DETAIL_LABEL[drill.what]} class="wrap">
                <bdi>{r.detail ?? ""}</bdi>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Pager nextHref={nextHref} />
    </section>
    {bulk.count > 0 && <BulkPanel {...bulk} />}
  </>
);
