import type { Clock } from '../../lib/clock.js';
import type { Account } from '../accounts/types.js';
import type { UserRole } from '../users/types.js';
import { allows, permissionClaims } from './permissions.js';
import type { RoleStore } from './store.js';
import type { Action, Grant } from './types.js';

/** How stale a permission may be: a revoked one stops working within this, on every instance. */
export const GRANTS_TTL_MS = 2_000;

/**
 * What a signed-in user may do: the account's default grants and those of the user's current
 * roles. The user's roles come with the user's row (read on every request anyway); each account's
 * role -> grants map is read in one query at most every GRANTS_TTL_MS and shared by the requests
 * of that window (one read in flight per account), so a checked route costs no query of its own.
 */
export class GrantsCache {
  private readonly accounts = new Map<string, { at: number; grants: Promise<Map<string, Grant[]>>; settled?: Map<string, Grant[]> }>();
  /** The claims of a user without roles, per default-permissions list (an account's settings live as long as its cached copy). */
  private readonly defaultClaims = new WeakMap<readonly Grant[], string[]>();

  constructor(
    private readonly roles: Pick<RoleStore, 'accountGrants'>,
    private readonly clock: Clock,
  ) {}

  async grantsOf(account: Account, roles: readonly UserRole[]): Promise<Grant[]> {
    const grants: Grant[] = [...account.settings.defaultPermissions];
    if (roles.length === 0) return grants;
    const byRole = await this.roleGrants(account.id);
    for (const role of roles) grants.push(...(byRole.get(role.name.toLowerCase()) ?? []));
    return grants;
  }

  /**
   * The access token's `permission` claim. A user without roles (most) has the account's default
   * claims, worked out once per settings object rather than on every token (~1 % of a refresh).
   */
  async claimsOf(account: Account, roles: readonly UserRole[]): Promise<string[]> {
    if (roles.length > 0) return permissionClaims(await this.grantsOf(account, roles));
    const defaults = account.settings.defaultPermissions;
    let claims = this.defaultClaims.get(defaults);
    if (!claims) {
      claims = permissionClaims(defaults);
      this.defaultClaims.set(defaults, claims);
    }
    return claims;
  }

  /**
   * The verdict without a promise when the grants are at hand (a user without roles, or an
   * account whose roles' grants were read in the last GRANTS_TTL_MS); a promise otherwise.
   */
  allows(account: Account, roles: readonly UserRole[], permissible: string, action: Action): boolean | Promise<boolean> {
    if (roles.length === 0) return allows(account.settings.defaultPermissions, permissible, action);
    const byRole = this.settledRoleGrants(account.id);
    if (!byRole) return this.grantsOf(account, roles).then((grants) => allows(grants, permissible, action));
    if (allows(account.settings.defaultPermissions, permissible, action)) return true;
    return roles.some((role) => allows(byRole.get(role.name.toLowerCase()) ?? [], permissible, action));
  }

  /** Forgets an account's grants, after this process changed them: its own next request sees the change. */
  invalidate(accountId: string): void {
    this.accounts.delete(accountId);
  }

  private roleGrants(accountId: string): Promise<Map<string, Grant[]>> {
    const now = this.clock.now();
    const cached = this.accounts.get(accountId);
    if (cached && now - cached.at < GRANTS_TTL_MS) return cached.grants;
    const grants = this.roles.accountGrants(accountId);
    if (this.accounts.size > 10_000) this.accounts.clear();
    const entry: { at: number; grants: Promise<Map<string, Grant[]>>; settled?: Map<string, Grant[]> } = { at: now, grants };
    this.accounts.set(accountId, entry);
    grants.then(
      (read) => {
        entry.settled = read;
      },
      // A failed read is not kept: the next request tries again.
      () => {
        if (this.accounts.get(accountId) === entry) this.accounts.delete(accountId);
      },
    );
    return grants;
  }

  /** The account's role grants if read in the last GRANTS_TTL_MS and already answered. */
  private settledRoleGrants(accountId: string): Map<string, Grant[]> | undefined {
    const cached = this.accounts.get(accountId);
    return cached && this.clock.now() - cached.at < GRANTS_TTL_MS ? cached.settled : undefined;
  }
}
