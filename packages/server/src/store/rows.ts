import { defaultAccountSettings, defaultClientSettings } from '../modules/accounts/defaults.js';
import type { Account, Client } from '../modules/accounts/types.js';
import type { RefreshFamily, SigningKey } from '../modules/oauth/types.js';
import type { Grant, Permission, Role } from '../modules/roles/types.js';
import type { TokenSubject, User, UserRole } from '../modules/users/types.js';
import type { OutboxMessage } from '../modules/outbox/types.js';

export type Dialect = 'sqlite' | 'postgres';

export type Row = Record<string, unknown>;

/**
 * Rows to domain objects, for every SQL store: SQLite gives 0/1 and JSON text, PostgreSQL gives
 * booleans, JSONB objects and BIGINTs as strings; both come out the same.
 */
const str = (v: unknown) => v as string;
const num = (v: unknown) => Number(v);
const bool = (v: unknown) => v === 1 || v === true;
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const optStr = (v: unknown) => (v === null || v === undefined ? null : (v as string));
const optNum = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function toAccount(row: Row): Account {
  return { id: str(row.id), name: str(row.name), createdAt: num(row.created_at), settings: { ...defaultAccountSettings, ...json(row.settings) } };
}

export function toClient(row: Row): Client {
  return {
    publicKey: str(row.public_key),
    accountId: str(row.account_id),
    createdAt: num(row.created_at),
    settings: { ...defaultClientSettings, ...json(row.settings) },
  };
}

export function toUser(row: Row): User {
  return {
    id: str(row.id),
    accountId: str(row.account_id),
    username: str(row.username),
    firstName: optStr(row.first_name),
    lastName: optStr(row.last_name),
    verified: bool(row.verified),
    isActive: bool(row.is_active),
    phoneNumber: optStr(row.phone_number),
    emailAddress: optStr(row.email_address),
    roles: toRoles(row.roles),
    securityQuestions: json(row.security_questions),
    anonymous: bool(row.anonymous),
    passwordHash: optStr(row.password_hash),
    securityStamp: optStr(row.security_stamp) ?? '',
    createdAt: num(row.created_at),
    lastAccessed: optNum(row.last_accessed),
  };
}

/**
 * The user's roles as one JSON column of the user's row, `[[name, addedDate], ...]` oldest first:
 * a correlated subquery on user_roles' primary key, so reading a user stays one statement (it is
 * read on every authenticated request and every refresh).
 */
function rolesSql(dialect: Dialect): string {
  const from = `FROM user_roles ur JOIN roles r ON r.account_id = ur.account_id AND r.id = ur.role_id
    WHERE ur.account_id = u.account_id AND ur.user_id = u.id`;
  // Most users hold no role: an index probe answers them without setting up the aggregate
  // (on SQLite ~6 µs of the refresh grant's ~110 with it, by the bench's server CPU per request).
  const held = `EXISTS (SELECT 1 FROM user_roles ur WHERE ur.account_id = u.account_id AND ur.user_id = u.id)`;
  return dialect === 'sqlite'
    ? `CASE WHEN ${held} THEN (SELECT json_group_array(json_array(r.name, ur.added_date) ORDER BY ur.added_date, r.name) ${from}) ELSE '[]' END`
    : `CASE WHEN ${held} THEN (SELECT json_agg(json_build_array(r.name, ur.added_date) ORDER BY ur.added_date, r.name) ${from}) ELSE '[]'::json END`;
}

const userColumns = [
  'id', 'account_id', 'username', 'first_name', 'last_name', 'verified', 'is_active', 'phone_number', 'email_address',
  'security_questions', 'anonymous', 'password_hash', 'security_stamp', 'created_at', 'last_accessed',
];

/** The select list of a user read, for a query over `users u`. */
export function userColumnsSql(dialect: Dialect): string {
  return `${userColumns.map((c) => `u.${c}`).join(', ')}, ${rolesSql(dialect)} AS roles`;
}

function toRoles(v: unknown): UserRole[] {
  return (json(v) as [string, number | string][]).map(([name, addedDate]) => ({ name, addedDate: Number(addedDate) }));
}

