import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchedWrites } from '../../src/db/batched-writes.js';

/** A database stand-in: each write waits for the test to let it finish, and fails for `refuse`d rows. */
function database(refuse: (row: number) => boolean = () => false) {
  const writes: number[][] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const write = async (rows: number[]): Promise<void> => {
    writes.push(rows);
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise<void>((resolve) => pending.push(resolve));
    inFlight -= 1;
    if (rows.some(refuse)) throw new Error(`refused: ${rows.join(',')}`);
  };
  return {
    write,
    writes,
    get mostInFlight() {
      return mostInFlight;
    },
    /** Lets every write under way finish, then lets the batcher take its next step. */
    async finishWrites(): Promise<void> {
      for (const finish of pending.splice(0)) finish();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('BatchedWrites (group commit of audit rows)', () => {
  it('writes the rows added in one turn together, and those added meanwhile in the next write', async () => {
    const db = database();
    const batcher = new BatchedWrites(db.write, 100);
    const first = Array.from({ length: 30 }, (_, i) => batcher.add(i));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(db.writes, [Array.from({ length: 30 }, (_, i) => i)], 'one write for the turn');
    const second = [batcher.add(30), batcher.add(31)];
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(db.writes.length, 1, 'nothing more is written while a write is under way');
    await db.finishWrites();
    await Promise.all(first);
    assert.deepEqual(db.writes[1], [30, 31], 'the rows that waited go together');
    await db.finishWrites();
    await Promise.all(second);
  });

  it('writes at most maxRows rows at a time, in the order they came', async () => {
    const db = database();
    const batcher = new BatchedWrites(db.write, 4);
    const all = Array.from({ length: 10 }, (_, i) => batcher.add(i));
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 3; i++) await db.finishWrites();
    await Promise.all(all);
    assert.deepEqual(db.writes, [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('when a write fails, tries each of its rows alone, all at once: only the refused row fails', async () => {
    const db = database((row) => row === 3);
    const batcher = new BatchedWrites(db.write, 100);
    const outcomes = Promise.allSettled(Array.from({ length: 20 }, (_, i) => batcher.add(i)));
    await new Promise((resolve) => setImmediate(resolve));
    await db.finishWrites(); // the batch of 20 fails
    assert.equal(db.writes.length, 21, 'each row tried again on its own');
    assert.equal(db.mostInFlight, 20, 'all at once: a database that is down costs one wait, not twenty');
    await db.finishWrites();
    const settled = await outcomes;
    assert.deepEqual(
      settled.map((outcome) => outcome.status),
      settled.map((_, i) => (i === 3 ? 'rejected' : 'fulfilled')),
    );
  });

  it('drained() waits for rows added and not yet written', async () => {
    const db = database();
    const batcher = new BatchedWrites(db.write, 100);
    let written = 0;
    for (let i = 0; i < 5; i++) void batcher.add(i).then(() => (written += 1));
    let drained = false;
    void batcher.drained().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([written, drained, db.writes.length], [0, false, 1], 'the write is under way');
    await db.finishWrites();
    assert.deepEqual([written, drained], [5, true]);
    assert.equal(written, 5);
  });
});
