export { type ActivityEntry, ActivityReporter, type ActivityReporterOptions } from "./reporter.js";
export { ActivityTransport } from "./transport.js";
