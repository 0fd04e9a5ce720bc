import type { FC } from "hono/jsx";
import type { UserRow } from "../../../db/queries/users";
import { CsrfField, DataTable, Field, Flash, PageHeader, PostButton, Time } from "../../components";

export interface UsersPageState {
  flash?: string;
  error?: string;
  add?: { values: { email: string; name: string; role: string }; errors: Record<string, string> };
  reset?: { userId: string; error: string };
}

/** Settings > Users. Rendered whole for page loads and as the `#users` section for htmx swaps. */
export const UsersPage: FC<{ users: UserRow[]; me: string; csrfToken: string | null; state: UsersPageState }> = ({
  users,
  me,
  csrfToken,
  state,
}) => {
  const add = state.add;
  return (
    <div id="users" class="stack">
      <PageHeader title="Users" lead="Who can log in to Rollcall. Administrators also manage users and API keys." />
      {state.flash && <Flash kind="success">{state.flash}</Flash>}
      {state.error && <Flash kind="error">{state.error}</Flash>}
      <section class="panel">
        <h2>Add a user</h2>
        <form
          method="post"
          action="/admin/settings/users"
          hx-post="/admin/settings/users"
          hx-target="#users"
          hx-swap="outerHTML"
          class="grid-form"
          novalidate
        >
          <CsrfField token={csrfToken} />
          <Field
            label="Email"
            name="email"
            type="email"
            value={add?.values.email}
            error={add?.errors.email}
            required
            maxlength={254}
          />
          <Field label="Name" name="name" value={add?.values.name} error={add?.errors.name} required maxlength={100} />
          <div class={add?.errors.role ? "field has-error" : "field"}>
            <label for="f-role">Role</label>
            <select id="f-role" name="role">
              <option value="marketer" selected={add?.values.role !== "admin"}>
                Marketer
              </option>
              <option value="admin" selected={add?.values.role === "admin"}>
                Administrator
              </option>
            </select>
            {add?.errors.role && <small class="error">{add.errors.role}</small>}
          </div>
          <Field
            label="Password"
            name="password"
            type="password"
            error={add?.errors.password}
            required
            minlength={12}
            maxlength={200}
            autocomplete="new-password"
            hint="At least 12 characters."
          />
          <div class="form-actions">
            <button type="submit" class="button primary">
              Add user
            </button>
          </div>
        </form>
      </section>
      <section class="panel">
        <h2>Team</h2>
        <DataTable columns={["Email", "Name", "Role", "Status", "Last login", "Actions"]}>
          {users.map((u) => (
            <tr>
              <td data-label="Email">
                <bdi>{u.email}</bdi>
              </td>
              <td data-label="Name">
                <bdi>{u.name}</bdi>
              </td>
              <td data-label="Role">{u.role === "admin" ? "Administrator" : "Marketer"}</td>
              <td data-label="Status">
                <span class={u.active ? "badge ok" : "badge muted"}>{u.active ? "Active" : "Deactivated"}</span>
              </td>
              <td data-label="Last login">
                <Time iso={u.lastLoginAt} />
              </td>
              <td data-label="Actions">
                <details class="row-actions">
                  <summary>Reset password</summary>
                  <form
                    method="post"
                    action={`/admin/settings/users/${u.id}/password`}
                    hx-post={`/admin/settings/users/${u.id}/password`}
                    hx-target="#users"
                    hx-swap="outerHTML"
                    class="inline-form"
                  >
                    <CsrfField token={csrfToken} />
                    <Field
                      label={`New password for ${u.email}`}
                      name="password"
                      type="password"
                      minlength={12}
                      maxlength={200}
                      autocomplete="new-password"
                      error={state.reset?.userId === u.id ? state.reset.error : undefined}
                    />
                    <button type="submit" class="button">
                      Set password
                    </button>
                  </form>
                </details>
                {u.id !== me &&
                  (u.active ? (
                    <PostButton
                      action={`/admin/settings/users/${u.id}/deactivate`}
                      csrfToken={csrfToken}
                      kind="danger"
                      target="#users"
                      confirm={`Deactivate ${u.email}? They are signed out at once and cannot log in until reactivated.`}
                    >
                      Deactivate
                    </PostButton>
                  ) : (
                    <PostButton action={`/admin/settings/users/${u.id}/activate`} csrfToken={csrfToken} target="#users">
                      Reactivate
                    </PostButton>
                  ))}
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
    </div>
  );
};
