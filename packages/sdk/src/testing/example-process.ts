import { type ChildProcess, execFile } from "node:child_process";
import { promisify } from "node:util";
import { repoRoot, spawnTypeScript, typeScriptArgs } from "@gumstack/db/testing";

export interface ExampleProcess {
  url: string;
  apiKey: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs a server script as `npm start` does, in its own process: first `users add` for an API
 * key, then the server itself on the port in `env` (0 for any), resolved once it listens.
 */
export async function startExampleProcess(
  script: string,
  env: Record<string, string>,
): Promise<ExampleProcess> {
  const base = { PATH: process.env.PATH ?? "", GUMSTACK_LOG_LEVEL: "info", ...env };
  // Not spawnSync: a provider the script talks to may live in this very process.
  const made = await promisify(execFile)(
    process.execPath,
    typeScriptArgs(script, ["users", "add", "tester"]),
    {
      cwd: repoRoot,
      env: base,
      encoding: "utf8",
    },
  ).catch((error: { stdout?: string; stderr?: string; code?: number }) => ({
    stdout: `${error.stdout ?? ""}${error.stderr ?? ""}`,
    stderr: `exit ${error.code}`,
  }));
  const apiKey = /API key, shown once: (gsk_\w+)/.exec(made.stdout)?.[1];
  if (!apiKey) throw new Error(`users add failed:\n${made.stdout}${made.stderr}`);

  const child: ChildProcess = spawnTypeScript(script, { env: base });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)\/mcp/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before listening:\n${output}`));
    });
  });
  return {
    url,
    apiKey,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      if (child.exitCode !== 0)
        throw new Error(
          `did not shut down cleanly (${child.exitCode ?? child.signalCode}):\n${output}`,
        );
    },
  };
}
