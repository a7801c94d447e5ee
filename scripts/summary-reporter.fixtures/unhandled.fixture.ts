import { expect, it } from "vitest";

it("passes but leaves a rejection no one handles", async () => {
  void Promise.reject(new Error("nobody awaits this"));
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(true).toBe(true);
});
