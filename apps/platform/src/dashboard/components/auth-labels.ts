/** How each auth mode reads to a person choosing or using a server. */
export const authLabels = {
  oauth: "OAuth (each user connects an account)",
  cred: "Credentials form (each user enters their own)",
  none: "Environment variables (set by the operator)",
} as const;
