import type { AccountStore, ClientStore } from '../../modules/accounts/store.js';
import type { Account, AccountSettings, Client, ClientSettings } from '../../modules/accounts/types.js';
import { toAccount, toClient, type Row } from '../rows.js';
import { uniqueOr, type SqliteConnection } from './connection.js';

export class SqliteAccountStore implements AccountStore {
  private readonly insert;
  private readonly byName;
  private readonly all;
  private readonly setSettings;

  constructor(private readonly connection: SqliteConnection, private readonly clients: SqliteClientStore) {
    const db = connection.db;
    this.insert = db.prepare('INSERT INTO accounts (id, name, created_at, settings) VALUES (?, ?, ?, ?)');
    this.byName = db.prepare('SELECT * FROM accounts WHERE name = ?');
    this.all = db.prepare('SELECT * FROM accounts ORDER BY created_at, name');
    this.setSettings = db.prepare('UPDATE accounts SET settings = ? WHERE id = ?');
  }

  async create(account: Account, firstClient: Client): Promise<void> {
    const { db } = this.connection;
    this.connection.write(
      db.transaction(() => {
        try {
          this.insert.run(account.id, account.name, account.createdAt, JSON.stringify(account.settings));
        } catch (error) {
          throw uniqueOr(error, 'account name');
        }
        this.clients.insertClient(firstClient);
      }),
    );
  }

  async findByName(name: string): Promise<Account | undefined> {
    const row = this.byName.get(name) as Row | undefined;
    return row && toAccount(row);
  }

  async list(): Promise<Account[]> {
    return (this.all.all() as Row[]).map(toAccount);
  }

  async updateSettings(accountId: string, settings: AccountSettings): Promise<void> {
    this.connection.write(() => this.setSettings.run(JSON.stringify(settings), accountId));
  }
}

export class SqliteClientStore implements ClientStore {
  private readonly insert;
  private readonly byKey;
  private readonly ofAccount;
  private readonly setSettings;

  constructor(private readonly connection: SqliteConnection) {
    const db = connection.db;
    this.insert = db.prepare('INSERT INTO clients (public_key, account_id, created_at, settings) VALUES (?, ?, ?, ?)');
    this.byKey = db.prepare('SELECT * FROM clients WHERE public_key = ?');
    this.ofAccount = db.prepare('SELECT * FROM clients WHERE account_id = ? ORDER BY created_at, public_key');
    this.setSettings = db.prepare('UPDATE clients SET settings = ? WHERE public_key = ?');
  }

  async create(client: Client): Promise<void> {
    this.connection.write(() => this.insertClient(client));
  }

  /** Inside a caller's write (an account's first client). */
  insertClient(client: Client): void {
    this.insert.run(client.publicKey, client.accountId, client.createdAt, JSON.stringify(client.settings));
  }

  async find(publicKey: string): Promise<Client | undefined> {
    const row = this.byKey.get(publicKey) as Row | undefined;
    return row && toClient(row);
  }

  async list(accountId: string): Promise<Client[]> {
    return (this.ofAccount.all(accountId) as Row[]).map(toClient);
  }

  async updateSettings(publicKey: string, settings: ClientSettings): Promise<void> {
    this.connection.write(() => this.setSettings.run(JSON.stringify(settings), publicKey));
  }
}
