// Everything of core.ts (what needs no database), and the store, API keys, field values,
// throttling, pages and tickets, which load the database drivers.

export { ApiKeyVerifier, type ApiKeyVerifierOptions, createUser, issueApiKey } from "./api-keys.js";
export * from "./core.js";
export { formValues, readFieldValues, saveFieldValues } from "./field-values.js";
export { openStore, type Store } from "./open-store.js";
export { flowPageHeaders, pageHeaders } from "./page-headers.js";
export {
  accountLabel,
  confirmConnectPage,
  credentialForm,
  errorPage,
  type FormField,
  maskedEmail,
  messagePage,
  page,
  signInFirstPage,
  wrongAccountPage,
} from "./pages.js";
export { safeLocalPath, safeReturnUrl } from "./return-url.js";
export { type Limit, Throttle, type Verdict } from "./throttle.js";
export {
  issueTicket,
  readTicket,
  releaseTicket,
  TICKET_TTL_MS,
  type Ticket,
  useTicketOnce,
} from "./tickets.js";
