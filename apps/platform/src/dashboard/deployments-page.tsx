/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { Badge, DataTable, Moment } from "./components/index.js";
import { signedIn } from "./respond.js";
import {
  apiServerPath,
  loadServer,
  requireOwner,
  sendServerPage,
  serverPath,
} from "./server-common.js";
import { type Deployment, deploymentList, type LogLine, logLines } from "./shapes.js";

function exitText(deployment: Deployment): string {
  const exit = deployment.lastExit;
  if (!exit) return "—";
  if (exit.error) return `could not start: ${exit.error}`;
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? "?"}`;
}

function DeploymentsTable({
  base,
  deployments,
  shown,
}: {
  base: string;
  deployments: Deployment[];
  shown: string | undefined;
}) {
  return (
    <DataTable
      columns={[
        "Deployment",
        "Status",
        "Created",
        "Started",
        { label: "Restarts", numeric: true },
        "Last exit",
      ]}
    >
      {deployments.map((d) => (
        <tr>
          <th scope="row">
            {d.logsKept === false ? (
              <code>{d.id}</code>
            ) : (
              <a
                href={`${base}/deployments?deployment=${encodeURIComponent(d.id)}`}
                aria-current={d.id === shown ? "true" : undefined}
                aria-label={`Logs of ${d.id}`}
              >
                <code>{d.id}</code>
              </a>
            )}
          </th>
          <td>
            <Badge status={d.status} />
          </td>
          <td>
            <Moment value={d.createdAt} />
          </td>
          <td>
            <Moment value={d.startedAt} />
          </td>
          <td class="num">{d.restarts}</td>
          <td>{exitText(d)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function LogView({ id, lines }: { id: string; lines: LogLine[] }) {
  return (
    <section aria-labelledby="logs-heading">
      <h2 id="logs-heading">
        Logs of <code>{id}</code>
      </h2>
      {lines.length === 0 ? (
        <p>No output yet.</p>
      ) : (
        <pre class="logs" role="log" tabindex={0} aria-label="Log lines, oldest first">
          {lines.map((line) => (
            <>
              <span class={line.stream === "stderr" ? "stderr" : undefined}>
                {new Date(line.at).toISOString().slice(11, 23)}{" "}
                {line.stream === "stderr" ? "err" : "out"} {line.text}
              </span>
              {"\n"}
            </>
          ))}
        </pre>
      )}
    </section>
  );
}

/** The server's kept deployments, and the logs of the one picked (the newest by default). */
export function registerDeploymentsPage(app: Hono<AppEnv>) {
  app.get(
    "/servers/:name/deployments",
    signedIn(app, async (context) => {
      const { c, api } = context;
      const name = c.req.param("name") ?? "";
      const server = await loadServer(api, name);
      requireOwner(server);
      const apiBase = apiServerPath(name);
      const { deployments } = await api.json(deploymentList, "GET", `${apiBase}/deployments`);
      const picked = c.req.query("deployment");
      const kept = deployments.filter((d) => d.logsKept !== false);
      const shown = kept.find((d) => d.id === picked) ?? kept[0];
      const logs = shown
        ? await api.json(
            logLines,
            "GET",
            `${apiBase}/deployments/${encodeURIComponent(shown.id)}/logs`,
          )
        : undefined;
      const base = serverPath(name);
      const content = (
        <>
          {deployments.length === 0 ? (
            <p>This server has not been deployed yet.</p>
          ) : (
            <DeploymentsTable base={base} deployments={deployments} shown={shown?.id} />
          )}
          {shown && logs ? <LogView id={shown.id} lines={logs.lines} /> : null}
        </>
      );
      return sendServerPage(context, server, "deployments", content);
    }),
  );
}
