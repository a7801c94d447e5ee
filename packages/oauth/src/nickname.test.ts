import { describe, expect, it } from "vitest";
import { pickNickname } from "./nickname.js";

describe("pickNickname", () => {
  it.each([
    [{ sub: "1", name: "Ada", preferred_username: "ada" }, "ada"],
    [{ sub: "1", email: "ada@example.test", name: "Ada" }, "Ada"],
    [{ sub: "1", email: "ada@example.test" }, "ada@example.test"],
    [{ id: 1, login: "octocat" }, "octocat"],
    [{ sub: "1", name: "" }, "1"],
  ])("picks from %j", (userinfo, expected) => {
    expect(pickNickname(userinfo)).toBe(expected);
  });

  it.each([[{}], [null], ["ada"], [{ name: 42 }]])("finds none in %j", (userinfo) => {
    expect(pickNickname(userinfo)).toBeUndefined();
  });
});
