import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newObjectId } from '../../src/lib/ids.js';
import { applyUpdate, matches, sortDocuments } from '../../src/query/evaluate.js';
import { parseFilter, parseOrderBy, parseUpdate } from '../../src/query/parse.js';
import type { JsonObject } from '../../src/query/tree.js';
import { ScanBudgetExceeded, type MeshStore, type StoredDocument } from '../../src/modules/meshes/store.js';
import { UniqueViolation } from '../../src/store/errors.js';

/**
 * The contract every MeshStore keeps, on a fresh store per backend. Answers are checked against
 * the evaluator (the oracle) on the same documents.
 */
export function runMeshContract(name: string, open: () => Promise<{ meshes: MeshStore; close(): Promise<void> }>): void {
  describe(`mesh store contract: ${name}`, () => {
    let meshes: MeshStore;
    let close: () => Promise<void>;
    const account = newObjectId();
    const other = newObjectId();
    const generous = { maxScan: 1_000_000 };

    before(async () => {
      ({ meshes, close } = await open());
    });
    after(async () => {
      await close();
    });

    test('insert, get verbatim, replace whole, delete one; scoped by account and mesh', async () => {
      const doc = stored({ _id: newObjectId(), name: 'Rob', tags: ['a'], nested: { x: 1.5 } });
      await meshes.insert(account, 'people', [doc]);
      assert.deepEqual(await meshes.get(account, 'people', doc.id), doc);
      assert.equal(await meshes.get(other, 'people', doc.id), undefined);
      assert.equal(await meshes.get(account, 'animals', doc.id), undefined);
      const replacement = stored({ _id: doc.id, other: true });
      assert.equal(await meshes.replace(account, 'people', replacement), true);
      assert.equal((await meshes.get(account, 'people', doc.id))!.json, replacement.json);
      assert.equal(await meshes.replace(account, 'people', stored({ _id: newObjectId() })), false);
      assert.equal(await meshes.deleteOne(other, 'people', doc.id), false);
      assert.equal(await meshes.deleteOne(account, 'people', doc.id), true);
      assert.equal(await meshes.get(account, 'people', doc.id), undefined);
      assert.equal(await meshes.deleteOne(account, 'people', doc.id), false);
    });

    test('a batch is written whole or not at all: an existing id, or one twice in the batch', async () => {
      const existing = stored({ _id: newObjectId(), n: 0 });
      await meshes.insert(account, 'batches', [existing]);
      const fresh = Array.from({ length: 5 }, (_, n) => stored({ _id: newObjectId(), n }));
      await assert.rejects(meshes.insert(account, 'batches', [...fresh, existing]), (error) => error instanceof UniqueViolation && error.field === 'mesh id');
      for (const doc of fresh) assert.equal(await meshes.get(account, 'batches', doc.id), undefined);
      await assert.rejects(meshes.insert(account, 'batches', [fresh[0]!, fresh[1]!, fresh[0]!]), UniqueViolation);
      assert.equal(await meshes.get(account, 'batches', fresh[0]!.id), undefined);
      // The same id in another account or mesh is another document.
      await meshes.insert(other, 'batches', [existing]);
      await meshes.insert(account, 'batches2', [existing]);
      await meshes.insert(account, 'batches', fresh);
      const all = await meshes.search(account, 'batches', { offset: 0, limit: 100 }, generous);
      assert.equal(all.totalRecords, 6);
    });

    test('creates in one turn: a taken id refuses only its own request, and of two giving one id the first wins', async () => {
      const existing = stored({ _id: newObjectId(), n: -1 });
      await meshes.insert(account, 'turn', [existing]);
      const singles = Array.from({ length: 12 }, (_, n) => stored({ _id: newObjectId(), n, ...(n % 3 === 0 ? { tags: [n] } : {}) }));
      const batch = Array.from({ length: 4 }, (_, n) => stored({ _id: newObjectId(), n: 100 + n, nested: { k: n } }));
      const twin = newObjectId();
      const first = stored({ _id: twin, which: 'first' });
      const second = stored({ _id: twin, which: 'second' });
      // Every call in the same turn, as concurrent requests arrive.
      const outcomes = await Promise.allSettled([
        ...singles.slice(0, 6).map((doc) => meshes.insert(account, 'turn', [doc])),
        meshes.insert(account, 'turn', [first]),
        meshes.insert(account, 'turn', [existing]),
        meshes.insert(account, 'turn', batch),
        meshes.insert(account, 'turn', [second]),
        meshes.insert(other, 'turn', [existing]),
        meshes.insert(account, 'turn-other-mesh', [second]),
        ...singles.slice(6).map((doc) => meshes.insert(account, 'turn', [doc])),
      ]);
      const refused = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [i] : []));
      assert.deepEqual(refused, [7, 9]);
      for (const i of refused) {
        const reason = (outcomes[i] as PromiseRejectedResult).reason as unknown;
        assert.ok(reason instanceof UniqueViolation && reason.field === 'mesh id', String(reason));
      }
      // Read after the answers: each committed document is there, verbatim.
      for (const doc of [...singles, ...batch, first, existing]) assert.deepEqual(await meshes.get(account, 'turn', doc.id), doc);
      assert.deepEqual(await meshes.get(other, 'turn', existing.id), existing);
      assert.deepEqual(await meshes.get(account, 'turn-other-mesh', twin), second);
      const all = await meshes.search(account, 'turn', { offset: 0, limit: 100 }, generous);
      assert.equal(all.totalRecords, 1 + 12 + 4 + 1);
      // The shapes the turn brought are known to searches: an array path, a nested object.
      const tagged = await meshes.search(account, 'turn', { filter: parseFilter('{ tags: 9 }'), offset: 0, limit: 10 }, generous);
      assert.deepEqual(tagged.results.map((r) => r.id), [singles[9]!.id]);
      const nested = await meshes.search(account, 'turn', { filter: parseFilter('{ "nested.k": 2 }'), offset: 0, limit: 10 }, generous);
      assert.deepEqual(nested.results.map((r) => r.id), [batch[2]!.id]);
    });

    test('creates in one turn: a batch meeting a taken id or a unique index is wholly out, the others in; a second request with an id goes in when the first was refused', async () => {
      // An account of its own: the index test lists the shared account's indexes.
      const owner = newObjectId();
      await meshes.insert(owner, 'turn-unique', [stored({ _id: newObjectId(), login: 'taken@x' })]);
      await meshes.createIndex(owner, { name: 'turn_login', mesh: 'turn-unique', paths: ['login'], unique: true, createdAt: Date.now() });
      const existing = stored({ _id: newObjectId(), login: 'existing@x' });
      await meshes.insert(owner, 'turn-unique', [existing]);
      const singles = Array.from({ length: 8 }, (_, n) => stored({ _id: newObjectId(), login: `s${n}@x` }));
      const takenIdBatch = [stored({ _id: newObjectId(), login: 'b1@x' }), stored({ _id: existing.id, login: 'b2@x' }), stored({ _id: newObjectId(), login: 'b3@x' })];
      const takenLoginBatch = [stored({ _id: newObjectId(), login: 'c1@x' }), stored({ _id: newObjectId(), login: 'taken@x' })];
      const goodBatch = [stored({ _id: newObjectId(), login: 'd1@x' }), stored({ _id: newObjectId(), login: 'd2@x', list: [{ deep: true }] })];
      const twin = newObjectId();
      // Refused by the unique index, so the second with the same id goes in: as one after the other.
      const first = stored({ _id: twin, login: 'taken@x' });
      const second = stored({ _id: twin, login: 'twin@x' });
      // The same login twice in one turn: the first request wins.
      const early = stored({ _id: newObjectId(), login: 'race@x' });
      const late = stored({ _id: newObjectId(), login: 'race@x' });
      const outcomes = await Promise.allSettled([
        meshes.insert(owner, 'turn-unique', [singles[0]!]),
        meshes.insert(owner, 'turn-unique', takenIdBatch),
        meshes.insert(owner, 'turn-unique', [first]),
        meshes.insert(owner, 'turn-unique', [early]),
        ...singles.slice(1, 4).map((doc) => meshes.insert(owner, 'turn-unique', [doc])),
        meshes.insert(owner, 'turn-unique', takenLoginBatch),
        meshes.insert(owner, 'turn-unique', [second]),
        meshes.insert(owner, 'turn-unique', goodBatch),
        meshes.insert(owner, 'turn-unique', [late]),
        ...singles.slice(4).map((doc) => meshes.insert(owner, 'turn-unique', [doc])),
      ]);
      const refused = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [i] : []));
      assert.deepEqual(refused, [1, 2, 7, 10]);
      for (const i of refused) assert.ok((outcomes[i] as PromiseRejectedResult).reason instanceof UniqueViolation);
      for (const doc of [...takenIdBatch.filter((d) => d.id !== existing.id), ...takenLoginBatch, late]) assert.equal(await meshes.get(owner, 'turn-unique', doc.id), undefined, doc.json);
      assert.deepEqual(await meshes.get(owner, 'turn-unique', existing.id), existing);
      for (const doc of [...singles, ...goodBatch, second, early]) assert.deepEqual(await meshes.get(owner, 'turn-unique', doc.id), doc);
      const deep = await meshes.search(owner, 'turn-unique', { filter: parseFilter('{ "list.deep": true }'), offset: 0, limit: 10 }, generous);
      assert.deepEqual(deep.results.map((r) => r.id), [goodBatch[1]!.id]);
    });

    test('concurrent inserts stand alone: a refused one, bulk or single, leaves the others stored; of two with one id, one wins whole', async () => {
      const existing = stored({ _id: newObjectId(), n: 0 });
      await meshes.insert(account, 'concurrent', [existing]);
      const single = stored({ _id: newObjectId(), n: 1 });
      const refusedBulk = Array.from({ length: 3 }, (_, n) => stored({ _id: newObjectId(), n: 10 + n }));
      const bulk = Array.from({ length: 3 }, (_, n) => stored({ _id: newObjectId(), n: 20 + n, tags: ['bulk'] }));
      const contested = newObjectId();
      const rivals = [stored({ _id: contested, rival: 'first' }), stored({ _id: contested, rival: 'second', list: [1] })];
      // Asked for together, as the requests of one busy moment are.
      const [singleOutcome, refusedOutcome, bulkOutcome, ...rivalOutcomes] = await Promise.allSettled([
        meshes.insert(account, 'concurrent', [single]),
        meshes.insert(account, 'concurrent', [...refusedBulk, existing]),
        meshes.insert(account, 'concurrent', bulk),
        ...rivals.map((rival) => meshes.insert(account, 'concurrent', [rival])),
      ]);
      assert.equal(singleOutcome!.status, 'fulfilled');
      assert.equal(bulkOutcome!.status, 'fulfilled');
      assert.ok(refusedOutcome!.status === 'rejected' && refusedOutcome.reason instanceof UniqueViolation && refusedOutcome.reason.field === 'mesh id');
      for (const doc of refusedBulk) assert.equal(await meshes.get(account, 'concurrent', doc.id), undefined, 'a refused bulk insert leaves none of its documents');
      for (const doc of [single, ...bulk]) assert.deepEqual(await meshes.get(account, 'concurrent', doc.id), doc);
      const won = rivalOutcomes.flatMap((outcome, n) => (outcome.status === 'fulfilled' ? [rivals[n]!] : []));
      assert.equal(won.length, 1, 'exactly one of two inserts of one id wins');
      const lost = rivalOutcomes.find((outcome) => outcome.status === 'rejected');
      assert.ok(lost && lost.reason instanceof UniqueViolation && lost.reason.field === 'mesh id');
      assert.equal((await meshes.get(account, 'concurrent', contested))!.json, won[0]!.json);
      assert.equal((await meshes.search(account, 'concurrent', { offset: 0, limit: 100 }, generous)).totalRecords, 1 + 1 + bulk.length + 1);
      // The committed documents' shapes steer queries: tags has held an array.
      assert.equal((await meshes.search(account, 'concurrent', { filter: parseFilter("{ tags: 'bulk' }"), offset: 0, limit: 100 }, generous)).totalRecords, bulk.length);
    });

    test('search: filter, sort, pages and totalRecords as the evaluator answers them, arrays and mixed types included', async () => {
      const documents: JsonObject[] = [];
      const values = [null, 1, 2.5, -3, 'b', 'B', 'a', true, [1, 5], [], ['a', 2], { k: 1 }];
      for (let i = 0; i < 60; i++) {
        const doc: JsonObject = { _id: newObjectId(Date.now() + i), i };
        if (i % 7 !== 0) doc['v'] = values[i % values.length]!;
        doc['group'] = i % 3 === 0 ? 'x' : 'y';
        if (i % 4 === 0) doc['items'] = [{ q: i % 5 }, { q: 10 }];
        documents.push(doc);
      }
      await meshes.insert(account, 'searched', documents.map(stored));
      const cases: [string, string | undefined][] = [
        ['{}', undefined],
        ['{ v: { $gt: 1 } }', '{ i: -1 }'],
        ["{ group: 'x' }", '{ v: 1 }'],
        ['{ v: null }', '{ v: -1, i: 1 }'],
        ['{ "items.q": 10 }', '{ "items.q": 1 }'],
        ['{ $or: [{ v: "a" }, { v: { $size: 2 } }] }', undefined],
        ['{ v: { $in: [1, "b", true] } }', '{ group: 1 }'],
        ['{ v: { $exists: false } }', undefined],
        ['{ items: { $elemMatch: { q: { $lt: 3 } } } }', '{ i: 1 }'],
      ];
      for (const [filterText, orderText] of cases) {
        const filter = parseFilter(filterText);
        const sort = parseOrderBy(orderText);
        const expected = sortDocuments(documents.filter((d) => matches(filter, d)), sort).map((d) => d['_id']);
        for (const [offset, limit] of [[0, 100], [0, 7], [7, 7], [expected.length, 5], [expected.length + 3, 5]] as const) {
          const answer = await meshes.search(account, 'searched', { filter, sort, offset, limit }, generous);
          assert.deepEqual(answer.results.map((r) => r.id), expected.slice(offset, offset + limit), `${filterText} ${orderText ?? ''} @${offset}+${limit}`);
          assert.equal(answer.totalRecords, expected.length, `${filterText} total`);
          for (const r of answer.results) assert.equal(r.json, JSON.stringify(documents.find((d) => d['_id'] === r.id)));
        }
      }
    });

    test('updateMany applies the update to every match, in one transaction, and counts what changed', async () => {
      const documents = Array.from({ length: 20 }, (_, i) => ({ _id: newObjectId(Date.now() + i), n: i, tags: i % 2 ? ['odd', 'x'] : ['even'], nested: { seen: false } }));
      await meshes.insert(account, 'updated', documents.map(stored));
      const filter = parseFilter('{ tags: "odd" }');
      const update = parseUpdate('{ $inc: { n: 100 }, $set: { "tags.$": "ODD", "nested.seen": true }, $currentDate: { at: true } }')!;
      const now = Date.UTC(2026, 0, 2, 3, 4, 5);
      const result = await meshes.updateMany(account, 'updated', filter, update, now, generous);
      assert.deepEqual(result, { matchedCount: 10, modifiedCount: 10 });
      for (const doc of documents) {
        const expected = matches(filter, doc) ? applyUpdate(doc, update, { filter, now: new Date(now) }).document : doc;
        const got = await meshes.get(account, 'updated', doc._id);
        assert.deepEqual(JSON.parse(got!.json), expected);
        assert.ok(got!.json.startsWith(`{"_id":"${doc._id}"`), 'the id stays first');
      }
      // A second run of a $set that changes nothing matches but modifies none.
      const again = await meshes.updateMany(account, 'updated', parseFilter('{ n: { $gte: 100 } }'), parseUpdate('{ $set: { "nested.seen": true } }')!, now, generous);
      assert.deepEqual(again, { matchedCount: 10, modifiedCount: 0 });
      // A failing update changes nothing at all.
      await assert.rejects(meshes.updateMany(account, 'updated', undefined, parseUpdate('{ $inc: { tags: 1 } }')!, now, generous));
      assert.equal(JSON.parse((await meshes.get(account, 'updated', documents[1]!._id))!.json).n, 101);
      // Updated documents are found by what they hold now (the catalog learned the new shapes).
      const found = await meshes.search(account, 'updated', { filter: parseFilter('{ at: { $type: "string" } }'), offset: 0, limit: 100 }, generous);
      assert.equal(found.totalRecords, 10);
    });

    test('deleteMany deletes every match and only those', async () => {
      const documents = Array.from({ length: 30 }, (_, i) => ({ _id: newObjectId(), n: i % 2 === 0 ? i : [i, 100] }));
      await meshes.insert(account, 'deleted', documents.map(stored));
      const filter = parseFilter('{ n: { $gte: 20 } }');
      const expected = documents.filter((d) => matches(filter, d));
      assert.equal(await meshes.deleteMany(account, 'deleted', filter, generous), expected.length);
      const left = await meshes.search(account, 'deleted', { offset: 0, limit: 100 }, generous);
      assert.deepEqual(new Set(left.results.map((r) => r.id)), new Set(documents.filter((d) => !matches(filter, d)).map((d) => d._id)));
      assert.equal(await meshes.deleteMany(account, 'deleted', undefined, generous), 30 - expected.length);
      assert.equal(await meshes.deleteMany(account, 'deleted', undefined, generous), 0);
    });

    test('meshNames lists the meshes of the account that have held documents', async () => {
      const own = newObjectId();
      await meshes.insert(own, 'zebras', [stored({ _id: newObjectId() })]);
      await meshes.insert(own, 'apes', [stored({ _id: newObjectId() })]);
      await meshes.insert(newObjectId(), 'cats', [stored({ _id: newObjectId() })]);
      assert.deepEqual(await meshes.meshNames(own), ['apes', 'zebras']);
    });

    test('the scan budget refuses an unindexed query over a mesh larger than it', async () => {
      await meshes.insert(account, 'budgeted', Array.from({ length: 10 }, (_, n) => stored({ _id: newObjectId(), n })));
      const filter = parseFilter('{ n: { $gt: 4 } }');
      const update = parseUpdate('{ $set: { touched: true } }')!;
      for (const maxScan of [0, 9]) {
        await assert.rejects(meshes.search(account, 'budgeted', { filter, offset: 0, limit: 5 }, { maxScan }), (e) => e instanceof ScanBudgetExceeded && e.budget === maxScan);
        await assert.rejects(meshes.updateMany(account, 'budgeted', filter, update, Date.now(), { maxScan }), ScanBudgetExceeded);
        await assert.rejects(meshes.deleteMany(account, 'budgeted', filter, { maxScan }), ScanBudgetExceeded);
      }
      const within = await meshes.search(account, 'budgeted', { filter, offset: 0, limit: 5 }, { maxScan: 10 });
      assert.equal(within.totalRecords, 5);
      assert.equal(within.plan.indexed, false);
      // Nothing was changed by the refused writes.
      assert.equal((await meshes.search(account, 'budgeted', { filter: parseFilter('{ touched: true }'), offset: 0, limit: 5 }, generous)).totalRecords, 0);
      assert.equal((await meshes.search(account, 'budgeted', { offset: 0, limit: 5 }, generous)).totalRecords, 10);
      // An empty mesh is within any budget.
      assert.equal((await meshes.search(account, 'nothing', { filter, offset: 0, limit: 5 }, { maxScan: 0 })).totalRecords, 0);
    });

    test('indexes: create, list, drop; names unique per account; paths checked; unique indexes refuse duplicates', async () => {
      const createdAt = Date.now();
      await meshes.insert(account, 'indexed', [stored({ _id: newObjectId(), email: 'a@x', n: 1 }), stored({ _id: newObjectId(), email: 'b@x', n: 1 })]);
      await meshes.createIndex(account, { name: 'by_email', mesh: 'indexed', paths: ['email'], unique: true, createdAt });
      await meshes.createIndex(account, { name: 'by_n', mesh: 'indexed', paths: ['n', 'profile.age'], unique: false, createdAt });
      await meshes.createIndex(other, { name: 'by_email', mesh: 'indexed', paths: ['email'], unique: false, createdAt });
      await assert.rejects(meshes.createIndex(account, { name: 'by_email', mesh: 'other', paths: ['x'], unique: false, createdAt }), (e) => e instanceof UniqueViolation && e.field === 'index');
      await assert.rejects(meshes.createIndex(account, { name: 'colliding', mesh: 'indexed', paths: ['n'], unique: true, createdAt }), (e) => e instanceof UniqueViolation && e.field === 'mesh id');
      for (const path of ["a'); DROP TABLE mesh_documents; --", 'a..b', '', '$a', 'a-b']) {
        await assert.rejects(meshes.createIndex(account, { name: 'bad', mesh: 'indexed', paths: [path], unique: false, createdAt }), RangeError);
      }
      assert.deepEqual(await meshes.listIndexes(account, 'indexed'), [
        { name: 'by_email', mesh: 'indexed', paths: ['email'], unique: true, createdAt },
        { name: 'by_n', mesh: 'indexed', paths: ['n', 'profile.age'], unique: false, createdAt },
      ]);
      assert.deepEqual((await meshes.listIndexes(account)).map((i) => i.name), ['by_email', 'by_n']);
      await assert.rejects(meshes.insert(account, 'indexed', [stored({ _id: newObjectId(), email: 'c@x' }), stored({ _id: newObjectId(), email: 'a@x' })]), UniqueViolation);
      assert.equal((await meshes.search(account, 'indexed', { offset: 0, limit: 10 }, generous)).totalRecords, 2);
      // The unique index is the mesh's: another mesh, another account may hold the same email.
      await meshes.insert(account, 'unindexed', [stored({ _id: newObjectId(), email: 'a@x' })]);
      await meshes.insert(other, 'indexed', [stored({ _id: newObjectId(), email: 'a@x' })]);
      const b = (await meshes.search(account, 'indexed', { filter: parseFilter('{ email: "b@x" }'), offset: 0, limit: 1 }, generous)).results[0]!;
      await assert.rejects(meshes.replace(account, 'indexed', stored({ _id: b.id, email: 'a@x' })), UniqueViolation);
      assert.equal(await meshes.dropIndex(account, 'by_email'), true);
      assert.equal(await meshes.dropIndex(account, 'by_email'), false);
      assert.equal(await meshes.replace(account, 'indexed', stored({ _id: b.id, email: 'a@x' })), true);
      assert.deepEqual((await meshes.listIndexes(account)).map((i) => i.name), ['by_n']);
      assert.deepEqual((await meshes.listIndexes(other)).map((i) => i.name), ['by_email']);
      // The name is free again.
      await meshes.createIndex(account, { name: 'by_email', mesh: 'indexed', paths: ['email'], unique: false, createdAt });
    });

    test('a unique index holds within its own mesh: another mesh of the account, and the same mesh of another account, may repeat its key', async () => {
      const owner = newObjectId();
      const neighbour = newObjectId();
      const email = (value: string) => stored({ _id: newObjectId(), email: value });
      await meshes.createIndex(owner, { name: 'people_email', mesh: 'people', paths: ['email'], unique: true, createdAt: Date.now() });
      await meshes.insert(owner, 'people', [email('a@b.c')]);
      await assert.rejects(meshes.insert(owner, 'people', [email('a@b.c')]), (e) => e instanceof UniqueViolation && e.field === 'mesh id');
      // `index create demo people email --unique`, then two creates of {"email":"a@b.c"} in `other`.
      await meshes.insert(owner, 'other', [email('a@b.c')]);
      await meshes.insert(owner, 'other', [email('a@b.c')]);
      await meshes.insert(owner, 'other', [email('x@y.z'), email('x@y.z')]);
      const moved = email('moved@x');
      await meshes.insert(owner, 'other', [moved]);
      assert.equal(await meshes.replace(owner, 'other', stored({ _id: moved.id, email: 'a@b.c' })), true);
      assert.deepEqual(await meshes.updateMany(owner, 'other', undefined, parseUpdate('{ $set: { email: "same@x" } }')!, Date.now(), generous), { matchedCount: 5, modifiedCount: 5 });
      // Another account's mesh of the same name has no index.
      await meshes.insert(neighbour, 'people', [email('a@b.c'), email('a@b.c')]);
      await meshes.insert(neighbour, 'people', [email('a@b.c')]);
      assert.equal((await meshes.search(owner, 'other', { filter: parseFilter('{ email: "same@x" }'), offset: 0, limit: 10 }, generous)).totalRecords, 5);
      assert.equal((await meshes.search(neighbour, 'people', { filter: parseFilter('{ email: "a@b.c" }'), offset: 0, limit: 10 }, generous)).totalRecords, 3);
      // The indexed mesh still refuses, by create and by replace.
      assert.equal((await meshes.search(owner, 'people', { offset: 0, limit: 10 }, generous)).totalRecords, 1);
      const second = email('b@b.c');
      await meshes.insert(owner, 'people', [second]);
      await assert.rejects(meshes.replace(owner, 'people', stored({ _id: second.id, email: 'a@b.c' })), UniqueViolation);
    });

    test('an indexed filter seeks the index: plan.indexed, within a budget of 0, answered wholly in SQL', async () => {
      const documents = Array.from({ length: 2_000 }, (_, i) => ({ _id: newObjectId(Date.now() + i), code: `c${i % 500}`, rank: i % 13, other: i }));
      await meshes.insert(account, 'seeked', documents.map(stored));
      await meshes.insert(other, 'seeked', documents.map(stored));
      const filter = parseFilter('{ code: "c42" }');
      const sort = parseOrderBy('{ rank: -1 }');
      await assert.rejects(meshes.search(account, 'seeked', { filter, sort, offset: 0, limit: 2 }, { maxScan: 0 }), ScanBudgetExceeded);
      await meshes.createIndex(account, { name: 'seeked_code', mesh: 'seeked', paths: ['code'], unique: false, createdAt: Date.now() });
      const expected = sortDocuments(documents.filter((d) => matches(filter, d)), sort).map((d) => d._id);
      const answer = await meshes.search(account, 'seeked', { filter, sort, offset: 0, limit: 2 }, { maxScan: 0 });
      assert.deepEqual(answer.plan, { sqlOnly: true, indexed: true });
      assert.equal(answer.totalRecords, 4);
      assert.deepEqual(answer.results.map((r) => r.id), expected.slice(0, 2));
      const update = parseUpdate('{ $set: { seen: true } }')!;
      assert.deepEqual(await meshes.updateMany(account, 'seeked', filter, update, Date.now(), { maxScan: 0 }), { matchedCount: 4, modifiedCount: 4 });
      // Another filter on the same mesh is still a scan, and refused.
      await assert.rejects(meshes.search(account, 'seeked', { filter: parseFilter('{ other: 5 }'), offset: 0, limit: 2 }, { maxScan: 0 }), ScanBudgetExceeded);
      assert.equal(await meshes.deleteMany(account, 'seeked', filter, { maxScan: 0 }), 4);
      assert.equal((await meshes.search(account, 'seeked', { filter, offset: 0, limit: 2 }, { maxScan: 0 })).totalRecords, 0);
      assert.equal((await meshes.search(other, 'seeked', { filter, offset: 0, limit: 10 }, generous)).totalRecords, 4);
    });

    test('documents committed with new shapes while searches run: each search sees every document written before it began', async () => {
      const scalars = Array.from({ length: 50 }, (_, k) => ({ _id: newObjectId(Date.now() + k), v: 1, k }));
      await meshes.insert(account, 'reshaped', scalars.map(stored));
      const filter = parseFilter('{ v: 1 }');
      const sort = parseOrderBy('{ k: -1 }');
      const later: JsonObject[] = [
        ...Array.from({ length: 10 }, (_, n) => ({ _id: newObjectId(), v: [0, 1], k: 100 + n })),
        ...Array.from({ length: 10 }, (_, n) => ({ _id: newObjectId(), v: [[1], 1], k: [200 + n, -1] })),
        ...Array.from({ length: 10 }, (_, n) => ({ _id: newObjectId(), v: { nested: 1 }, k: 'text' + n })),
      ];
      const searches: Promise<void>[] = [];
      const written: JsonObject[] = [...scalars];
      for (const doc of later) {
        await meshes.insert(account, 'reshaped', [stored(doc)]);
        written.push(doc);
        const before = [...written];
        searches.push(
          meshes.search(account, 'reshaped', { filter, sort, offset: 0, limit: 1_000 }, generous).then((answer) => {
            const expected = new Set(before.filter((d) => matches(filter, d)).map((d) => d['_id']));
            const got = answer.results.map((r) => JSON.parse(r.json) as JsonObject);
            for (const id of expected) assert.ok(got.some((d) => d['_id'] === id), `a search after ${before.length} writes misses ${String(id)}`);
            for (const d of got) assert.ok(matches(filter, d));
            assert.equal(answer.totalRecords, got.length);
            assert.deepEqual(got.map((d) => d['_id']), sortDocuments(got, sort).map((d) => d['_id']));
          }),
        );
      }
      await Promise.all(searches);
    });

    test('concurrent PUTs of one document: it ends as one of them, whole', async () => {
      const id = newObjectId();
      await meshes.insert(account, 'raced', [stored({ _id: id, v: -1 })]);
      const versions = Array.from({ length: 16 }, (_, v) => stored({ _id: id, v, payload: 'p'.repeat(v * 10), list: Array.from({ length: v }, (_, i) => i) }));
      const results = await Promise.all(versions.map((version) => meshes.replace(account, 'raced', version)));
      assert.ok(results.every(Boolean));
      const final = (await meshes.get(account, 'raced', id))!.json;
      assert.ok(versions.some((version) => version.json === final), final);
    });

    test('PATCH racing DELETE and PATCH: no lost or half-applied update', async () => {
      const documents = Array.from({ length: 100 }, (_, i) => ({ _id: newObjectId(Date.now() + i), a: 0, b: 0 }));
      await meshes.insert(account, 'patched', documents.map(stored));
      const increment = parseUpdate('{ $inc: { a: 1, b: 1 } }')!;
      const work: Promise<unknown>[] = [];
      for (let round = 0; round < 4; round++) {
        work.push(meshes.updateMany(account, 'patched', undefined, increment, Date.now(), generous));
        for (const doc of documents.slice(round * 10, round * 10 + 10)) work.push(meshes.deleteOne(account, 'patched', doc._id));
        work.push(meshes.deleteMany(account, 'patched', parseFilter(`{ _id: "${documents[50 + round]!._id}" }`), generous));
      }
      const settled = await Promise.allSettled(work);
      assert.deepEqual(settled.filter((s) => s.status === 'rejected'), []);
      const left = await meshes.search(account, 'patched', { offset: 0, limit: 1000 }, generous);
      assert.equal(left.totalRecords, 100 - 40 - 4);
      for (const row of left.results) {
        const doc = JSON.parse(row.json) as { a: number; b: number };
        assert.equal(doc.a, 4, 'every update reached every document that was never deleted');
        assert.equal(doc.b, doc.a);
      }
    });

    test('10,000 documents: a search re-checked against the evaluator, pages and totals exact', async () => {
      const documents: JsonObject[] = Array.from({ length: 10_000 }, (_, i) => ({ _id: newObjectId(Date.now() + i), i, bucket: i % 97, tags: i % 10 === 0 ? ['ten', i % 3] : 'none' }));
      for (let start = 0; start < documents.length; start += 1_000) await meshes.insert(account, 'big', documents.slice(start, start + 1_000).map(stored));
      const filter = parseFilter('{ $or: [{ bucket: { $lt: 3 } }, { tags: 2 }] }');
      const sort = parseOrderBy('{ bucket: -1, i: 1 }');
      const expected = sortDocuments(documents.filter((d) => matches(filter, d)), sort).map((d) => d['_id']);
      const pages = await Promise.all([0, 25, 50, 75].map((offset) => meshes.search(account, 'big', { filter, sort, offset, limit: 25 }, generous)));
      pages.forEach((page, n) => {
        assert.equal(page.totalRecords, expected.length);
        assert.deepEqual(page.results.map((r) => r.id), expected.slice(n * 25, n * 25 + 25));
      });
    });
  });
}

function stored(document: JsonObject): StoredDocument {
  return { id: document['_id'] as string, json: JSON.stringify(document) };
}
