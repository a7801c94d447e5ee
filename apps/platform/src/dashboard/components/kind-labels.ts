/** How each kind of server reads in the list: run from its folder here, or an existing command. */
export const kindLabels = {
  hosted: "Hosted",
  stdio: "Proxied stdio",
  remote: "Proxied remote",
} as const;
