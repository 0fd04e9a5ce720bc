import type { FC } from "hono/jsx";
import { Document } from "../layout";

export const ErrorPage: FC<{ status: number; title: string; message: string; requestId?: string }> = (p) => (
  <Document title={p.title} bodyClass="auth">
    <main class="auth-card" id="main">
      <p class="status-code">{p.status}</p>
      <h1>{p.title}</h1>
      <p>{p.message}</p>
      {p.requestId && <p class="muted small">Request id: {p.requestId}</p>}
      <p>
        <a class="button" href="/admin">
          Go to the dashboard
        </a>
      </p>
    </main>
  </Document>
);

/** What an htmx request gets on error: a small alert swapped into the page's error slot. */
export const ErrorFragment: FC<{ message: string; requestId?: string }> = (p) => (
  <div class="flash flash-error" role="alert">
    {p.message}
    {p.requestId && <span class="muted small"> (request {p.requestId})</span>}
  </div>
);
