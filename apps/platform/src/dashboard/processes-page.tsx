/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiFailure } from "./api.js";
import { ActionButton, Badge, DataTable, Moment } from "./components/index.js";
import { formOf, signedIn } from "./respond.js";
import {
  apiServerPath,
  isPerUser,
  loadServer,
  requireOwner,
  sendServerPage,
  serverPath,
} from "./server-common.js";
import { processList, type ServerListItem, type UserProcessRow } from "./shapes.js";

const MIB = 1024 * 1024;

/** Resident memory of the process tree in MiB, one decimal; "—" while it is not known. */
export function mebibytes(bytes: number | null): string {
  return bytes === null ? "—" : (bytes / MIB).toFixed(1);
}

/** The user as a person reads them: name and email; the id when their account is gone. */
function UserCell({ process }: { process: UserProcessRow }) {
  if (process.userName === null) return <code>{process.userId}</code>;
  return (
    <>
      {process.userName}
      {process.userEmail === null ? null : (
        <>
          {" "}
          <span class="muted">({process.userEmail})</span>
        </>
      )}
    </>
  );
}

const whoIs = (process: UserProcessRow) => process.userEmail ?? process.userName ?? process.userId;

function ProcessesTable({
  base,
  processes,
  csrf,
}: {
  base: string;
  processes: UserProcessRow[];
  csrf: string;
}) {
  if (processes.length === 0)
    return <p>No process is running: each user's starts on their first call.</p>;
  return (
    <DataTable
      caption="Per-user processes, most recently used first"
      columns={[
        "User",
        "Status",
        "Started",
        "Last used",
        { label: "In flight", numeric: true },
        { label: "Memory (MiB)", numeric: true },
        "Actions",
      ]}
    >
      {processes.map((process) => (
        <tr>
          <th scope="row">
            <UserCell process={process} />
          </th>
          <td>
            <Badge status={process.status} />
          </td>
          <td>
            <Moment value={process.startedAt} />
          </td>
          <td>
            <Moment value={process.lastUsedAt} />
          </td>
          <td class="num">{process.busy}</td>
          <td class="num">{mebibytes(process.memoryBytes)}</td>
          <td>
            <ActionButton
              action={`${base}/processes/${encodeURIComponent(process.userId)}/stop`}
              label="Stop"
              csrf={csrf}
              tone="danger"
              accessibleLabel={`Stop the process of ${whoIs(process)}`}
            />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** Only a per-user server has processes to list: for any other the page does not exist. */
function requirePerUser(server: ServerListItem): void {
  if (!isPerUser(server))
    throw new ApiFailure(404, "not_found", `${server.name} runs no per-user processes.`);
}

/**
 * A per-user proxied server's processes, one per user who called it lately, each with a Stop
 * (the user's next call starts a new one). It shows who runs, never what they gave.
 */
export function registerProcessesPage(app: Hono<AppEnv>) {
  app.get(
    "/servers/:name/processes",
    signedIn(app, async (context) => {
      const { c, api, me } = context;
      const name = c.req.param("name") ?? "";
      const server = await loadServer(api, name);
      requireOwner(server);
      requirePerUser(server);
      const { processes } = await api.json(processList, "GET", `${apiServerPath(name)}/processes`);
      const content = (
        <>
          <p>
            Each user who calls {server.name} gets a process of their own, started on their first
            call and stopped after its idle time.
          </p>
          <ProcessesTable base={serverPath(name)} processes={processes} csrf={me.csrfToken} />
        </>
      );
      return sendServerPage(context, server, "processes", content);
    }),
  );

  app.post(
    "/servers/:name/processes/:user/stop",
    signedIn(app, async ({ c, api }) => {
      const name = c.req.param("name") ?? "";
      const user = c.req.param("user") ?? "";
      const form = await formOf(c);
      // Owned first: a 404 from the stop below then means only that the process is gone.
      requireOwner(await loadServer(api, name));
      const list = `${serverPath(name)}/processes`;
      try {
        await api.write("DELETE", `${apiServerPath(name)}/processes/${encodeURIComponent(user)}`, {
          csrf: form.csrf ?? "",
        });
      } catch (error) {
        // Stopped meanwhile (idle time, the user's values changed, another tab): what was asked.
        if (error instanceof ApiFailure && error.status === 404)
          return c.redirect(`${list}?notice=process-gone`, 303);
        throw error;
      }
      return c.redirect(`${list}?notice=process-stopped`, 303);
    }),
  );
}
