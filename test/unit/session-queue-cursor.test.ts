import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import { placeOf, SessionQueueCursor } from '../../src/edge/session-queue-cursor.js';

const log = createLogger('error', { service: 'test' });

function cursorUnderTest(opts: { failMoves?: number } = {}) {
  let clock = 1_000_000;
  let failures = opts.failMoves ?? 0;
  const moves: { liteTopic: string; offset: number }[] = [];
  const cursor = new SessionQueueCursor({
    reposition: async (liteTopic, offset) => {
      if (failures > 0) { failures--; throw new Error('broker away'); }
      moves.push({ liteTopic, offset });
    },
  }, log, { maxAttempts: 3, retryAfterMs: 2000, now: () => clock });
  return { cursor, moves, advance: (ms: number) => { clock += ms; } };
}

describe('where a batch read from a session queue stands', () => {
  it('is acknowledged below next, awaited at next, ahead beyond it', () => {
    assert.equal(placeOf(3, 5), 'acknowledged');
    assert.equal(placeOf(5, 5), 'next');
    assert.equal(placeOf(9, 5), 'ahead');
  });
});

describe('the session queue cursor', () => {
  it('delivers the batch the session waits for and skips one the device acknowledged before', async () => {
    const { cursor, moves } = cursorUnderTest();
    assert.equal(await cursor.check('s-a', 5, 5, 'c'), 'deliver');
    assert.equal(await cursor.check('s-a', 2, 5, 'c'), 'skip');
    assert.deepEqual(moves, []);
    assert.equal(cursor.stats.sessionBatchesAlreadyDone, 1);
  });

  it('puts back a batch that came too early and moves the reader back to next, once per pause', async () => {
    const { cursor, moves, advance } = cursorUnderTest();
    assert.equal(await cursor.check('s-a', 30, 23, 'c'), 'later');
    assert.deepEqual(moves, [{ liteTopic: 's-a', offset: 23 }]);
    // More early batches that were already on their way: put back, no second move yet.
    assert.equal(await cursor.check('s-a', 31, 23, 'c'), 'later');
    assert.equal(moves.length, 1);
    // The reader now hands out next: delivered, and the history is forgotten.
    assert.equal(await cursor.check('s-a', 23, 23, 'c'), 'deliver');
    advance(5000);
    assert.equal(await cursor.check('s-a', 40, 24, 'c'), 'later');
    assert.deepEqual(moves.at(-1), { liteTopic: 's-a', offset: 24 });
    assert.equal(cursor.stats.sessionReaderMovedBack, 2);
    assert.equal(cursor.stats.sessionBatchesMissing, 0);
  });

  it('takes a gap as real only after the reader was moved back several times and still skips it', async () => {
    const { cursor, moves, advance } = cursorUnderTest();
    for (let i = 0; i < 3; i++) {
      assert.equal(await cursor.check('s-a', 10, 4, 'c'), 'later');
      advance(2500);
    }
    assert.equal(moves.length, 3);
    assert.equal(await cursor.check('s-a', 10, 4, 'c'), 'deliver');
    assert.equal(cursor.stats.sessionBatchesMissing, 6);
  });

  it('does not count a move RocketMQ refused (a broker still away must not make a gap look real)', async () => {
    const { cursor, moves, advance } = cursorUnderTest({ failMoves: 10 });
    for (let i = 0; i < 10; i++) {
      await assert.rejects(cursor.check('s-a', 10, 4, 'c'));
      advance(2500);
    }
    assert.equal(await cursor.check('s-a', 10, 4, 'c'), 'later');
    assert.equal(moves.length, 1);
    assert.equal(cursor.stats.sessionBatchesMissing, 0);
  });

  it('keeps sessions apart and forgets a session that left', async () => {
    const { cursor, moves, advance } = cursorUnderTest();
    assert.equal(await cursor.check('s-a', 10, 4, 'a'), 'later');
    assert.equal(await cursor.check('s-b', 7, 1, 'b'), 'later');
    assert.equal(moves.length, 2);
    cursor.forget('s-a');
    advance(100);
    // A new session reader on this edge starts afresh: moved at once, not counted against the old one.
    assert.equal(await cursor.check('s-a', 10, 4, 'a'), 'later');
    assert.equal(moves.length, 3);
  });
});
