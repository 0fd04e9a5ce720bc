import type { FC } from "hono/jsx";
import { Field, Flash } from "../components";
import { Document } from "../layout";

export interface LoginPageProps {
  email?: string;
  next?: string;
  error?: string;
  notice?: string;
}

export const LoginPage: FC<LoginPageProps> = (p) => (
  <Document title="Log in" bodyClass="auth">
    <main class="auth-card" id="main">
      <div class="brand">
        <img src="/img/favicon.svg" alt="" width="36" height="36" />
        <span>Rollcall</span>
      </div>
      <h1>Log in</h1>
      <p class="muted">Webinar registrations, attendance and scores, in step with GoToWebinar.</p>
      {p.notice && <Flash kind="info">{p.notice}</Flash>}
      {p.error && <Flash kind="error">{p.error}</Flash>}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="next" value={p.next ?? "/admin"} />
        <Field
          label="Email"
          name="email"
          type="email"
          value={p.email}
          required
          autocomplete="username"
          maxlength={254}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          required
          autocomplete="current-password"
          maxlength={200}
        />
        <button type="submit" class="button primary wide">
          Log in
        </button>
      </form>
    </main>
  </Document>
);
