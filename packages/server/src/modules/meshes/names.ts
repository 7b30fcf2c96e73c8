import { ApiError } from '../../errors.js';

/** Letters only, as the docs say, and short enough for any index or permissible name built from it. */
export const MESH_NAME_PATTERN = '^[A-Za-z]{1,64}$';
const MESH_NAME = new RegExp(MESH_NAME_PATTERN);

/**
 * A mesh name from the path, in the one form the store and permissions see: lower case. Mesh
 * names are case-insensitive, as permissibles are, so `Person` and `person` are one mesh.
 */
export function meshNameOf(raw: string): string {
  if (!MESH_NAME.test(raw)) throw new ApiError('mesh_name_invalid');
  return raw.toLowerCase();
}

/** The permissible a request about mesh `raw` needs: `meshes.{mesh}` (a `meshes` grant covers it too). */
export function meshPermissible(raw: unknown): string {
  return `meshes.${String(raw).toLowerCase()}`;
}
