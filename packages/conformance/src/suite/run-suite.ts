import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { conformanceCli, node22 } from "./binaries.js";
import { checkSchema, type Results } from "./checks.js";

/** The whole active server suite takes seconds; this bounds a hung one. */
const SUITE_LIMIT_MS = 180_000;
/** The suite names each result folder `server-<scenario>-<ISO time with : and . as ->`. */
const RESULT_FOLDER = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/**
 * Runs the conformance suite's active server scenarios against `url` with Node 22, and reads
 * each scenario's `checks.json` from its output folder (its exit code only says "some failed").
 */
export async function runServerSuite(
  url: string,
  suite: "active" | "all" = "active",
): Promise<Results> {
  const outputDir = await mkdtemp(join(tmpdir(), "gumstack-conformance-results-"));
  try {
    const output = await spawnCli([
      "server",
      "--url",
      url,
      "--suite",
      suite,
      "--output-dir",
      outputDir,
    ]);
    const results: Results = new Map();
    for (const folder of await readdir(outputDir)) {
      const scenario = RESULT_FOLDER.exec(folder)?.[1];
      if (scenario === undefined) throw new Error(`unexpected result folder ${folder}`);
      const text = await readFile(join(outputDir, folder, "checks.json"), "utf8");
      results.set(scenario, z.array(checkSchema).parse(JSON.parse(text)));
    }
    // No scenario ran at all (the CLI could not start them): what it printed says why.
    if (results.size === 0) throw new Error(`the conformance suite ran nothing:\n${output}`);
    return results;
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/** The scenario names the suite lists for servers (`conformance list --server`). */
export async function serverScenarios(): Promise<string[]> {
  const output = await spawnCli(["list", "--server"]);
  return [...output.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1] as string);
}

function spawnCli(args: string[]): Promise<string> {
  const node = node22().path;
  const cli = conformanceCli().path;
  return new Promise((resolve, reject) => {
    const child = spawn(node, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the conformance suite took over ${SUITE_LIMIT_MS} ms:\n${output}`));
    }, SUITE_LIMIT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // Exit 1 means some check failed: the results say which. Only a crash is an error here.
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal !== null || (code !== 0 && code !== 1))
        reject(new Error(`the conformance suite exited with ${signal ?? code}:\n${output}`));
      else resolve(output);
    });
  });
}
