import type { FC } from "hono/jsx";
import type { ListRow } from "../../../db/queries/lists";
import { DataTable, EmptyState, Flash, NameForm, PageHeader, Time } from "../../components";

export const ListsPage: FC<{
  lists: (ListRow & { members: number })[];
  state: { flash?: string; name?: string; error?: string };
  csrfToken: string | null;
}> = ({ lists, state, csrfToken }) => (
  <div id="lists">
    <PageHeader
      title="Lists"
      lead="Lists of prospects. Forms add their prospects to a list with the completion action Add to list."
    />
    {state.flash && <Flash kind="success">{state.flash}</Flash>}
    <section class="panel">
      <h2>Add a list</h2>
      <NameForm
        action="/admin/lists"
        csrfToken={csrfToken}
        value={state.name}
        error={state.error}
        maxlength={100}
        submit="Add list"
      />
    </section>
    <section class="panel">
      {lists.length === 0 ? (
        <EmptyState title="No lists yet">
          <p>Add one above, then pick it in a form's completion actions.</p>
        </EmptyState>
      ) : (
        <DataTable columns={["Name", "Members", "Created"]}>
          {lists.map((l) => (
            <tr>
              <td data-label="Name">
                <a href={`/admin/lists/${l.id}`}>
                  <bdi>{l.name}</bdi>
                </a>
              </td>
              <td data-label="Members">{l.members}</td>
              <td data-label="Created">
                <Time iso={l.createdAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  </div>
);

export const ListDetail: FC<{
  list: ListRow;
  members: { prospectId: string; email: string; firstName: string | null; lastName: string | null; addedAt: string }[];
}> = ({ list, members }) => (
  <div id="list">
    <PageHeader
      title={`List: ${list.name}`}
      actions={
        <a class="button" href="/admin/lists">
          All lists
        </a>
      }
    />
    <section class="panel">
      {members.length === 0 ? (
        <EmptyState title="No members yet">
          <p>Prospects join when a form with Add to list is submitted.</p>
        </EmptyState>
      ) : (
        <DataTable columns={["Email", "Name", "Added"]}>
          {members.map((m) => (
            <tr>
              <td data-label="Email">
                <a href={`/admin/prospects/${m.prospectId}`}>
                  <bdi>{m.email}</bdi>
                </a>
              </td>
              <td data-label="Name">{[m.firstName, m.lastName].filter(Boolean).join(" ")}</td>
              <td data-label="Added">
                <Time iso={m.addedAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  </div>
);
