/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * A failure in the API's own words, announced when the page loads; `id` lets the field it is
 * about point at it with `aria-describedby`.
 */
export function ErrorBanner({ id, message }: { id?: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="error" role="alert" id={id}>
      {message}
    </p>
  );
}