export function toFamily(row: Row): RefreshFamily {
  return {
    id: str(row.id),
    accountId: str(row.account_id),
    clientId: str(row.client_id),
    userId: str(row.user_id),
    scope: str(row.scope),
    generation: num(row.generation),
    createdAt: num(row.created_at),
    rotatedAt: num(row.rotated_at),
    revokedAt: optNum(row.revoked_at),
    revokeReason: optStr(row.revoke_reason),
  };
}

/** The refresh grant's read, column by column: the family's, then its user's (NULLs when there is none). */
const familyWithSubjectColumns = [
  'f.account_id', 'f.client_id', 'f.user_id', 'f.scope', 'f.generation', 'f.created_at', 'f.rotated_at', 'f.revoked_at', 'f.revoke_reason',
  'u.id', 'u.username', 'u.first_name', 'u.last_name', 'u.is_active',
];

/**
 * One SQL for both stores. Its rows are read as arrays (better-sqlite3's raw mode, pg's rowMode
 * 'array'): on the hottest read, building an object per row with named properties cost more than
 * the query.
 */
export function familyWithSubjectSql(dialect: Dialect): string {
  return `SELECT ${familyWithSubjectColumns.join(', ')}, ${rolesSql(dialect)}
    FROM refresh_families f LEFT JOIN users u ON u.id = f.user_id AND u.account_id = f.account_id
    WHERE f.id = ${dialect === 'sqlite' ? '?' : '$1'}`;
}

export function toFamilyWithSubject(id: string, v: unknown[]): { family: RefreshFamily; user: TokenSubject | undefined } {
  const family: RefreshFamily = {
    id,
    accountId: str(v[0]),
    clientId: str(v[1]),
    userId: str(v[2]),
    scope: str(v[3]),
    generation: num(v[4]),
    createdAt: num(v[5]),
    rotatedAt: num(v[6]),
    revokedAt: optNum(v[7]),
    revokeReason: optStr(v[8]),
  };
  if (v[9] === null || v[9] === undefined) return { family, user: undefined };
  return {
    family,
    user: { id: str(v[9]), username: str(v[10]), firstName: optStr(v[11]), lastName: optStr(v[12]), isActive: bool(v[13]), roles: toRoles(v[14]) },
  };
}

export function toSigningKey(row: Row): SigningKey {
  return {
    kid: str(row.kid),
    alg: str(row.alg) as SigningKey['alg'],
    privateKeyPem: str(row.private_key_pem),
    publicJwk: json(row.public_jwk),
    createdAt: num(row.created_at),
    retiredAt: optNum(row.retired_at),
  };
}

export function toRole(row: Row): Role {
  return { id: str(row.id), accountId: str(row.account_id), name: str(row.name), description: optStr(row.description), createdAt: num(row.created_at) };
}

export function toPermission(row: Row): Permission {
  return {
    id: str(row.id),
    accountId: str(row.account_id),
    roleId: str(row.role_id),
    permissibleName: str(row.permissible_name),
    create: bool(row.can_create),
    read: bool(row.can_read),
    update: bool(row.can_update),
    delete: bool(row.can_delete),
  };
}

/** A LIKE pattern that matches `text` anywhere, with LIKE's own characters taken literally (ESCAPE '\\'). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Rows of (role, permission or NULLs) into role name -> grants, roles without permissions included. */
export function grantsByRole(rows: Row[]): Map<string, Grant[]> {
  const byRole = new Map<string, Grant[]>();
  for (const row of rows) {
    const grants = byRole.get(row.name_key as string) ?? [];
    byRole.set(row.name_key as string, grants);
    if (row.permissible_name === null || row.permissible_name === undefined) continue;
    grants.push({ permissibleName: row.permissible_name as string, create: bool(row.can_create), read: bool(row.can_read), update: bool(row.can_update), delete: bool(row.can_delete) });
  }
  return byRole;
}

export function toOutboxMessage(row: Row): OutboxMessage {
  return {
    id: str(row.id),
    accountId: str(row.account_id),
    channel: str(row.channel) as OutboxMessage['channel'],
    recipient: str(row.recipient),
    subject: optStr(row.subject),
    body: str(row.body),
    createdAt: num(row.created_at),
    attempts: num(row.attempts),
    nextAttemptAt: num(row.next_attempt_at),
    deliveredAt: optNum(row.delivered_at),
    lastError: optStr(row.last_error),
  };
}
