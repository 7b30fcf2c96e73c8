import { ApiError } from '../../errors.js';

/** Role names of the system (MeshyDB's `meshy.*`): never created, renamed to or deleted. */
export const SYSTEM_ROLE_PREFIX = 'meshy.';
const MAX_ROLE_NAME = 64;

/** A role name as the docs require it, in their order of reasons: present, not `meshy.`, alpha only. */
export function checkRoleName(name: string | null | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (!trimmed) throw new ApiError('role_name_required');
  if (trimmed.toLowerCase().startsWith(SYSTEM_ROLE_PREFIX)) throw new ApiError('role_name_reserved');
  if (!/^[A-Za-z]+$/.test(trimmed) || trimmed.length > MAX_ROLE_NAME) throw new ApiError('role_name_invalid');
  return trimmed;
}
