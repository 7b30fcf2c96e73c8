import { isApiError } from '../errors.js';
import { checkPermission, type AccountContents } from '../modules/roles/permissibles.js';
import { parseGrants } from '../modules/roles/permissions.js';
import type { Grant } from '../modules/roles/types.js';
import { UsageError } from './usage.js';

/**
 * What the CLI knows an account holds, for checking permissions. No port stores projections yet,
 * so `projections.{name}` names nothing; `meshes.{name}` needs no mesh to exist (permissibles.ts).
 * When projections get a port, read them here.
 */
export const cliAccountContents: Pick<AccountContents, 'projections'> = { projections: async () => [] };

/** `meshes:crud,users:r` or `none`, as grants; a malformed one is a usage error naming the flag. */
export function parseGrantsOption(flag: string, text: string): Grant[] {
  try {
    return parseGrants(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

/**
 * Checks grants one after another by the API's rules (checkPermission: a known permissible, flags
 * it supports, no permissible twice, no parent with its child), each against those before it, and
 * returns them with the permissibles' own names (`Meshes` becomes `meshes`).
 */
export async function checkGrants(flag: string, grants: readonly Grant[]): Promise<Grant[]> {
  const checked: Grant[] = [];
  for (const grant of grants) {
    try {
      const permissible = await checkPermission(grant, checked, cliAccountContents);
      checked.push({ ...grant, permissibleName: permissible.name });
    } catch (error) {
      if (isApiError(error)) throw new UsageError(`${flag} ${grant.permissibleName}: ${error.reason}`);
      throw error;
    }
  }
  return checked;
}
