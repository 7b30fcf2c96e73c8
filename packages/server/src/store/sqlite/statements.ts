import type Database from 'better-sqlite3';
import { familyWithSubjectSql } from '../rows.js';

type StatementName =
  | 'ping' | 'insertAccount' | 'accountByName' | 'listAccounts' | 'updateAccountSettings' | 'insertClient' | 'clientByKey'
  | 'listClients' | 'updateClientSettings' | 'insertUser' | 'userByKey' | 'userById' | 'setUserActive' | 'touchUser'
  | 'insertFamily' | 'familyById' | 'familyWithSubject' | 'advanceFamily' | 'revokeFamily' | 'revokeUserFamilies' | 'listKeys' | 'retireKeys' | 'insertKey';

export type Statements = Record<StatementName, Database.Statement>;

/** Every statement prepared once at open: the hot paths never parse SQL. */
export function prepareStatements(db: Database.Database): Record<StatementName, Database.Statement> {
  return {
    ping: db.prepare('SELECT 1'),
    insertAccount: db.prepare('INSERT INTO accounts (id, name, created_at, settings) VALUES (?, ?, ?, ?)'),
    accountByName: db.prepare('SELECT * FROM accounts WHERE name = ?'),
    listAccounts: db.prepare('SELECT * FROM accounts ORDER BY created_at, name'),
    updateAccountSettings: db.prepare('UPDATE accounts SET settings = ? WHERE id = ?'),
    insertClient: db.prepare('INSERT INTO clients (public_key, account_id, created_at, settings) VALUES (?, ?, ?, ?)'),
    clientByKey: db.prepare('SELECT * FROM clients WHERE public_key = ?'),
    listClients: db.prepare('SELECT * FROM clients WHERE account_id = ? ORDER BY created_at, public_key'),
    updateClientSettings: db.prepare('UPDATE clients SET settings = ? WHERE public_key = ?'),
    insertUser: db.prepare(`INSERT INTO users (id, account_id, username, username_key, first_name, last_name, verified,
      is_active, phone_number, email_address, roles, security_questions, anonymous, password_hash, created_at, last_accessed)
      VALUES (@id, @account_id, @username, @username_key, @first_name, @last_name, @verified, @is_active, @phone_number,
      @email_address, @roles, @security_questions, @anonymous, @password_hash, @created_at, @last_accessed)`),
    userByKey: db.prepare('SELECT * FROM users WHERE account_id = ? AND username_key = ?'),
    userById: db.prepare('SELECT * FROM users WHERE account_id = ? AND id = ?'),
    setUserActive: db.prepare('UPDATE users SET is_active = ? WHERE account_id = ? AND id = ?'),
    touchUser: db.prepare('UPDATE users SET last_accessed = ? WHERE account_id = ? AND id = ?'),
    insertFamily: db.prepare(`INSERT INTO refresh_families (id, account_id, client_id, user_id, scope, generation,
      created_at, rotated_at, revoked_at, revoke_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    familyById: db.prepare('SELECT * FROM refresh_families WHERE id = ?'),
    familyWithSubject: db.prepare(familyWithSubjectSql('?')).raw(true),
    advanceFamily: db.prepare(`UPDATE refresh_families SET generation = generation + 1, rotated_at = ?
      WHERE id = ? AND generation = ? AND revoked_at IS NULL`),
    revokeFamily: db.prepare('UPDATE refresh_families SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL'),
    revokeUserFamilies: db.prepare(`UPDATE refresh_families SET revoked_at = ?, revoke_reason = ?
      WHERE account_id = ? AND user_id = ? AND revoked_at IS NULL`),
    listKeys: db.prepare('SELECT * FROM signing_keys ORDER BY created_at'),
    retireKeys: db.prepare('UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL'),
    insertKey: db.prepare('INSERT INTO signing_keys (kid, alg, private_key_pem, public_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, NULL)'),
  };
}


