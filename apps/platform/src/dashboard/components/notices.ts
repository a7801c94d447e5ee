// Fixed messages a redirect may name with `?notice=`: nothing a URL carries is shown as such.
export const notices = {
  "env-saved": "Variable saved. Redeploy to hand it to the server.",
  "env-deleted": "Variable deleted. Redeploy to take it away from the server.",
  redeployed: "Redeployed: the server runs with the current variables.",
  "credentials-saved": "Your credentials are saved.",
  "credentials-deleted": "Your credentials are deleted.",
  connected: "Account connected.",
  disconnected: "Account disconnected.",
  "key-revoked": "API key revoked.",
  "app-revoked": "Access revoked: the app's tokens no longer work.",
  "signed-out": "You are signed out.",
  "signed-out-everywhere": "You are signed out on every device.",
  "password-changed": "Password changed. Your other sessions are signed out.",
  "invite-revoked": "Invitation withdrawn.",
  "process-stopped": "Process stopped: that user's next call starts a new one.",
  "process-gone": "That process had already stopped: the list shows what runs now.",
  "config-saved": "Configuration saved and deployed.",
  "config-unchanged": "Nothing changed: the file already says this.",
  "server-removed": "Server removed, with its variables, deployments and users' saved values.",
} as const;
export type Notice = keyof typeof notices;

export const isNotice = (value: string | undefined): value is Notice =>
  value !== undefined && Object.hasOwn(notices, value);
