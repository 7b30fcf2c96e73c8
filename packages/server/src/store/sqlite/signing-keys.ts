import type { SigningKeyStore } from '../../modules/oauth/store.js';
import type { SigningKey } from '../../modules/oauth/types.js';
import { toSigningKey, type Row } from '../rows.js';
import type { SqliteConnection } from './connection.js';

export class SqliteSigningKeyStore implements SigningKeyStore {
  private readonly all;
  private readonly retireAll;
  private readonly insert;

  constructor(private readonly connection: SqliteConnection) {
    const db = connection.db;
    this.all = db.prepare('SELECT * FROM signing_keys ORDER BY created_at');
    this.retireAll = db.prepare('UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL');
    this.insert = db.prepare('INSERT INTO signing_keys (kid, alg, private_key_pem, public_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, NULL)');
  }

  async list(): Promise<SigningKey[]> {
    return (this.all.all() as Row[]).map(toSigningKey);
  }

  // IMMEDIATE takes the write lock before reading, so two processes starting at once make one key.
  async ensure(make: () => SigningKey): Promise<void> {
    const { db } = this.connection;
    this.connection.write(() =>
      db.transaction(() => {
        if (this.all.all().length > 0) return;
        this.insertKey(make());
      }).immediate(),
    );
  }

  async add(key: SigningKey): Promise<void> {
    const { db } = this.connection;
    this.connection.write(() =>
      db.transaction(() => {
        this.retireAll.run(key.createdAt);
        this.insertKey(key);
      }).immediate(),
    );
  }

  private insertKey(key: SigningKey): void {
    this.insert.run(key.kid, key.alg, key.privateKeyPem, JSON.stringify(key.publicJwk), key.createdAt);
  }
}
