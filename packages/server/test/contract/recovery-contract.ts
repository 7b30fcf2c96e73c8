import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newObjectId } from '../../src/lib/ids.js';
import type { Account } from '../../src/modules/accounts/types.js';
import type { OutboxMessage } from '../../src/modules/outbox/types.js';
import { UniqueViolation } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';
import { makeAccount, makeClient, makeFamily, makeUser } from './store-contract.js';

let serial = 0;
function makeMessage(accountId: string, patch: Partial<OutboxMessage> = {}): OutboxMessage {
  serial++;
  return {
    id: newObjectId(),
    accountId,
    channel: 'email',
    recipient: `r${serial}@test.com`,
    subject: 'Your code',
    body: `code ${serial}`,
    createdAt: 1000 + serial,
    attempts: 0,
    nextAttemptAt: 1000,
    deliveredAt: null,
    lastError: null,
    ...patch,
  };
}

/** The outbox port and the users port's recovery methods, on every store (migration 6). */
export function runRecoveryContract(name: string, open: () => Promise<{ store: Store; cleanup(): Promise<void> }>): void {
  describe(`recovery contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let account: Account;

    before(async () => {
      ({ store, cleanup } = await open());
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    // Each test has an account of its own: claims and lists see only what the test wrote.
    const freshAccount = async () => {
      account = makeAccount(`recovery${++serial}`);
      await store.accounts.create(account, makeClient(account.id));
      return account;
    };

    test('outbox: enqueue, find, list newest first; claim only what is due, of the channels asked', async () => {
      const a = await freshAccount();
      const email = makeMessage(a.id, { createdAt: 1 });
      const sms = makeMessage(a.id, { channel: 'sms', recipient: '+15555555555', subject: null, createdAt: 2 });
      const later = makeMessage(a.id, { createdAt: 3, nextAttemptAt: 10_000 });
      for (const m of [email, sms, later]) await store.outbox.enqueue(m);
      assert.deepEqual(await store.outbox.find(sms.id), sms);
      assert.deepEqual((await store.outbox.list(a.id, 10)).map((m) => m.id), [later.id, sms.id, email.id]);
      const claimed = await store.outbox.claimDue(['email'], 5_000, 60_000, 10);
      assert.deepEqual(claimed.map((m) => m.id), [email.id]);
      assert.equal(claimed[0]!.attempts, 1);
      assert.equal(claimed[0]!.nextAttemptAt, 65_000);
      assert.deepEqual(await store.outbox.claimDue(['email'], 5_000, 60_000, 10), [], 'a claimed message is leased');
      assert.deepEqual((await store.outbox.claimDue(['sms', 'email'], 10_000, 60_000, 10)).map((m) => m.id), [sms.id, later.id]);
      // The lease runs out: a claimer that died is retried.
      assert.deepEqual((await store.outbox.claimDue(['email'], 65_000, 60_000, 10)).map((m) => m.attempts), [2]);
    });

    test('outbox: a failed message comes back at its retry time; a delivered one never, and keeps no text', async () => {
      const a = await freshAccount();
      const m = makeMessage(a.id);
      await store.outbox.enqueue(m);
      await store.outbox.claimDue(['email'], 2_000, 60_000, 10);
      await store.outbox.markFailed(m.id, 'connection refused', 7_000);
      const failed = (await store.outbox.find(m.id))!;
      assert.equal(failed.lastError, 'connection refused');
      assert.deepEqual(await store.outbox.claimDue(['email'], 6_999, 60_000, 10), []);
      const again = await store.outbox.claimDue(['email'], 7_000, 60_000, 10);
      assert.deepEqual(again.map((x) => x.id), [m.id]);
      await store.outbox.markDelivered(m.id, 8_000);
      const delivered = (await store.outbox.find(m.id))!;
      assert.equal(delivered.deliveredAt, 8_000);
      assert.equal(delivered.body, '');
      assert.equal(delivered.lastError, null);
      // Other tests' undelivered messages are due by then; this one is not among them.
      const everything = await store.outbox.claimDue(['email', 'sms'], 10_000_000, 60_000, 1000);
      assert.ok(!everything.some((x) => x.id === m.id));
    });

    test('outbox: of concurrent claimers, each message goes to exactly one', async () => {
      const a = await freshAccount();
      const messages = Array.from({ length: 30 }, () => makeMessage(a.id));
      for (const m of messages) await store.outbox.enqueue(m);
      const claims = await Promise.all(Array.from({ length: 8 }, () => store.outbox.claimDue(['email'], 2_000, 60_000, 5)));
      const more = await Promise.all(Array.from({ length: 8 }, () => store.outbox.claimDue(['email'], 2_000, 60_000, 5)));
      const ids = [...claims, ...more].flat().map((m) => m.id);
      assert.equal(new Set(ids).size, ids.length, 'no message claimed twice');
      assert.deepEqual(ids.sort(), messages.map((m) => m.id).sort());
    });

    test('users.create with messages: both are stored, or neither', async () => {
      const a = await freshAccount();
      const user = makeUser(a.id, 'with_message');
      const message = makeMessage(a.id);
      await store.users.create(user, [message]);
      assert.ok(await store.users.findById(a.id, user.id));
      assert.deepEqual(await store.outbox.find(message.id), message);
      const duplicate = makeMessage(a.id);
      await assert.rejects(store.users.create(makeUser(a.id, 'WITH_MESSAGE'), [duplicate]), UniqueViolation);
      assert.equal(await store.outbox.find(duplicate.id), undefined, "a refused user's message is not kept");
    });

    test('users.changePassword: the stamp is compared and set, other families revoked, one kept', async () => {
      const a = await freshAccount();
      const user = makeUser(a.id, 'changer');
      await store.users.create(user);
      const families = [makeFamily(a.id, 'client', user.id), makeFamily(a.id, 'client', user.id), makeFamily(a.id, 'client', user.id)];
      for (const f of families) await store.refreshFamilies.create(f);
      assert.equal(await store.users.changePassword(a.id, user.id, { passwordHash: 'h1', securityStamp: 's1', expectedStamp: 'not-it', now: 5 }), false);
      assert.equal((await store.users.findById(a.id, user.id))!.passwordHash, user.passwordHash);
      const changed = await store.users.changePassword(a.id, user.id, { passwordHash: 'h1', securityStamp: 's1', keepFamilyId: families[0]!.id, now: 5 });
      assert.equal(changed, true);
      const after = (await store.users.findById(a.id, user.id))!;
      assert.equal(after.passwordHash, 'h1');
      assert.equal(after.securityStamp, 's1');
      assert.equal(after.verified, false);
      assert.equal((await store.refreshFamilies.find(families[0]!.id))!.revokedAt, null);
      for (const f of families.slice(1)) assert.equal((await store.refreshFamilies.find(f.id))!.revokeReason, 'password_changed');
      assert.equal(await store.users.changePassword(a.id, user.id, { passwordHash: 'h2', securityStamp: 's2', expectedStamp: 's1', markVerified: true, now: 6 }), true);
      assert.equal((await store.users.findById(a.id, user.id))!.verified, true);
      assert.equal((await store.refreshFamilies.find(families[0]!.id))!.revokeReason, 'password_changed');
      assert.equal(await store.users.changePassword(a.id, 'nobody', { passwordHash: 'h', securityStamp: 's', now: 7 }), false);
    });

    test('users.changePassword and markVerified: of racing callers expecting one stamp, exactly one wins', async () => {
      const a = await freshAccount();
      const user = makeUser(a.id, 'racer');
      await store.users.create(user);
      const changes = await Promise.all(
        Array.from({ length: 6 }, (_, i) => store.users.changePassword(a.id, user.id, { passwordHash: `h${i}`, securityStamp: `s${i}`, expectedStamp: user.securityStamp, now: 1 })),
      );
      assert.equal(changes.filter(Boolean).length, 1);
      const stamp = (await store.users.findById(a.id, user.id))!.securityStamp;
      const verifications = await Promise.all(Array.from({ length: 6 }, (_, i) => store.users.markVerified(a.id, user.id, stamp, `v${i}`)));
      assert.equal(verifications.filter(Boolean).length, 1);
      const verified = (await store.users.findById(a.id, user.id))!;
      assert.equal(verified.verified, true);
      assert.notEqual(verified.securityStamp, stamp);
      assert.equal(await store.users.markVerified(a.id, user.id, verified.securityStamp, 'again'), false, 'already verified');
    });
  });
}
