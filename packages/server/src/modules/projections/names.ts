import { ApiError } from '../../errors.js';

const ALPHA = /^[A-Za-z]{1,64}$/;

/**
 * A projection's name: alpha characters, as mesh names and the CLI's `projections.{name}`
 * permissibles are, so every projection can be granted by name.
 */
export function checkProjectionName(raw: string | null | undefined): string {
  const name = raw?.trim() ?? '';
  if (!name) throw new ApiError('projection_name_required');
  if (!ALPHA.test(name)) throw new ApiError('projection_name_invalid');
  return name;
}

/** A mesh a projection reads: alpha characters, stored lower-cased (meshes are case-insensitive). */
export function checkMeshName(raw: string | null | undefined): string {
  const mesh = raw?.trim() ?? '';
  if (!ALPHA.test(mesh)) throw new ApiError('projection_mesh_invalid');
  return mesh.toLowerCase();
}

export function isMeshName(raw: unknown): raw is string {
  return typeof raw === 'string' && ALPHA.test(raw);
}
