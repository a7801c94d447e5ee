export { ActivityRecorder, RETENTION_MS, type ToolCallInput } from "./record.js";
export { activitySummary } from "./summary.js";
