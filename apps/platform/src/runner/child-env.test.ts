import { describe, expect, it } from "vitest";
import { childEnvironment, environmentProblems } from "./child-env.js";

describe("the environment of a server's process", () => {
  it("is its variables, the platform's for it, where to listen and PATH", () => {
    const env = childEnvironment(
      { env: { API_KEY: "k" }, platformEnv: { GUMSTACK_DATA_DIR: "/d" } },
      4321,
      "/bin",
    );
    expect(env).toEqual({
      API_KEY: "k",
      GUMSTACK_DATA_DIR: "/d",
      GUMSTACK_HOST: "127.0.0.1",
      GUMSTACK_PORT: "4321",
      PATH: "/bin",
    });
    expect(childEnvironment({ env: { PATH: "/mine" }, platformEnv: {} }, 1, "/bin").PATH).toBe(
      "/mine",
    );
  });

  it("refuses reserved or invalid names, naming them but never a value", () => {
    const problems = environmentProblems({
      env: { GUMSTACK_X: "v1", gumloop_y: "v2", "1BAD": "v3", OK: "fine", NUL: "a\0b" },
      platformEnv: { GUMSTACK_SERVER_ID: "srv", GUMSTACK_HOST: "0.0.0.0", SECRET: "v4" },
    });
    expect(problems).toEqual([
      expect.stringContaining('"GUMSTACK_X" is reserved'),
      expect.stringContaining('"gumloop_y" is reserved'),
      expect.stringContaining('"1BAD" is not a valid name'),
      'env: the value of "NUL" contains a NUL character',
      'platformEnv: "GUMSTACK_HOST" is set by the runner',
      expect.stringContaining('platformEnv: "SECRET" is not a platform variable'),
    ]);
    expect(problems.join("\n")).not.toMatch(/v[1-4]|0\.0\.0\.0/);
  });

  it("refuses loader and interpreter variables unless an admin allowed them, and overlong names", () => {
    const env = {
      LD_PRELOAD: "/x.so",
      NODE_OPTIONS: "--inspect",
      PATH: "/evil",
      [`A${"B".repeat(200)}`]: "v",
    };
    const refused = environmentProblems({ env, platformEnv: {} });
    expect(refused).toEqual([
      expect.stringContaining('"LD_PRELOAD" changes how the server\'s process loads or runs code'),
      expect.stringContaining('"NODE_OPTIONS" changes how'),
      expect.stringContaining('"PATH" changes how'),
      expect.stringContaining("is too long: a name has at most 128 characters"),
    ]);
    expect(
      environmentProblems({
        env: { LD_PRELOAD: "/x.so" },
        platformEnv: {},
        allowUnsafeNames: ["LD_PRELOAD"],
      }),
    ).toEqual([]);
  });
});
