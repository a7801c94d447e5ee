/**
 * The process group that holds a sandboxed server, from what bwrap writes on its `--info-fd`
 * (`{ "child-pid": <pid>, … }`): the sandbox's first process, which leads its own session
 * (`--new-session`). Undefined when bwrap wrote nothing usable (it failed before starting it).
 */
export function sandboxGroupOf(text: string): number | undefined {
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof info !== "object" || info === null || !("child-pid" in info)) return undefined;
  const pid = info["child-pid"];
  return typeof pid === "number" && Number.isInteger(pid) && pid > 1 ? pid : undefined;
}
