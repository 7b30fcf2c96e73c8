import type { RoleStore } from '../roles/store.js';
import type { Store } from '../../store/store.js';
import type { SignedInUserCache } from './signed-in-user-cache.js';
import type { UserStore } from './store.js';

/**
 * The methods that only read. Every other method of the two ports counts as a write, so a method
 * added to a port later (password changes, verification, ...) forgets cached users without anyone
 * listing it here; at worst a new read forgets needlessly.
 */
const USER_READS = new Set<string>(['findById', 'findByUsername', 'search'] satisfies (keyof UserStore)[]);
const ROLE_READS = new Set<string>([
  'findById',
  'findByName',
  'search',
  'findPermission',
  'searchPermissions',
  'listPermissions',
  'accountGrants',
] satisfies (keyof RoleStore)[]);

type Forget = (args: unknown[]) => void;

/**
 * The store this process's requests write through: its users and roles ports forget the users
 * they change from the signed-in-user cache once the write has settled (committed or failed), so
 * the caller's next request, here, sees it. Any read that began before is forgotten with it.
 */
export function forgettingStore(store: Store, cache: SignedInUserCache): Store {
  const users = forgetAfterWrites(store.users, USER_READS, (args) => forgetUser(cache, args));
  const roles = forgetAfterWrites(store.roles, ROLE_READS, (args) => forgetAccountOf(cache, args));
  return new Proxy(store, {
    get(target, property) {
      if (property === 'users') return users;
      if (property === 'roles') return roles;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function forgetAfterWrites<Port extends object>(port: Port, reads: ReadonlySet<string>, forget: Forget): Port {
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || reads.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } finally {
          forget(args);
        }
      };
    },
  });
}

/** (accountId, userId, ...) as most user writes take; create(user) names both in the user. */
function forgetUser(cache: SignedInUserCache, args: unknown[]): void {
  const [first, second] = args;
  if (typeof first === 'string' && typeof second === 'string') return cache.forget(first, second);
  const user = first as { accountId?: unknown; id?: unknown } | undefined;
  if (typeof user?.accountId === 'string' && typeof user.id === 'string') return cache.forget(user.accountId, user.id);
  cache.forgetAll();
}

/**
 * Role writes forget the whole account: a rename changes the role name its members' rows carry,
 * a deletion or membership change their roles; rare enough that one re-read per user is nothing.
 */
function forgetAccountOf(cache: SignedInUserCache, args: unknown[]): void {
  const [first] = args;
  if (typeof first === 'string') return cache.forgetAccount(first);
  const entity = first as { accountId?: unknown } | undefined;
  if (typeof entity?.accountId === 'string') return cache.forgetAccount(entity.accountId);
  cache.forgetAll();
}
