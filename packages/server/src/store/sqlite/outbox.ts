import type { Database } from 'better-sqlite3';
import type { OutboxStore } from '../../modules/outbox/store.js';
import type { Channel, OutboxMessage } from '../../modules/outbox/types.js';
import { toOutboxMessage, type Row } from '../rows.js';
import type { SqliteConnection } from './connection.js';

const insertSql = `INSERT INTO outbox (id, account_id, channel, recipient, subject, body, created_at, attempts, next_attempt_at, delivered_at, last_error)
  VALUES (@id, @accountId, @channel, @recipient, @subject, @body, @createdAt, @attempts, @nextAttemptAt, @deliveredAt, @lastError)`;

/** Inserts messages on `db`, inside whatever transaction the caller holds (UserStore.create's). */
export function insertOutboxMessages(db: Database, messages: readonly OutboxMessage[]): void {
  if (messages.length === 0) return;
  const insert = db.prepare(insertSql);
  for (const message of messages) insert.run(message);
}

export class SqliteOutboxStore implements OutboxStore {
  private readonly insert;
  private readonly delivered;
  private readonly failed;
  private readonly listStatement;
  private readonly findStatement;
  private readonly claimStatement;

  constructor(private readonly connection: SqliteConnection) {
    const db = connection.db;
    this.insert = db.prepare(insertSql);
    // The code a message carries is no use once delivered: only the envelope is kept.
    this.delivered = db.prepare("UPDATE outbox SET delivered_at = ?, body = '', last_error = NULL WHERE id = ? AND delivered_at IS NULL");
    this.failed = db.prepare('UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL');
    this.listStatement = db.prepare('SELECT * FROM outbox WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?');
    this.findStatement = db.prepare('SELECT * FROM outbox WHERE id = ?');
    this.claimStatement = db.prepare(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @until
      WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= @now AND (channel = @a OR channel = @b)
        ORDER BY next_attempt_at, created_at LIMIT @limit)
      RETURNING *`);
  }

  async enqueue(message: OutboxMessage): Promise<void> {
    this.connection.write(() => this.insert.run(message));
  }

  async claimDue(channels: readonly Channel[], now: number, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
    if (channels.length === 0) return [];
    // One statement on the one writer: a message is claimed once, whoever else asks.
    const rows = this.connection.write(
      () => this.claimStatement.all({ now, until: now + leaseMs, limit, a: channels[0], b: channels[1] ?? channels[0] }) as Row[],
    );
    return rows.map(toOutboxMessage).sort((x, y) => x.createdAt - y.createdAt);
  }

  async markDelivered(id: string, now: number): Promise<void> {
    this.connection.write(() => this.delivered.run(now, id));
  }

  async markFailed(id: string, error: string, retryAt: number): Promise<void> {
    this.connection.write(() => this.failed.run(error, retryAt, id));
  }

  async list(accountId: string, limit: number): Promise<OutboxMessage[]> {
    return (this.listStatement.all(accountId, limit) as Row[]).map(toOutboxMessage);
  }

  async find(id: string): Promise<OutboxMessage | undefined> {
    const row = this.findStatement.get(id) as Row | undefined;
    return row && toOutboxMessage(row);
  }
}
