import { type Database, type Id, servers } from "@gumstack/db";
import { TtlCache } from "@gumstack/runtime";
import { eq } from "drizzle-orm";

// Every MCP call names its server; a name resolved in the last 2 s is not asked again.
const TTL_MS = 2_000;

/** Server names to ids, for the gateway. Only found names are kept. */
export class ServerIds {
  private readonly ids = new TtlCache<string, Id<"server">>(1_000);

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  async byName(name: string): Promise<Id<"server"> | undefined> {
    const cached = this.ids.get(name, this.now());
    if (cached) return cached;
    const [row] = await this.db
      .select({ id: servers.id })
      .from(servers)
      .where(eq(servers.name, name));
    if (row) this.ids.set(name, row.id, TTL_MS, this.now());
    return row?.id;
  }
}
