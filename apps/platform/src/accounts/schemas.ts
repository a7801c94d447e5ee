import { z } from "zod";

export const email = z.string().trim().toLowerCase().pipe(z.email("must be an email address"));
// Length beats composition rules (NIST SP 800-63B); the cap keeps scrypt's input bounded.
export const password = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(256, "must be at most 256 characters");
