import type { CurrentUser } from './types.js';

/**
 * Reads the payload of the access token (a JWT) without verifying it: the server verifies the
 * token on every call; the client only wants to show who is logged in.
 */
export function currentUserFrom(accessToken: string): CurrentUser | null {
  const payload = accessToken.split('.')[1];
  if (payload === undefined) return null;
  let claims: Record<string, unknown>;
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof claims.sub !== 'string') return null;
  return {
    id: claims.sub,
    // MeshyDB's profile claim `id` carries the username.
    username: typeof claims.id === 'string' ? claims.id : '',
    firstName: typeof claims.given_name === 'string' ? claims.given_name : undefined,
    lastName: typeof claims.family_name === 'string' ? claims.family_name : undefined,
    roles: stringList(claims.role),
    permissions: stringList(claims.permission),
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
  };
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
