/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

/** A column's heading; a numeric one is right-aligned, as its cells are. */
export type Column = string | { label: string; numeric: true };

/**
 * A table as every page shows one: scrolled sideways on a narrow screen, one header row of
 * column headings (`scope="col"`), the rows given as children.
 */
export function DataTable({
  columns,
  caption,
  children,
}: {
  columns: readonly Column[];
  /** For screen readers, where the heading above does not already say what the table is. */
  caption?: string;
  children?: Child;
}) {
  return (
    <div class="table-wrap">
      <table>
        {caption === undefined ? null : <caption class="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === "string" ? (
                <th scope="col">{column}</th>
              ) : (
                <th scope="col" class="num">
                  {column.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
