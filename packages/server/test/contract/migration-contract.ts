import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../src/store/store.js';

/**
 * What a store at schema version 1 (roles in a JSON column of users) holds after the migration to
 * user_roles: the same roles, with their addedDate, read back with the user and with a refresh
 * family's subject. Each backend gives a way to build a version-1 database and open it migrated.
 */
export interface VersionOneDatabase {
  /** Runs SQL on the version-1 schema, before the store opens it. */
  exec(sql: string): Promise<void>;
  /** Opens the store, which applies the later migrations. */
  openMigrated(): Promise<Store>;
}

export function runRolesMigrationContract(name: string, makeDatabase: () => Promise<VersionOneDatabase & { cleanup(): Promise<void> }>): void {
  test(`${name}: migration 2 moves each user's roles out of the JSON column into user_roles`, async () => {
    const database = await makeDatabase();
    let store: Store | undefined;
    try {
      await database.exec(`
        INSERT INTO accounts (id, name, created_at, settings) VALUES ('acc1', 'shop', 1, '{}');
        INSERT INTO accounts (id, name, created_at, settings) VALUES ('acc2', 'other', 1, '{}');
        INSERT INTO users (id, account_id, username, username_key, verified, is_active, roles, security_questions, anonymous, created_at)
          VALUES ('u1', 'acc1', 'ada', 'ada', false, true, '[{"name":"admin","addedDate":1000},{"name":"Editor","addedDate":2000}]', '[]', false, 500);
        INSERT INTO users (id, account_id, username, username_key, verified, is_active, roles, security_questions, anonymous, created_at)
          VALUES ('u2', 'acc1', 'bob', 'bob', false, true, '[{"name":"ADMIN","addedDate":3000},{"name":"admin","addedDate":4000}]', '[]', false, 600);
        INSERT INTO users (id, account_id, username, username_key, verified, is_active, roles, security_questions, anonymous, created_at)
          VALUES ('u3', 'acc2', 'cy', 'cy', false, true, '[{"name":"admin"}]', '[]', false, 700);
        INSERT INTO users (id, account_id, username, username_key, verified, is_active, roles, security_questions, anonymous, created_at)
          VALUES ('u4', 'acc2', 'dee', 'dee', false, true, '[]', '[]', false, 800);
        INSERT INTO refresh_families (id, account_id, client_id, user_id, scope, generation, created_at, rotated_at)
          VALUES ('f1', 'acc1', 'client', 'u1', 'meshy.api', 0, 1, 1);
      `);
      store = await database.openMigrated();
      const ada = (await store.users.findById('acc1', 'u1'))!;
      // Role names are unique per account regardless of case: "ADMIN" and "admin" become one role
      // (spelt as one of them), which bob holds once, from the first of his two entries.
      const adminName = ada.roles[0]!.name;
      assert.ok(adminName === 'admin' || adminName === 'ADMIN', adminName);
      assert.deepEqual(ada.roles, [{ name: adminName, addedDate: 1000 }, { name: 'Editor', addedDate: 2000 }]);
      assert.deepEqual((await store.users.findById('acc1', 'u2'))!.roles, [{ name: adminName, addedDate: 3000 }]);
      // No addedDate in the old JSON: the user's creation time stands in. Another account's role is its own.
      assert.deepEqual((await store.users.findById('acc2', 'u3'))!.roles, [{ name: 'admin', addedDate: 700 }]);
      assert.deepEqual((await store.users.findById('acc2', 'u4'))!.roles, []);
      const subject = (await store.refreshFamilies.findWithSubject('f1'))!.user!;
      assert.deepEqual(subject.roles, ada.roles);
    } finally {
      await store?.close();
      await database.cleanup();
    }
  });
}

/** Users written before migration 4 are found by their first and last names, folded as new ones are. */
export function runNameKeysMigrationContract(name: string, makeDatabase: () => Promise<VersionOneDatabase & { cleanup(): Promise<void> }>): void {
  test(`${name}: migration 4 gives existing users' first and last names their searched form`, async () => {
    const database = await makeDatabase();
    let store: Store | undefined;
    try {
      await database.exec(`
        INSERT INTO accounts (id, name, created_at, settings) VALUES ('acc1', 'shop', 1, '{}');
        INSERT INTO users (id, account_id, username, username_key, first_name, last_name, verified, is_active, roles, security_questions, anonymous, created_at)
          VALUES ('u1', 'acc1', 'ada', 'ada', 'ÉLODIE', 'Ｓmith', false, true, '[]', '[]', false, 500);
        INSERT INTO users (id, account_id, username, username_key, verified, is_active, roles, security_questions, anonymous, created_at)
          VALUES ('u2', 'acc1', 'bob', 'bob', false, true, '[]', '[]', false, 600);
      `);
      store = await database.openMigrated();
      const search = async (text: string) =>
        (await store!.users.search('acc1', { name: text, activeOnly: true, orderBy: [], page: 1, pageSize: 25 })).results.map((u) => u.id);
      assert.deepEqual(await search('élod'), ['u1']);
      assert.deepEqual(await search('SMITH'), ['u1']);
      assert.deepEqual(await search('b'), ['u2'], 'a user without names is found by username only');
    } finally {
      await store?.close();
      await database.cleanup();
    }
  });
}
