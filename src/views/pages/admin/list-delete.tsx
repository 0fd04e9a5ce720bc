import type { FC } from "hono/jsx";
import type { ListUse } from "../../../db/queries/list-delete";
import type { ListRow } from "../../../db/queries/lists";
import { plural } from "../../../lib/plural";
import { CsrfField, Flash, PageHeader } from "../../components";

/** A list's Delete page: how many members it has and what uses it; the button only when nothing does. */

const USE_WORDS: Record<ListUse["kind"], { what: string; fix: string; href: (id: string) => string }> = {
  rule_action: {
    what: "Rule (an action adds to or removes from this list)",
    fix: "edit the rule and change or remove that action, or delete the rule",
    href: (id) => `/admin/automation/rules/${id}/edit`,
  },
  rule_criteria: {
    what: "Rule (its criteria test membership of this list)",
    fix: "edit the rule's criteria",
    href: (id) => `/admin/automation/rules/${id}/edit`,
  },
  list_criteria: {
    what: "Dynamic list (its criteria test membership of this list)",
    fix: "edit that list's criteria",
    href: (id) => `/admin/lists/${id}/edit`,
  },
  form: {
    what: "Form (a completion action adds to this list)",
    fix: "edit the form's completion actions",
    href: (id) => `/admin/forms/${id}`,
  },
  form_handler: {
    what: "Form handler (a completion action adds to this list)",
    fix: "edit the handler's actions",
    href: (id) => `/admin/form-handlers/${id}`,
  },
};

export const ListDeletePage: FC<{
  list: ListRow;
  members: number;
  uses: ListUse[];
  refused?: boolean;
  csrfToken: string | null;
}> = ({ list, members, uses, refused, csrfToken }) => (
  <div id="list-delete">
    <PageHeader
      title={`Delete list: ${list.name}`}
      actions={
        <a class="button" href={`/admin/lists/${list.id}`}>
          Back to the list
        </a>
      }
    />
    <section class="panel">
      <p>
        The list “<bdi>{list.name}</bdi>” has <strong>{plural(members, "member")}</strong>. Deleting it removes the list
        and its memberships; the prospects themselves stay, and the actions rules took keep their history.
      </p>
      {uses.length > 0 ? (
        <>
          <Flash kind={refused ? "error" : "info"}>
            {refused ? "The list was not deleted: " : "This list cannot be deleted yet: "}
            {plural(uses.length, "thing")} still {uses.length === 1 ? "uses" : "use"} it. Change each of these first,
            then delete the list.
          </Flash>
          <ul class="plain-list wrap">
            {uses.map((u) => (
              <li>
                {USE_WORDS[u.kind].what}:{" "}
                <a href={USE_WORDS[u.kind].href(u.id)}>
                  <bdi>{u.name}</bdi>
                </a>{" "}
                <span class="muted">({USE_WORDS[u.kind].fix})</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <form method="post" action={`/admin/lists/${list.id}/delete`} class="row-form">
          <CsrfField token={csrfToken} />
          <p>No rule, form, form handler or criteria use this list.</p>
          <button type="submit" class="button danger">
            Delete the list and its {plural(members, "membership")}
          </button>
        </form>
      )}
    </section>
  </div>
);
