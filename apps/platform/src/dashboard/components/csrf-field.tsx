/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** A hidden CSRF field: the form handler sends it to the API as `x-csrf-token`. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />;
}
