/**
 * The one HTML form the test server's interaction pages show, and its reading by the driver, as a
 * browser would: it posts the fields to the form's action. Both halves live here so they agree.
 */
export interface HtmlForm {
  action: string;
  /** Field names; a text field the person fills in has value "". */
  fields: Record<string, string>;
}

export function renderForm(title: string, form: HtmlForm): string {
  const inputs = Object.entries(form.fields)
    .map(([name, value]) =>
      value === ""
        ? `<label>${escapeHtml(name)} <input type="text" name="${escapeHtml(name)}" value=""></label>`
        : `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join("\n");
  return `<!doctype html>
<html><head><title>${escapeHtml(title)}</title></head><body>
<h1>${escapeHtml(title)}</h1>
<form method="post" action="${escapeHtml(form.action)}">
${inputs}
<button type="submit">Continue</button>
</form>
</body></html>`;
}

/** Reads the first form of a page the test server rendered; undefined on any other page. */
export function parseForm(html: string): HtmlForm | undefined {
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
  if (action === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(
    /<input type="(?:text|hidden)" name="([^"]*)" value="([^"]*)">/g,
  )) {
    fields[unescapeHtml(match[1] ?? "")] = unescapeHtml(match[2] ?? "");
  }
  return { action: unescapeHtml(action), fields };
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => {
    const found = Object.entries(ENTITIES).find(([, value]) => value === entity);
    return found?.[0] ?? entity;
  });
}
