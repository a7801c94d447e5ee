export { vaultCanaries } from "./vault-canaries.js";
