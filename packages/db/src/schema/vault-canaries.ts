import { pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";

/**
 * One known ciphertext per key that has ever been primary. At start-up the vault opens the
 * canaries of the keys it holds; a key that cannot is the wrong key, and start-up stops before
 * anything is written with it.
 */
export const vaultCanaries = pgTable("vault_canaries", {
  keyId: text("key_id").primaryKey(),
  ciphertext: text("ciphertext").notNull(),
  createdAt: createdAt(),
});
