import { describe, expect, it } from "vitest";
import { Badge } from "./badge.js";
import { CsrfField } from "./csrf-field.js";
import { ErrorBanner } from "./error-banner.js";
import { Moment } from "./moment.js";
import { SecretInput } from "./secret-input.js";

const render = async (element: unknown) => String(await element);

describe("the dashboard's components", () => {
  it("escape what they are given: an API message or a name is text, never markup", async () => {
    const hostile = `"><script>alert(1)</script>`;
    expect(await render(ErrorBanner({ id: "p", message: hostile }))).toBe(
      '<p class="error" role="alert" id="p">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
    expect(await render(CsrfField({ token: hostile }))).toBe(
      '<input type="hidden" name="csrf" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"/>',
    );
    expect(await render(Badge({ status: hostile }))).toContain("&lt;script&gt;");
  });

  it("render no banner without a message", () => {
    expect(ErrorBanner({ message: undefined })).toBeNull();
    expect(ErrorBanner({ message: "" })).toBeNull();
  });

  it("show a moment in UTC to the minute, and a dash for none or nonsense", async () => {
    expect(await render(Moment({ value: "2026-12-01T23:40:12.345Z" }))).toBe(
      '<time datetime="2026-12-01T23:40:12.345Z">2026-12-01 23:40 UTC</time>',
    );
    expect(await render(Moment({ value: Date.UTC(2026, 0, 2, 3, 4) }))).toContain(
      "2026-01-02 03:04 UTC",
    );
    for (const value of [null, undefined, "not a date"])
      expect(await render(Moment({ value })), String(value)).toBe("—");
  });

  it("give a secret input no value and no spell-checking, whatever it is told", async () => {
    const html = await render(
      SecretInput({ id: "s", name: "value", describedBy: ["hint", ""], invalid: true }),
    );
    expect(html).toBe(
      '<input id="s" name="value" type="password" autocomplete="off" spellcheck="false" aria-describedby="hint" aria-invalid="true"/>',
    );
  });
});
