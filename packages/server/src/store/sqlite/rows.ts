import { defaultAccountSettings, defaultClientSettings } from '../../domain/defaults.js';
import type { Account, Client, RefreshFamily, SigningKey, User } from '../types.js';

export type Row = Record<string, unknown>;

const str = (v: unknown) => v as string;
const num = (v: unknown) => v as number;
const optStr = (v: unknown) => (v === null || v === undefined ? null : (v as string));
const optNum = (v: unknown) => (v === null || v === undefined ? null : (v as number));

export function toAccount(row: Row): Account {
  return { id: str(row.id), name: str(row.name), createdAt: num(row.created_at), settings: { ...defaultAccountSettings, ...JSON.parse(str(row.settings)) } };
}

export function toClient(row: Row): Client {
  return {
    publicKey: str(row.public_key),
    accountId: str(row.account_id),
    createdAt: num(row.created_at),
    settings: { ...defaultClientSettings, ...JSON.parse(str(row.settings)) },
  };
}

export function toUser(row: Row): User {
  return {
    id: str(row.id),
    accountId: str(row.account_id),
    username: str(row.username),
    firstName: optStr(row.first_name),
    lastName: optStr(row.last_name),
    verified: row.verified === 1,
    isActive: row.is_active === 1,
    phoneNumber: optStr(row.phone_number),
    emailAddress: optStr(row.email_address),
    roles: JSON.parse(str(row.roles)),
    securityQuestions: JSON.parse(str(row.security_questions)),
    anonymous: row.anonymous === 1,
    passwordHash: optStr(row.password_hash),
    createdAt: num(row.created_at),
    lastAccessed: optNum(row.last_accessed),
  };
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

export function toSigningKey(row: Row): SigningKey {
  return {
    kid: str(row.kid),
    alg: str(row.alg) as SigningKey['alg'],
    privateKeyPem: str(row.private_key_pem),
    publicJwk: JSON.parse(str(row.public_jwk)),
    createdAt: num(row.created_at),
    retiredAt: optNum(row.retired_at),
  };
}
