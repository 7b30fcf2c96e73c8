import type { RefreshFamilyStore } from '../../modules/oauth/store.js';
import type { RefreshFamily } from '../../modules/oauth/types.js';
import type { TokenSubject } from '../../modules/users/types.js';
import { familyWithSubjectSql, toFamily, toFamilyWithSubject, type Row } from '../rows.js';
import { TurnBatch } from './turn-batch.js';

/** A rotation: the family moves on from `fromGeneration`, if it is still there. */
interface Advance {
  id: string;
  fromGeneration: number;
  now: number;
}
import type { SqliteConnection } from './connection.js';

export class SqliteRefreshFamilyStore implements RefreshFamilyStore {
  private readonly insert;
  private readonly byId;
  private readonly withSubject;
  private readonly revokeStatement;
  private readonly revokeUserStatement;
  /** Won or lost, per rotation; the refresh grant signs its tokens while the batch commits. */
  private readonly advances: TurnBatch<Advance, boolean>;

  constructor(private readonly connection: SqliteConnection) {
    const db = connection.db;
    this.insert = db.prepare(`INSERT INTO refresh_families (id, account_id, client_id, user_id, scope, generation,
      created_at, rotated_at, revoked_at, revoke_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.byId = db.prepare('SELECT * FROM refresh_families WHERE id = ?');
    this.withSubject = db.prepare(familyWithSubjectSql('sqlite')).raw(true);
    const advance = db.prepare(`UPDATE refresh_families SET generation = generation + 1, rotated_at = ?
      WHERE id = ? AND generation = ? AND revoked_at IS NULL`);
    this.revokeStatement = db.prepare('UPDATE refresh_families SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL');
    this.revokeUserStatement = db.prepare(`UPDATE refresh_families SET revoked_at = ?, revoke_reason = ?
      WHERE account_id = ? AND user_id = ? AND revoked_at IS NULL`);
    const commitAdvances = db.transaction((batch: Advance[]) => batch.map((a) => advance.run(a.now, a.id, a.fromGeneration).changes === 1));
    this.advances = new TurnBatch((batch: Advance[]) => connection.write(() => commitAdvances(batch)));
    connection.onClose(() => this.advances.flush());
  }

  async create(family: RefreshFamily): Promise<void> {
    this.connection.write(() =>
      this.insert.run(
        family.id,
        family.accountId,
        family.clientId,
        family.userId,
        family.scope,
        family.generation,
        family.createdAt,
        family.rotatedAt,
        family.revokedAt,
        family.revokeReason,
      ),
    );
  }

  async find(id: string): Promise<RefreshFamily | undefined> {
    const row = this.byId.get(id) as Row | undefined;
    return row && toFamily(row);
  }

  async findWithSubject(id: string): Promise<{ family: RefreshFamily; user: TokenSubject | undefined } | undefined> {
    const row = this.connection.reads.get(this.withSubject, id) as unknown[] | undefined;
    return row && toFamilyWithSubject(id, row);
  }

  /** Committed with the other rotations of this event-loop turn (turn-batch.ts). */
  advance(id: string, fromGeneration: number, now: number): Promise<boolean> {
    return this.advances.add({ id, fromGeneration, now });
  }

  async revoke(id: string, reason: string, now: number): Promise<void> {
    this.connection.write(() => this.revokeStatement.run(now, reason, id));
  }

  async revokeForUser(accountId: string, userId: string, reason: string, now: number): Promise<number> {
    return this.connection.write(() => this.revokeUserStatement.run(now, reason, accountId, userId).changes);
  }
}
