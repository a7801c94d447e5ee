export { ActionButton } from "./action-button.js";
export { authLabels } from "./auth-labels.js";
export { Badge } from "./badge.js";
export { CsrfField } from "./csrf-field.js";
export { ErrorBanner } from "./error-banner.js";
export { Layout, type LayoutProps } from "./layout.js";
export { Moment } from "./moment.js";
export { isNotice, type Notice } from "./notices.js";
export { SecretInput } from "./secret-input.js";
