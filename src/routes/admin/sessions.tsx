import { type Context, Hono } from "hono";
import { lastSeenOf, MAX_SESSIONS_PER_USER } from "../../auth/session";
import { createDb } from "../../db/client";
import { recordAudit } from "../../db/queries/audit";
import { deleteOtherSessions, deleteOwnSession, listUserSessions } from "../../db/queries/sessions";
import type { AppEnv } from "../../env";
import { clientIp } from "../../lib/request";
import { SessionsPage } from "../../views/pages/admin/sessions";

/** Settings > Your sessions: every user sees and ends their own sessions (never anyone else's). */
export const sessionRoutes = new Hono<AppEnv>();

async function render(
  c: Context<AppEnv>,
  state: { flash?: string; error?: string },
  status: 200 | 404 = 200,
): Promise<Response> {
  const user = c.get("user");
  const current = c.get("sessionId");
  const rows = user ? await listUserSessions(createDb(c.env.DB), user.id) : [];
  const sessions = rows.map((s) => ({ ...s, lastSeenAt: lastSeenOf(s), current: s.id === current }));
  c.status(status);
  return c.render(
    <SessionsPage
      sessions={sessions}
      max={MAX_SESSIONS_PER_USER}
      csrfToken={c.get("csrfToken")}
      flash={state.flash}
      error={state.error}
    />,
    { title: "Your sessions" },
  );
}

function me(c: Context<AppEnv>): { userId: string; sessionId: string; email: string } {
  const user = c.get("user");
  const sessionId = c.get("sessionId");
  // requireUser runs in front of every admin route, so both are set.
  if (!user || !sessionId) throw new Error("no session on an admin route");
  return { userId: user.id, sessionId, email: user.email };
}

sessionRoutes.get("/", (c) => render(c, {}));

sessionRoutes.post("/end-others", async (c) => {
  const { userId, sessionId, email } = me(c);
  const db = createDb(c.env.DB);
  const ended = await deleteOtherSessions(db, userId, sessionId);
  await recordAudit(db, {
    actorId: userId,
    action: "sessions.ended_others",
    subject: email,
    detail: `${ended}`,
    ip: clientIp(c),
  });
  return render(c, {
    flash:
      ended === 0 ? "You had no other sessions." : `Logged out ${ended} other ${ended === 1 ? "session" : "sessions"}.`,
  });
});

sessionRoutes.post("/:id/end", async (c) => {
  const { userId, sessionId, email } = me(c);
  const id = c.req.param("id");
  if (id === sessionId) {
    return render(
      c,
      { error: "This is the session you are using: use Log out at the top of the page to end it." },
      404,
    );
  }
  const db = createDb(c.env.DB);
  if (!/^[0-9a-f]{64}$/.test(id) || !(await deleteOwnSession(db, userId, id))) {
    return render(c, { error: "That session has already ended." }, 404);
  }
  await recordAudit(db, { actorId: userId, action: "session.ended", subject: email, ip: clientIp(c) });
  return render(c, { flash: "Logged out that session." });
});
