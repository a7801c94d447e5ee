import { users } from "@gumstack/db";
import { createUser, issueApiKey } from "@gumstack/runtime";
import type { HostServices } from "./app-env.js";

/** The first words that make `run()` run a command instead of serving. */
export const hostCommands = ["users"];

const usage = `commands:
  users add <name>     create a user and print their API key (shown once)
  users list           list the users`;

/** The standalone host's few administrative commands, run instead of serving. */
export async function runHostCommand(
  services: HostServices,
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const db = services.store.database.db;
  const [group, command, ...rest] = argv;
  if (group === "users" && command === "add") {
    const name = rest.join(" ").trim();
    if (!name) {
      print("users add needs a name: users add <name>");
      return 64;
    }
    const userId = await createUser(db, name);
    const { key } = await issueApiKey(db, userId, "first key");
    print(`created ${name} (${userId})`);
    print(`API key, shown once: ${key}`);
    print(`MCP clients send it as: Authorization: Bearer ${key}`);
    return 0;
  }
  if (group === "users" && command === "list") {
    for (const user of await db.select().from(users)) print(`${user.id}  ${user.name}`);
    return 0;
  }
  print(usage);
  return 64;
}
