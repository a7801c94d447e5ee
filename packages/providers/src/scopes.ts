/**
 * The scopes asked for, with the ones a provider cannot work without (its nickname call, its
 * refresh token) added when missing: without them the connection fails after the user consented.
 */
export function withRequiredScopes(
  asked: readonly string[],
  required: readonly string[],
): string[] {
  const scopes = [...asked];
  for (const scope of required) if (!scopes.includes(scope)) scopes.push(scope);
  return scopes;
}
