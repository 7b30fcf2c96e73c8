import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAccount } from '../../src/modules/accounts/accounts.js';
import { newObjectId } from '../../src/lib/ids.js';
import type { Projection } from '../../src/modules/projections/types.js';
import { UniqueViolation } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';

/** The projections port's contract, on a fresh store per backend. */
export function runProjectionContract(name: string, open: () => Promise<{ store: Store; close(): Promise<void> }>): void {
  describe(`projection store contract: ${name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let accountId: string;
    let otherId: string;
    const projection = (name: string, extra: Partial<Projection> = {}): Projection => ({
      id: newObjectId(),
      accountId,
      name,
      mesh: 'orders',
      // Key order is meaning in a pipeline ($sort): it must come back as stored.
      pipeline: [{ $sort: { zeta: 1, alpha: -1 } }, { $project: { b: 1, a: 1 } }],
      description: null,
      createdAt: 1000,
      updatedAt: 1000,
      ...extra,
    });

    before(async () => {
      ({ store, close } = await open());
      accountId = (await createAccount(store, `projshop${Math.random().toString(36).slice(2, 8)}`, 1)).account.id;
      otherId = (await createAccount(store, `projother${Math.random().toString(36).slice(2, 8)}`, 1)).account.id;
    });
    after(() => close());

    test('create, find by name regardless of case, list in name order; the pipeline keeps its key order', async () => {
      const report = projection('Report', { description: 'monthly' });
      await store.projections.create(report);
      await store.projections.create(projection('alpha'));
      assert.deepEqual(await store.projections.findByName(accountId, 'REPORT'), report);
      assert.deepEqual(Object.keys((await store.projections.findByName(accountId, 'report'))!.pipeline[0]!.$sort as object), ['zeta', 'alpha']);
      assert.deepEqual((await store.projections.list(accountId)).map((p) => p.name), ['alpha', 'Report']);
      assert.equal(await store.projections.findByName(otherId, 'report'), undefined);
      assert.deepEqual(await store.projections.list(otherId), []);
    });

    test('names are unique regardless of case; of concurrent creations of one name exactly one succeeds', async () => {
      await assert.rejects(store.projections.create(projection('REPORT')), (e) => e instanceof UniqueViolation && e.field === 'projection name');
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.projections.create(projection('race'))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof UniqueViolation));
      // Another account may use the name.
      await store.projections.create(projection('report', { accountId: otherId }));
    });

    test('update replaces the definition, renames, refuses a taken name; delete', async () => {
      const change = { name: 'Renamed', mesh: 'people', pipeline: [{ $count: 'n' }], description: 'now', updatedAt: 2000 };
      assert.equal(await store.projections.update(accountId, 'ALPHA', change), true);
      const renamed = (await store.projections.findByName(accountId, 'renamed'))!;
      assert.deepEqual({ ...renamed, id: undefined, accountId: undefined }, { ...change, id: undefined, accountId: undefined, createdAt: 1000 });
      assert.equal(await store.projections.findByName(accountId, 'alpha'), undefined);
      await assert.rejects(store.projections.update(accountId, 'renamed', { ...change, name: 'report' }), (e) => e instanceof UniqueViolation);
      assert.equal(await store.projections.update(accountId, 'nothing', change), false);
      assert.equal(await store.projections.update(otherId, 'renamed', change), false);
      assert.equal(await store.projections.delete(otherId, 'renamed'), false);
      assert.equal(await store.projections.delete(accountId, 'RENAMED'), true);
      assert.equal(await store.projections.delete(accountId, 'renamed'), false);
    });
  });
}
