import { expect, it } from "vitest";

// Throws while the file loads (a SyntaxError), before any test is collected.
const settings: unknown = JSON.parse("{ not json");

it("is never collected", () => expect(settings).toBeDefined());
