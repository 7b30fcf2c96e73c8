import type { AccountStore, ClientStore } from '../../modules/accounts/store.js';
import type { Account, AccountSettings, Client, ClientSettings } from '../../modules/accounts/types.js';
import { toAccount, toClient } from '../rows.js';
import type { PgConnection } from './connection.js';

const insertClientSql = 'INSERT INTO clients (public_key, account_id, created_at, settings) VALUES ($1, $2, $3, $4)';
const clientValues = (client: Client) => [client.publicKey, client.accountId, client.createdAt, JSON.stringify(client.settings)];

export class PgAccountStore implements AccountStore {
  constructor(private readonly connection: PgConnection) {}

  async create(account: Account, firstClient: Client): Promise<void> {
    await this.connection.transaction(async (client) => {
      await client.query('INSERT INTO accounts (id, name, created_at, settings) VALUES ($1, $2, $3, $4)', [
        account.id,
        account.name,
        account.createdAt,
        JSON.stringify(account.settings),
      ]);
      await client.query(insertClientSql, clientValues(firstClient));
    }, 'account name');
  }

  async findByName(name: string): Promise<Account | undefined> {
    const row = (await this.connection.query('SELECT * FROM accounts WHERE name = $1', [name])).rows[0];
    return row && toAccount(row);
  }

  async list(): Promise<Account[]> {
    return (await this.connection.query('SELECT * FROM accounts ORDER BY created_at, name')).rows.map(toAccount);
  }

  async updateSettings(accountId: string, settings: AccountSettings): Promise<void> {
    await this.connection.query('UPDATE accounts SET settings = $1 WHERE id = $2', [JSON.stringify(settings), accountId]);
  }
}

export class PgClientStore implements ClientStore {
  constructor(private readonly connection: PgConnection) {}

  async create(client: Client): Promise<void> {
    await this.connection.query(insertClientSql, clientValues(client));
  }

  async find(publicKey: string): Promise<Client | undefined> {
    const row = (await this.connection.query('SELECT * FROM clients WHERE public_key = $1', [publicKey])).rows[0];
    return row && toClient(row);
  }

  async list(accountId: string): Promise<Client[]> {
    return (await this.connection.query('SELECT * FROM clients WHERE account_id = $1 ORDER BY created_at, public_key', [accountId])).rows.map(toClient);
  }

  async updateSettings(publicKey: string, settings: ClientSettings): Promise<void> {
    await this.connection.query('UPDATE clients SET settings = $1 WHERE public_key = $2', [JSON.stringify(settings), publicKey]);
  }
}
