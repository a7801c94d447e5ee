export { ActivityObserver } from "./observer.js";
export { type ActivityEntry, ActivityReporter, type ActivityReporterOptions } from "./reporter.js";
