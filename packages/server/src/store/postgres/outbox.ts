import type pg from 'pg';
import type { OutboxStore } from '../../modules/outbox/store.js';
import type { Channel, OutboxMessage } from '../../modules/outbox/types.js';
import { toOutboxMessage } from '../rows.js';
import type { PgConnection } from './connection.js';

const insertSql = `INSERT INTO outbox (id, account_id, channel, recipient, subject, body, created_at, attempts, next_attempt_at, delivered_at, last_error)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
const values = (m: OutboxMessage) => [m.id, m.accountId, m.channel, m.recipient, m.subject, m.body, m.createdAt, m.attempts, m.nextAttemptAt, m.deliveredAt, m.lastError];

/** Inserts messages on `client`, inside the caller's transaction (UserStore.create's). */
export async function insertOutboxMessages(client: pg.PoolClient, messages: readonly OutboxMessage[]): Promise<void> {
  for (const message of messages) await client.query(insertSql, values(message));
}

/**
 * SKIP LOCKED: instances claiming at once each take rows nobody else has locked, so a message is
 * claimed by one of them; the lease (next_attempt_at) keeps it theirs after the commit.
 */
const claimSql = `UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = $3
  FROM (SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $2 AND channel = ANY($1::text[])
        ORDER BY next_attempt_at, created_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
  WHERE o.id = due.id RETURNING o.*`;

export class PgOutboxStore implements OutboxStore {
  constructor(private readonly connection: PgConnection) {}

  async enqueue(message: OutboxMessage): Promise<void> {
    await this.connection.query(insertSql, values(message));
  }

  async claimDue(channels: readonly Channel[], now: number, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
    if (channels.length === 0) return [];
    const { rows } = await this.connection.query(claimSql, [channels, now, now + leaseMs, limit]);
    return rows.map(toOutboxMessage).sort((x, y) => x.createdAt - y.createdAt);
  }

  async markDelivered(id: string, now: number): Promise<void> {
    // The code a message carries is no use once delivered: only the envelope is kept.
    await this.connection.query("UPDATE outbox SET delivered_at = $1, body = '', last_error = NULL WHERE id = $2 AND delivered_at IS NULL", [now, id]);
  }

  async markFailed(id: string, error: string, retryAt: number): Promise<void> {
    await this.connection.query('UPDATE outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3 AND delivered_at IS NULL', [error, retryAt, id]);
  }

  async list(accountId: string, limit: number): Promise<OutboxMessage[]> {
    const { rows } = await this.connection.query('SELECT * FROM outbox WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [accountId, limit]);
    return rows.map(toOutboxMessage);
  }

  async find(id: string): Promise<OutboxMessage | undefined> {
    const row = (await this.connection.query('SELECT * FROM outbox WHERE id = $1', [id])).rows[0];
    return row && toOutboxMessage(row);
  }
}
