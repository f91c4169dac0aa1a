import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerOfReceipt } from '../../src/bus/rocketmq-feeds.js';
import { positionOf } from '../../src/cluster/session-store.js';
import { startOffset } from '../../src/edge/session-outbox.js';
import { createLogger } from '../../src/log.js';
import { placeOf, rewindTarget, SessionQueueCursor } from '../../src/edge/session-queue-cursor.js';

const log = createLogger('error', { service: 'test' });

function cursorUnderTest(opts: { failMoves?: number; groups?: string[] } = {}) {
  let clock = 1_000_000;
  let failures = opts.failMoves ?? 0;
  const moves: { liteTopic: string; offset: number }[] = [];
  const cursor = new SessionQueueCursor({
    reposition: async (liteTopic, offset) => {
      if (failures > 0) { failures--; throw new Error('broker away'); }
      moves.push({ liteTopic, offset });
    },
  }, log, { maxAttempts: 3, retryAfterMs: 2000, now: () => clock, groups: () => opts.groups ?? ['a'] });
  return { cursor, moves, advance: (ms: number) => { clock += ms; } };
}

/** A batch of broker group `queue` at `offset`. */
const at = (offset: number, queue = 'a') => ({ queue, offset });
/** A session whose device got as far as `next` in group a. */
const upTo = (next: number) => ({ a: next });

describe('where a batch read from a session queue stands', () => {
  it('is acknowledged below next, awaited at next, ahead beyond it', () => {
    assert.equal(placeOf(3, 5), 'acknowledged');
    assert.equal(placeOf(5, 5), 'next');
    assert.equal(placeOf(9, 5), 'ahead');
  });

  it('is counted in its own broker group: a group the session never read from starts at 0', () => {
    assert.equal(positionOf({ a: 57 }, 'a'), 57);
    assert.equal(positionOf({ a: 57 }, 'b'), 0);
    // A session from before positions were kept per group: its one position stands for all.
    assert.equal(positionOf({ '': 12 }, 'b'), 12);
  });

  it('names its broker group from the receipt handle the proxy hands on', () => {
    assert.equal(brokerOfReceipt('0 1764670000000 30000 2 0 rp-broker-b 0 17 90210'), 'rp-broker-b');
    assert.equal(brokerOfReceipt('garbage'), '');
    assert.equal(brokerOfReceipt(undefined), '');
  });
});

describe('where a session reader may be moved to (one move reaches every broker group)', () => {
  it('goes to the lowest position when the session has one in every group of the route', () => {
    assert.equal(rewindTarget({ a: 57, b: 3 }, 'a', ['a', 'b']), 3);
    assert.equal(rewindTarget({ a: 57 }, 'a', ['a']), 57);
  });

  it('goes to 0 when a group of the route may hold batches the device never read', () => {
    assert.equal(rewindTarget({ a: 57 }, 'a', ['a', 'b']), 0);
    assert.equal(rewindTarget({ a: 57 }, 'b', ['a', 'b']), 0);
    assert.equal(rewindTarget({ '': 57 }, 'a', ['a']), 0);
    assert.equal(rewindTarget({ a: 57 }, 'a', []), 0);
  });

  it('starts a connecting session at 0 when new, at the lowest position when it knows every group, else where each group stands', () => {
    assert.equal(startOffset({}, ['a', 'b']), 0);
    assert.equal(startOffset({ a: 9, b: 4 }, ['a', 'b']), 4);
    assert.equal(startOffset({ a: 9 }, ['a']), 9);
    assert.equal(startOffset({ a: 9 }, ['a', 'b']), undefined);
    assert.equal(startOffset({ a: 9 }, []), undefined);
    assert.equal(startOffset({ '': 9 }, ['a']), undefined);
  });
});

