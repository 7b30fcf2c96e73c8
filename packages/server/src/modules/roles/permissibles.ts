import { ApiError } from '../../errors.js';
import type { Action, Grant } from './types.js';

/** A thing permissions are about, and which actions it has. */
export interface Permissible {
  name: string;
  canCreate: boolean;
  canRead: boolean;
  canUpdate: boolean;
  canDelete: boolean;
}

const all = { canCreate: true, canRead: true, canUpdate: true, canDelete: true };
const readOnly = { canCreate: false, canRead: true, canUpdate: false, canDelete: false };

/** What exists in an account beyond the fixed permissibles: its meshes and stored projections. */
export interface AccountContents {
  meshes(): Promise<string[]>;
  projections(): Promise<string[]>;
}

const fixed: Permissible[] = [
  { name: 'meshes', ...all },
  { name: 'projections', ...all },
  { name: 'roles', ...all },
  { name: 'users', ...all },
];

/** Every permissible of the account: the fixed ones, `meshes.{name}` per mesh, `projections.{name}` per projection. */
export async function listPermissibles(contents: AccountContents): Promise<Permissible[]> {
  const [meshes, projections] = await Promise.all([contents.meshes(), contents.projections()]);
  return [
    ...fixed,
    ...meshes.map((name) => ({ name: `meshes.${name}`, ...all })),
    ...projections.map((name) => ({ name: `projections.${name}`, ...readOnly })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The permissible a permission names, or why not. `meshes.{name}` may name a mesh that holds no
 * data yet, so an owner can set permissions before the app writes; `projections.{name}` must name
 * a stored projection (they are defined up front).
 */
export async function findPermissible(name: string, contents: Pick<AccountContents, 'projections'>): Promise<Permissible | undefined> {
  const key = name.toLowerCase();
  const top = fixed.find((p) => p.name === key);
  if (top) return top;
  const mesh = /^meshes\.([A-Za-z]+)$/i.exec(name);
  if (mesh) return { name: `meshes.${mesh[1]}`, ...all };
  const projection = /^projections\.(.+)$/i.exec(name);
  if (projection && (await contents.projections()).some((p) => p.toLowerCase() === projection[1]!.toLowerCase())) {
    return { name: `projections.${projection[1]}`, ...readOnly };
  }
  return undefined;
}

const flagOf: Record<Action, keyof Permissible> = { create: 'canCreate', read: 'canRead', update: 'canUpdate', delete: 'canDelete' };

/**
 * Checks one permission against the docs' rules, in their order: a permissible named, a flag set,
 * the permissible exists and supports the flags, and no parent and child on one role
 * (`meshes` with `meshes.person`). `others`: the role's other permissions.
 */
export async function checkPermission(grant: Grant, others: readonly Grant[], contents: Pick<AccountContents, 'projections'>): Promise<Permissible> {
  if (!grant.permissibleName.trim()) throw new ApiError('permissible_name_required');
  if (!grant.create && !grant.read && !grant.update && !grant.delete) throw new ApiError('permission_flag_required');
  const permissible = await findPermissible(grant.permissibleName.trim(), contents);
  if (!permissible) throw new ApiError('permissible_not_found');
  for (const action of ['create', 'read', 'update', 'delete'] as const) {
    if (grant[action] && !permissible[flagOf[action]]) throw new ApiError('permissible_flag_unsupported');
  }
  const key = permissible.name.toLowerCase();
  for (const other of others) {
    const otherKey = other.permissibleName.toLowerCase();
    if (otherKey === key) throw new ApiError('permissible_taken');
    if (otherKey.startsWith(`${key}.`) || key.startsWith(`${otherKey}.`)) throw new ApiError('permissible_overlap');
  }
  return permissible;
}
