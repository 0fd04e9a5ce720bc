/** The OAuth pages a person sees: the consent form at /oauth/authorize and the error card. */

import type { Child } from "hono/jsx";
import { Document } from "../views/layout";
import type { OrganizerRow } from "./model-organizers";
import { AUTHORIZE_KEYS, type AuthorizeParams, DEFAULT_SCOPE } from "./oauth-shared";

export function ErrorCard(props: { title: string; message: string }): Child {
  return (
    <Document title="GoTo sign-in (simulator)" bodyClass="auth">
      <main class="auth-card" id="main">
        <p class="sim-tag">GoToWebinar simulator</p>
        <h1>{props.title}</h1>
        <p>{props.message}</p>
      </main>
    </Document>
  );
}

export function ConsentPage(props: { params: AuthorizeParams; organizers: OrganizerRow[]; error?: string }): Child {
  const { params } = props;
  return (
    <Document title="Allow access (simulator)" bodyClass="auth">
      <main class="auth-card sim-consent" id="main">
        <p class="sim-tag">GoToWebinar simulator</p>
        <h1>Allow Rollcall to use your GoToWebinar account?</h1>
        <p class="muted">
          Rollcall asks for <code>{params.scope ?? DEFAULT_SCOPE}</code>. Pick the organizer to sign in as, or create
          one.
        </p>
        {props.error && (
          <div class="flash flash-error" role="alert">
            {props.error}
          </div>
        )}
        <form method="post" action="/sim/oauth/authorize" class="stack">
          {AUTHORIZE_KEYS.map((key) =>
            params[key] === undefined ? null : <input type="hidden" name={key} value={params[key]} />,
          )}
          <div class="field">
            <label for="organizerEmail">Organizer</label>
            <select id="organizerEmail" name="organizerEmail">
              {props.organizers.map((o) => (
                <option value={o.email}>{`${o.first_name} ${o.last_name} <${o.email}>`}</option>
              ))}
              <option value="">New organizer…</option>
            </select>
          </div>
          <fieldset class="sim-fieldset">
            <legend>New organizer</legend>
            <div class="field">
              <label for="newEmail">Email</label>
              <input id="newEmail" name="newEmail" type="email" autocomplete="off" />
            </div>
            <div class="field">
              <label for="firstName">First name</label>
              <input id="firstName" name="firstName" type="text" />
            </div>
            <div class="field">
              <label for="lastName">Last name</label>
              <input id="lastName" name="lastName" type="text" />
            </div>
          </fieldset>
          <div class="form-actions">
            <button type="submit" name="decision" value="allow" class="button primary">
              Allow
            </button>
            <button type="submit" name="decision" value="deny" class="button">
              Deny
            </button>
          </div>
        </form>
      </main>
    </Document>
  );
}
