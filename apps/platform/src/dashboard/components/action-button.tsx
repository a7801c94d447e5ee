/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { CsrfField } from "./csrf-field.js";

interface ActionButtonProps {
  /** The dashboard handler that makes the API call. */
  action: string;
  label: string;
  csrf: string;
  tone?: "danger" | "secondary";
  /** Names the row the button acts on, where the label alone ("Delete") would not. */
  accessibleLabel?: string;
}

/** A one-button form that posts to a dashboard handler. */
export function ActionButton({ action, label, csrf, tone, accessibleLabel }: ActionButtonProps) {
  return (
    <form method="post" action={action} class="inline">
      <CsrfField token={csrf} />
      <button type="submit" class={tone} aria-label={accessibleLabel}>
        {label}
      </button>
    </form>
  );
}
