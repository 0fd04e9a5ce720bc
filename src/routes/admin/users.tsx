import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { createUser } from "../../auth/accounts";
import { hashPassword } from "../../auth/password";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { deleteUserSessions } from "../../db/queries/sessions";
import { findUserById, listUsers, setUserActive, setUserPassword, type UserRow } from "../../db/queries/users";
import type { AppEnv } from "../../env";
import { clientIp, formFields } from "../../lib/request";
import { EmailField, NameField, PasswordField } from "../../lib/validation";
import { validForm } from "../../middleware/validate";
import { UsersPage, type UsersPageState } from "../../views/pages/admin/users";

const NewUserForm = v.object({
  email: EmailField,
  name: NameField("a name"),
  role: v.picklist(["admin", "marketer"], "Choose a role: admin or marketer."),
  password: PasswordField,
});

const ResetForm = v.object({ password: PasswordField });

export const userRoutes = new Hono<AppEnv>();

async function renderUsers(c: Context<AppEnv>, state: UsersPageState, status: 200 | 404 | 409 | 422 = 200) {
  const users = await listUsers(createDb(c.env.DB));
  c.status(status);
  return c.render(
    <UsersPage users={users} me={c.get("user")?.id ?? ""} csrfToken={c.get("csrfToken")} state={state} />,
    {
      title: "Users",
    },
  );
}

userRoutes.get("/", (c) => renderUsers(c, {}));

/** What the Add user form shows again: never the password. */
function keptUser(body: Record<string, string>) {
  return { email: body.email ?? "", name: body.name ?? "", role: body.role ?? "marketer" };
}

userRoutes.post(
  "/",
  validForm(NewUserForm, (c, { values, errors }) => renderUsers(c, { add: { values: keptUser(values), errors } }, 422)),
  async (c) => {
    const form = c.req.valid("form");
    const db = createDb(c.env.DB);
    const created = await createUser(db, form);
    if (!created) {
      return renderUsers(
        c,
        { add: { values: keptUser(await formFields(c)), errors: { email: "A user with this email already exists." } } },
        409,
      );
    }
    await recordAudit(db, {
      actorId: c.get("user")?.id ?? null,
      action: "user.created",
      subject: form.email,
      ip: clientIp(c),
    });
    return renderUsers(c, { flash: `Added ${form.email}. Give them their password in person or by phone.` });
  },
);

async function loadTarget(c: Context<AppEnv>, id: string): Promise<UserRow> {
  const user = await findUserById(createDb(c.env.DB), id);
  if (!user) throw new HTTPException(404, { message: "There is no such user. It may have been removed." });
  return user;
}

userRoutes.post(
  "/:id/password",
  validForm(ResetForm, async (c, { errors }) => {
    // An unknown user is a 404 before the form is looked at.
    const target = await loadTarget(c, c.req.param("id") ?? "");
    return renderUsers(c, { reset: { userId: target.id, error: errors.password ?? "Check the password." } }, 422);
  }),
  async (c) => {
    const target = await loadTarget(c, c.req.param("id") ?? "");
    const db = createDb(c.env.DB);
    await setUserPassword(db, target.id, await hashPassword(c.req.valid("form").password));
    await deleteUserSessions(db, target.id);
    await recordAudit(db, {
      actorId: c.get("user")?.id ?? null,
      action: "user.password_reset",
      subject: target.email,
      ip: clientIp(c),
    });
    return renderUsers(c, { flash: `New password set for ${target.email}; their open sessions were ended.` });
  },
);

userRoutes.post("/:id/deactivate", async (c) => {
  const target = await loadTarget(c, c.req.param("id"));
  if (target.id === c.get("user")?.id) {
    return renderUsers(c, { error: "You cannot deactivate your own account. Ask another administrator." }, 409);
  }
  const db = createDb(c.env.DB);
  await setUserActive(db, target.id, false);
  await deleteUserSessions(db, target.id);
  await recordAudit(db, {
    actorId: c.get("user")?.id ?? null,
    action: "user.deactivated",
    subject: target.email,
    ip: clientIp(c),
  });
  return renderUsers(c, { flash: `${target.email} is deactivated and signed out everywhere.` });
});

userRoutes.post("/:id/activate", async (c) => {
  const target = await loadTarget(c, c.req.param("id"));
  const db = createDb(c.env.DB);
  await setUserActive(db, target.id, true);
  await recordAudit(db, {
    actorId: c.get("user")?.id ?? null,
    action: "user.activated",
    subject: target.email,
    ip: clientIp(c),
  });
  return renderUsers(c, { flash: `${target.email} can log in again.` });
});
