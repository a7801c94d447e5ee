/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Activity } from "./shapes.js";

const WIDTH = 640;
const HEIGHT = 180;
const LEFT = 36;
const BOTTOM = 20;
const TOP = 8;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const hourOf = (at: string | number) => new Date(at).toISOString().slice(5, 16).replace("T", " ");

/**
 * Calls over time as server-drawn SVG bars (errors in red at the foot of each bar): no script,
 * and a text summary for people who do not see it.
 */
export function CallsChart({ series }: { series: Activity["series"] }) {
  const total = series.reduce((sum, point) => sum + point.calls, 0);
  const errors = series.reduce((sum, point) => sum + point.errors, 0);
  const peak = Math.max(1, ...series.map((point) => point.calls));
  const busiest = series.find((point) => point.calls === peak);
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const base = TOP + plotHeight;
  const slot = (WIDTH - LEFT) / Math.max(1, series.length);
  const barWidth = Math.max(1, slot * 0.8).toFixed(1);
  const y = (value: number) => TOP + plotHeight - (value / peak) * plotHeight;
  const first = series[0];
  const last = series[series.length - 1];
  const summary = `${count(total, "call")}, ${count(errors, "error")}${busiest && total > 0 ? `; busiest hour ${hourOf(busiest.at)} UTC with ${count(busiest.calls, "call")}` : ""}.`;
  return (
    <figure>
      <figcaption id="chart-caption">Calls per hour</figcaption>
      <svg
        class="chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="chart-caption chart-summary"
        preserveAspectRatio="none"
      >
        <title>Calls per hour</title>
        <line class="axis" x1={LEFT} y1={base} x2={WIDTH} y2={base}></line>
        <line class="axis" x1={LEFT} y1={TOP} x2={LEFT} y2={base}></line>
        <text x={LEFT - 4} y={TOP + 10} text-anchor="end">
          {peak}
        </text>
        <text x={LEFT - 4} y={base} text-anchor="end">
          0
        </text>
        {series.map((point, index) => {
          const x = (LEFT + index * slot + (slot - Number(barWidth)) / 2).toFixed(1);
          const callsTop = y(point.calls);
          const errorsTop = y(point.errors);
          return (
            <>
              <rect
                class="calls"
                x={x}
                y={callsTop.toFixed(1)}
                width={barWidth}
                height={(base - callsTop).toFixed(1)}
              ></rect>
              {point.errors > 0 ? (
                <rect
                  class="errors"
                  x={x}
                  y={errorsTop.toFixed(1)}
                  width={barWidth}
                  height={(base - errorsTop).toFixed(1)}
                ></rect>
              ) : null}
            </>
          );
        })}
        {first ? (
          <text x={LEFT} y={HEIGHT - 4}>
            {hourOf(first.at)}
          </text>
        ) : null}
        {last && last !== first ? (
          <text x={WIDTH} y={HEIGHT - 4} text-anchor="end">
            {hourOf(last.at)}
          </text>
        ) : null}
      </svg>
      <p class="legend">
        <span>
          <span class="swatch calls"></span>Calls
        </span>
        <span>
          <span class="swatch errors"></span>Errors
        </span>
      </p>
      <p class="hint" id="chart-summary">
        {summary}
      </p>
    </figure>
  );
}
