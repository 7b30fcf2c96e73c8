import { ApiError } from '../../errors.js';

/** The scopes MeshyDB clients ask for; `openid` is accepted because MeshyDB's SDK sends it. */
export const supportedScopes = ['meshy.api', 'offline_access', 'openid'] as const;
export const defaultScope = 'meshy.api offline_access';

/** Parses a space-delimited scope parameter; an unknown scope is "Invalid Scope.". */
export function parseScope(raw: string | undefined, fallback = defaultScope): string[] {
  const requested = (raw === undefined || raw.trim() === '' ? fallback : raw).split(' ').filter(Boolean);
  for (const scope of requested) {
    if (!(supportedScopes as readonly string[]).includes(scope)) throw new ApiError('scope_invalid');
  }
  return [...new Set(requested)];
}

/** A refresh may narrow the granted scopes, never widen them. */
export function narrowScope(granted: string[], raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return granted;
  const requested = parseScope(raw);
  if (requested.some((scope) => !granted.includes(scope))) throw new ApiError('scope_invalid');
  return requested;
}
