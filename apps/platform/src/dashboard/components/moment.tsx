/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** A moment from the API (ISO text or epoch milliseconds) as a `<time>`, in UTC to the minute. */
export function Moment({ value }: { value: string | number | null | undefined }) {
  if (value === null || value === undefined) return <>—</>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <>—</>;
  const iso = date.toISOString();
  return <time datetime={iso}>{iso.slice(0, 16).replace("T", " ")} UTC</time>;
}
