import type { Action, Grant } from './types.js';

export const actions: readonly Action[] = ['create', 'read', 'update', 'delete'];

/**
 * Whether grants allow `action` on `permissible`: one of them names the permissible, or its parent
 * (`meshes` covers `meshes.person`; `meshes.person` never covers `meshes` or `meshes.other`), with
 * the action set. The whole decision, pure: routes declare what they need, this says yes or no.
 */
export function allows(grants: readonly Grant[], permissible: string, action: Action): boolean {
  const parent = parentOf(permissible);
  for (const grant of grants) {
    if (!grant[action]) continue;
    const name = grant.permissibleName.toLowerCase();
    if (name === permissible.toLowerCase() || (parent !== undefined && name === parent)) return true;
  }
  return false;
}

/** `meshes` for `meshes.person`; undefined for a top-level permissible. */
export function parentOf(permissible: string): string | undefined {
  const dot = permissible.indexOf('.');
  return dot === -1 ? undefined : permissible.slice(0, dot).toLowerCase();
}

/** The token's `permission` claim: `meshes:create`, `meshes.person:read`, ... sorted, each once. */
export function permissionClaims(grants: readonly Grant[]): string[] {
  const claims = new Set<string>();
  for (const grant of grants) for (const action of actions) if (grant[action]) claims.add(`${grant.permissibleName}:${action}`);
  return [...claims].sort();
}

/**
 * Reads `meshes:crud,projections:r` (the CLI's form: a permissible and a subset of c, r, u, d) into
 * grants; `none` is none. Throws with a reason on anything else.
 */
export function parseGrants(text: string): Grant[] {
  if (text.trim() === 'none') return [];
  return text.split(',').map((part) => {
    const match = /^\s*([A-Za-z]+(?:\.[A-Za-z]+)?):([crud]+)\s*$/.exec(part);
    if (!match || new Set(match[2]).size !== match[2]!.length) {
      throw new Error(`"${part.trim()}" is not PERMISSIBLE:FLAGS (e.g. meshes:crud, users:r)`);
    }
    const flags = match[2]!;
    return { permissibleName: match[1]!, create: flags.includes('c'), read: flags.includes('r'), update: flags.includes('u'), delete: flags.includes('d') };
  });
}

/** The CLI's form of grants, for `account list` and `role list`. */
export function formatGrants(grants: readonly Grant[]): string {
  if (grants.length === 0) return 'none';
  return grants.map((g) => `${g.permissibleName}:${actions.filter((a) => g[a]).map((a) => a[0]).join('')}`).join(',');
}
