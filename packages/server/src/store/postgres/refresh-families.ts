import type { RefreshFamilyStore } from '../../modules/oauth/store.js';
import type { RefreshFamily } from '../../modules/oauth/types.js';
import type { TokenSubject } from '../../modules/users/types.js';
import { familyWithSubjectSql, toFamily, toFamilyWithSubject } from '../rows.js';
import type { PgConnection } from './connection.js';

const withSubjectSql = familyWithSubjectSql('postgres');

export class PgRefreshFamilyStore implements RefreshFamilyStore {
  constructor(private readonly connection: PgConnection) {}

  async create(family: RefreshFamily): Promise<void> {
    await this.connection.query(
      `INSERT INTO refresh_families (id, account_id, client_id, user_id, scope, generation, created_at, rotated_at, revoked_at, revoke_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [family.id, family.accountId, family.clientId, family.userId, family.scope, family.generation, family.createdAt, family.rotatedAt, family.revokedAt, family.revokeReason],
    );
  }

  async find(id: string): Promise<RefreshFamily | undefined> {
    const row = (await this.connection.query('SELECT * FROM refresh_families WHERE id = $1', [id])).rows[0];
    return row && toFamily(row);
  }

  async findWithSubject(id: string): Promise<{ family: RefreshFamily; user: TokenSubject | undefined } | undefined> {
    const row = (await this.connection.query(withSubjectSql, [id], { rowMode: 'array' })).rows[0] as unknown[] | undefined;
    return row && toFamilyWithSubject(id, row);
  }

  async advance(id: string, fromGeneration: number, now: number): Promise<boolean> {
    // Under READ COMMITTED the row lock makes racing UPDATEs re-check the WHERE clause after the
    // winner commits, so exactly one of them matches: the conditional update is the whole rotation.
    const result = await this.connection.query(
      'UPDATE refresh_families SET generation = generation + 1, rotated_at = $1 WHERE id = $2 AND generation = $3 AND revoked_at IS NULL',
      [now, id, fromGeneration],
    );
    return result.rowCount === 1;
  }

  async revoke(id: string, reason: string, now: number): Promise<void> {
    await this.connection.query('UPDATE refresh_families SET revoked_at = $1, revoke_reason = $2 WHERE id = $3 AND revoked_at IS NULL', [now, reason, id]);
  }

  async revokeForUser(accountId: string, userId: string, reason: string, now: number): Promise<number> {
    const result = await this.connection.query(
      'UPDATE refresh_families SET revoked_at = $1, revoke_reason = $2 WHERE account_id = $3 AND user_id = $4 AND revoked_at IS NULL',
      [now, reason, accountId, userId],
    );
    return result.rowCount ?? 0;
  }
}
