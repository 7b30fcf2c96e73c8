import { usernameKey } from '../lib/usernames.js';
import type { UserSort, UserSortField } from '../modules/users/store.js';
import { containsPattern, type Dialect } from './rows.js';

const sortColumns: Record<UserSortField, { column: string; text: boolean }> = {
  // The unique, case-folded form: case-insensitive, and the account's username index serves it.
  username: { column: 'u.username_key', text: true },
  firstName: { column: 'u.first_name', text: true },
  lastName: { column: 'u.last_name', text: true },
  lastAccessed: { column: 'u.last_accessed', text: false },
};

/**
 * The ORDER BY of a user search, the same on both stores: text by code point (SQLite's BINARY is
 * PostgreSQL's "C"; a database's own collation would order differently per install), null before
 * any value as in MongoDB (PostgreSQL's default puts it last), then id so that pages are stable.
 */
export function userOrderSql(dialect: Dialect, orderBy: readonly UserSort[]): string {
  const sorts: readonly UserSort[] = orderBy.length > 0 ? orderBy : [{ field: 'username', direction: 1 }];
  const binary = dialect === 'postgres' ? ' COLLATE "C"' : '';
  const terms = sorts.map(({ field, direction }) => {
    const { column, text } = sortColumns[field];
    return `${column}${text ? binary : ''} ${direction === 1 ? 'ASC NULLS FIRST' : 'DESC NULLS LAST'}`;
  });
  return [...terms, `u.id${binary} ASC`].join(', ');
}

/** The LIKE pattern of a name search, folded as the name keys are (usernameKey); null for none. */
export function namePattern(name: string | undefined): string | null {
  return name === undefined || name === '' ? null : containsPattern(usernameKey(name));
}

/** The key a first or last name is searched by: folded in JS, so both stores match alike whatever their locale. */
export function nameKey(name: string | null): string | null {
  return name === null ? null : usernameKey(name);
}
