import type pg from 'pg';
import type { SigningKeyStore } from '../../modules/oauth/store.js';
import type { SigningKey } from '../../modules/oauth/types.js';
import { toSigningKey } from '../rows.js';
import type { PgConnection } from './connection.js';

export class PgSigningKeyStore implements SigningKeyStore {
  constructor(private readonly connection: PgConnection) {}

  async list(): Promise<SigningKey[]> {
    return (await this.connection.query('SELECT * FROM signing_keys ORDER BY created_at')).rows.map(toSigningKey);
  }

  // The table lock makes instances starting at once take turns: the first makes the key.
  async ensure(make: () => SigningKey): Promise<void> {
    await this.connection.transaction(async (client) => {
      await client.query('LOCK TABLE signing_keys IN EXCLUSIVE MODE');
      const { rows } = await client.query('SELECT 1 FROM signing_keys LIMIT 1');
      if (rows.length > 0) return;
      await insertKey(client, make());
    });
  }

  async add(key: SigningKey): Promise<void> {
    await this.connection.transaction(async (client) => {
      await client.query('LOCK TABLE signing_keys IN EXCLUSIVE MODE');
      await client.query('UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL', [key.createdAt]);
      await insertKey(client, key);
    });
  }
}

function insertKey(client: pg.PoolClient, key: SigningKey) {
  return client.query('INSERT INTO signing_keys (kid, alg, private_key_pem, public_jwk, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, NULL)', [
    key.kid,
    key.alg,
    key.privateKeyPem,
    JSON.stringify(key.publicJwk),
    key.createdAt,
  ]);
}
