/**
 * The form a username is unique in: Unicode-compatibility-normalised and case-folded, so that
 * "Alice", "ALICE" and "Ａｌｉｃｅ" are one user, as in IdentityServer and Keycloak.
 */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}