describe('the session queue cursor', () => {
  it('delivers the batch the session waits for and skips one the device acknowledged before', async () => {
    const { cursor, moves } = cursorUnderTest();
    assert.equal(await cursor.check('s-a', at(5), upTo(5), 'c'), 'deliver');
    assert.equal(await cursor.check('s-a', at(2), upTo(5), 'c'), 'skip');
    assert.deepEqual(moves, []);
    assert.equal(cursor.stats.sessionBatchesAlreadyDone, 1);
  });

  it('delivers a batch another broker group took while the home group was away, though its offset is low', async () => {
    const { cursor, moves } = cursorUnderTest({ groups: ['a', 'b'] });
    assert.equal(await cursor.check('s-a', at(0, 'b'), upTo(57), 'c'), 'deliver');
    assert.equal(await cursor.check('s-a', at(1, 'b'), { a: 57, b: 1 }, 'c'), 'deliver');
    assert.equal(await cursor.check('s-a', at(57, 'a'), { a: 57, b: 2 }, 'c'), 'deliver');
    assert.deepEqual(moves, []);
    assert.equal(cursor.stats.sessionBatchesAlreadyDone, 0);
  });

  it('moves the reader to 0 when a group it never read from starts at its last batch', async () => {
    const { cursor, moves } = cursorUnderTest({ groups: ['a', 'b'] });
    // Group b had no position for the session: it hands out its last batch first.
    assert.equal(await cursor.check('s-a', at(2, 'b'), upTo(57), 'c'), 'later');
    assert.deepEqual(moves, [{ liteTopic: 's-a', offset: 0 }]);
    // Group a hands out again what the device had: skipped by a's own position.
    assert.equal(await cursor.check('s-a', at(3, 'a'), upTo(57), 'c'), 'skip');
    assert.equal(await cursor.check('s-a', at(0, 'b'), upTo(57), 'c'), 'deliver');
  });

  it('puts back a batch that came too early and moves the reader back to next, once per pause', async () => {
    const { cursor, moves, advance } = cursorUnderTest();
    assert.equal(await cursor.check('s-a', at(30), upTo(23), 'c'), 'later');
    assert.deepEqual(moves, [{ liteTopic: 's-a', offset: 23 }]);
    // More early batches that were already on their way: put back, no second move yet.
    assert.equal(await cursor.check('s-a', at(31), upTo(23), 'c'), 'later');
    assert.equal(moves.length, 1);
    // The reader now hands out next: delivered, and the history is forgotten.
    assert.equal(await cursor.check('s-a', at(23), upTo(23), 'c'), 'deliver');
    advance(5000);
    assert.equal(await cursor.check('s-a', at(40), upTo(24), 'c'), 'later');
    assert.deepEqual(moves.at(-1), { liteTopic: 's-a', offset: 24 });
    assert.equal(cursor.stats.sessionReaderMovedBack, 2);
    assert.equal(cursor.stats.sessionBatchesMissing, 0);
  });

  it('never moves the reader past the position of another group it holds batches in', async () => {
    const { cursor, moves } = cursorUnderTest({ groups: ['a', 'b'] });
    assert.equal(await cursor.check('s-a', at(30, 'a'), { a: 23, b: 4 }, 'c'), 'later');
    assert.deepEqual(moves, [{ liteTopic: 's-a', offset: 4 }]);
  });

  it('takes a gap as real only after the reader was moved back several times and still skips it', async () => {
    const { cursor, moves, advance } = cursorUnderTest();
    for (let i = 0; i < 3; i++) {
      assert.equal(await cursor.check('s-a', at(10), upTo(4), 'c'), 'later');
      advance(2500);
    }
    assert.equal(moves.length, 3);
    assert.equal(await cursor.check('s-a', at(10), upTo(4), 'c'), 'deliver');
    assert.equal(cursor.stats.sessionBatchesMissing, 6);
  });

  it('does not count a move RocketMQ refused (a broker still away must not make a gap look real)', async () => {
    const { cursor, moves, advance } = cursorUnderTest({ failMoves: 10 });
    for (let i = 0; i < 10; i++) {
      await assert.rejects(cursor.check('s-a', at(10), upTo(4), 'c'));
      advance(2500);
    }
    assert.equal(await cursor.check('s-a', at(10), upTo(4), 'c'), 'later');
    assert.equal(moves.length, 1);
    assert.equal(cursor.stats.sessionBatchesMissing, 0);
  });

  it('keeps sessions apart and forgets a session that left', async () => {
    const { cursor, moves, advance } = cursorUnderTest();
    assert.equal(await cursor.check('s-a', at(10), upTo(4), 'a'), 'later');
    assert.equal(await cursor.check('s-b', at(7), upTo(1), 'b'), 'later');
    assert.equal(moves.length, 2);
    cursor.forget('s-a');
    advance(100);
    // A new session reader on this edge starts afresh: moved at once, not counted against the old one.
    assert.equal(await cursor.check('s-a', at(10), upTo(4), 'a'), 'later');
    assert.equal(moves.length, 3);
  });
});

describe('a batch waiting for its publisher\'s earlier messages', () => {
  it('subscribes the session queue again so that every group serves it now, from where no group skips its unread batches', async () => {
    const { cursor, moves } = cursorUnderTest({ groups: ['a', 'b'] });
    // The earlier messages went to group b, which the session never read from.
    await cursor.resubscribeForOrder('s-a', 'a', upTo(57), 'c');
    assert.deepEqual(moves, [{ liteTopic: 's-a', offset: 0 }]);
    // Known in both groups (group a's master was replaced, say): back to the lower position only.
    await cursor.resubscribeForOrder('s-b', 'b', { a: 57, b: 4 }, 'c');
    assert.deepEqual(moves.at(-1), { liteTopic: 's-b', offset: 4 });
    assert.equal(cursor.stats.sessionReaderResubscribed, 2);
  });

  it('subscribes again at most once per few seconds while batches keep waiting, and afresh for a session that came back', async () => {
    const { cursor, moves, advance } = cursorUnderTest({ groups: ['a', 'b'] });
    await cursor.resubscribeForOrder('s-a', 'a', upTo(57), 'c');
    advance(1000);
    await cursor.resubscribeForOrder('s-a', 'a', upTo(57), 'c');
    assert.equal(moves.length, 1);
    advance(2500);
    await cursor.resubscribeForOrder('s-a', 'a', upTo(57), 'c');
    assert.equal(moves.length, 2);
    cursor.forget('s-a');
    await cursor.resubscribeForOrder('s-a', 'a', upTo(57), 'c');
    assert.equal(moves.length, 3);
  });
});
