import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TurnBatch } from '../../src/store/sqlite/turn-batch.js';

interface Advance {
  id: string;
  fromGeneration: number;
  now: number;
}

/** A batch whose commits are recorded; `fail` makes the next commit throw, as a rolled-back transaction does. */
function recordingBatch() {
  const commits: Advance[][] = [];
  let fail = false;
  const batch = new TurnBatch((advances: Advance[]) => {
    if (fail) {
      fail = false;
      throw new Error('SQLITE_BUSY: database is locked');
    }
    commits.push(advances.map(({ id, fromGeneration, now }) => ({ id, fromGeneration, now })));
    // As the conditional update does: the first advance of a family from a generation wins.
    const seen = new Set<string>();
    return advances.map((a) => !seen.has(`${a.id}/${a.fromGeneration}`) && seen.add(`${a.id}/${a.fromGeneration}`) !== undefined);
  });
  return { batch, commits, failNextCommit: () => (fail = true) };
}

describe('rotations committed per event-loop turn', () => {
  test('the advances asked for in one turn go to one commit, in order, and each learns its own outcome', async () => {
    const { batch, commits } = recordingBatch();
    const outcomes = await Promise.all([
      batch.add({ id: 'a', fromGeneration: 0, now: 1 }),
      batch.add({ id: 'b', fromGeneration: 4, now: 1 }),
      batch.add({ id: 'a', fromGeneration: 0, now: 1 }),
    ]);
    assert.deepEqual(outcomes, [true, true, false]);
    assert.deepEqual(commits, [[
      { id: 'a', fromGeneration: 0, now: 1 },
      { id: 'b', fromGeneration: 4, now: 1 },
      { id: 'a', fromGeneration: 0, now: 1 },
    ]]);
    assert.equal(await batch.add({ id: 'a', fromGeneration: 1, now: 2 }), true);
    assert.equal(commits.length, 2, 'a later turn commits on its own');
  });

  test('a commit that fails rejects every advance of its batch, and the next batch commits', async () => {
    const { batch, commits, failNextCommit } = recordingBatch();
    failNextCommit();
    const failed = [batch.add({ id: 'a', fromGeneration: 0, now: 1 }), batch.add({ id: 'b', fromGeneration: 0, now: 1 })];
    for (const outcome of failed) await assert.rejects(outcome, /SQLITE_BUSY/);
    assert.deepEqual(commits, []);
    assert.equal(await batch.add({ id: 'a', fromGeneration: 0, now: 2 }), true);
  });

  test('flush commits what is waiting at once, and a flush with nothing waiting commits nothing', async () => {
    const { batch, commits } = recordingBatch();
    batch.flush();
    assert.equal(commits.length, 0);
    const outcome = batch.add({ id: 'a', fromGeneration: 0, now: 1 });
    batch.flush();
    assert.equal(commits.length, 1, 'committed before the turn ended');
    assert.equal(await outcome, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(commits.length, 1, 'the end of the turn finds nothing left to commit');
  });
});
