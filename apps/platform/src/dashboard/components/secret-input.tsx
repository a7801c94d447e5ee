/** @jsxRuntime automatic @jsxImportSource hono/jsx */
interface SecretInputProps {
  id: string;
  name: string;
  /** Ids of the hints and errors that describe this field. */
  describedBy?: string[];
  invalid?: boolean;
  required?: boolean;
  placeholder?: string | undefined;
  autocomplete?: "off" | "current-password" | "new-password";
  minlength?: number;
}

/**
 * A write-only value: a password input that never carries a stored value back into the page,
 * not spell-checked (which would send it to a dictionary service).
 */
export function SecretInput(props: SecretInputProps) {
  const described = props.describedBy?.filter(Boolean) ?? [];
  return (
    <input
      id={props.id}
      name={props.name}
      type="password"
      autocomplete={props.autocomplete ?? "off"}
      spellcheck={false}
      placeholder={props.placeholder}
      required={props.required}
      minlength={props.minlength}
      aria-describedby={described.length > 0 ? described.join(" ") : undefined}
      aria-invalid={props.invalid ? "true" : undefined}
    />
  );
}
