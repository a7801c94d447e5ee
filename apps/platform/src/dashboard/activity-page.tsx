/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { CallsChart } from "./activity-chart.js";
import { DataTable, Moment } from "./components/index.js";
import { signedIn } from "./respond.js";
import {
  apiServerPath,
  loadServer,
  requireOwner,
  sendServerPage,
  serverPath,
} from "./server-common.js";
import { type Activity, activity } from "./shapes.js";

const RANGES = [
  [24, "Last 24 hours"],
  [168, "Last 7 days"],
] as const;

const ms = (value: number | null) => (value === null ? "—" : `${Math.round(value)} ms`);
const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 2 : 1)}%`;

function ToolsTable({ tools }: { tools: Activity["tools"] }) {
  if (tools.length === 0) return <p>No tool calls in this period.</p>;
  return (
    <DataTable
      columns={[
        "Tool",
        { label: "Calls", numeric: true },
        { label: "Errors", numeric: true },
        { label: "Error rate", numeric: true },
        { label: "Asked to connect", numeric: true },
        { label: "p50", numeric: true },
        { label: "p95", numeric: true },
      ]}
      caption="Calls per tool"
    >
      {tools.map((t) => (
        <tr>
          <th scope="row">
            <code>{t.tool}</code>
          </th>
          <td class="num">{t.calls}</td>
          <td class="num">{t.errors}</td>
          <td class="num">{percent(t.errorRate)}</td>
          <td class="num">{t.authRequired ?? "—"}</td>
          <td class="num">{ms(t.p50Ms)}</td>
          <td class="num">{ms(t.p95Ms)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function RecentTable({ recent }: { recent: Activity["recent"] }) {
  if (recent.length === 0) return null;
  return (
    <>
      <h2>Recent calls</h2>
      <DataTable columns={["When", "Tool", "User", "Outcome", { label: "Latency", numeric: true }]}>
        {recent.map((r) => (
          <tr>
            <td>
              <Moment value={r.at} />
            </td>
            <td>
              <code>{r.tool}</code>
            </td>
            <td>{r.userEmail ?? "—"}</td>
            <td>{r.outcome}</td>
            <td class="num">{ms(r.latencyMs)}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

/** Calls, error rate and latency per tool, and calls over time as a chart. */
export function registerActivityPage(app: Hono<AppEnv>) {
  app.get(
    "/servers/:name/activity",
    signedIn(app, async (context) => {
      const { c, api } = context;
      const name = c.req.param("name") ?? "";
      const server = await loadServer(api, name);
      requireOwner(server);
      const hours = RANGES.find(([h]) => String(h) === c.req.query("hours"))?.[0] ?? 24;
      const data = await api.json(
        activity,
        "GET",
        `${apiServerPath(name)}/activity?hours=${hours}`,
      );
      const base = serverPath(name);
      const content = (
        <>
          <nav aria-label="Period">
            <ul class="actions">
              {RANGES.map(([h, label]) => (
                <li>
                  <a
                    href={`${base}/activity?hours=${h}`}
                    aria-current={h === hours ? "page" : undefined}
                  >
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <CallsChart series={data.series} />
          <h2>Per tool</h2>
          <ToolsTable tools={data.tools} />
          <RecentTable recent={data.recent} />
        </>
      );
      return sendServerPage(context, server, "activity", content);
    }),
  );
}
