/** The console's live log of the API calls the app made (htmx polls it every 2 s). */

import type { FC } from "hono/jsx";
import type { SimServices } from "../http";
import { all, isoTime } from "../storage";

export const CallLog: FC<{ sim: SimServices }> = ({ sim }) => {
  const calls = all<{
    id: number;
    at: number;
    method: string;
    path: string;
    status: number;
    duration_ms: number;
    principal: string | null;
  }>(sim.sql, "SELECT * FROM api_calls ORDER BY id DESC LIMIT 50");
  if (calls.length === 0) return <p class="muted">No API calls yet. They appear here as the app makes them.</p>;
  return (
    <table aria-label="API calls">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Call</th>
          <th>Status</th>
          <th>ms</th>
          <th>Organizer</th>
        </tr>
      </thead>
      <tbody>
        {calls.map((call) => (
          <tr class={call.status >= 400 ? "sim-failed" : undefined}>
            <td class="small">{isoTime(call.at)}</td>
            <td class="mono small">{`${call.method} ${call.path}`}</td>
            <td>{call.status}</td>
            <td>{call.duration_ms}</td>
            <td class="small">{call.principal ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
