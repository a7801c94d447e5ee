export { createIsolation, type Isolation } from "./isolation.js";
