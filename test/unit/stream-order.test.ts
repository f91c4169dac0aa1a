import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamOrder, type StreamOrderOptions } from '../../src/bus/stream-order.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function order(over: Partial<StreamOrderOptions<string>> = {}) {
  const out: string[] = [];
  const gaps: string[] = [];
  const o = new StreamOrder<string>({
    holdMs: 40, maxHeld: 100, maxStreams: 100,
    release: (item) => out.push(item),
    onGapSkipped: (stream, missing) => gaps.push(`${stream}:${missing.join(',')}`),
    ...over,
  });
  return { o, out, gaps };
}

/** Predecessors still unanswered when the batch was sent. */
const w = (...seqs: number[]) => seqs.map((seq) => ({ seq, unanswered: true }));
/** Predecessors RocketMQ had answered: stored earlier. */
const answered = (...seqs: number[]) => seqs.map((seq) => ({ seq, unanswered: false }));
/** The batches before `seq` that a lane with `window` in flight would name as unanswered. */
const inFlight = (seq: number, window = 4) => w(...Array.from({ length: Math.min(seq, window - 1) }, (_, i) => seq - 1 - i));

describe('stream order: a producer lane\'s batches are delivered in the order they were sent', () => {
  it('passes batches that come in order straight through', () => {
    const { o, out } = order();
    for (let i = 0; i < 5; i++) o.accept('s', i, `b${i}`, inFlight(i));
    assert.deepEqual(out, ['b0', 'b1', 'b2', 'b3', 'b4']);
    assert.equal(o.stats.held, 0);
  });

  it('holds a batch that overtook an earlier one, and releases both in order once the earlier one comes', () => {
    const { o, out } = order();
    o.accept('s', 0, 'b0');
    o.accept('s', 3, 'b3', w(2, 1));
    o.accept('s', 2, 'b2', w(1));
    assert.deepEqual(out, ['b0']);
    assert.equal(o.stats.holding, 2);
    o.accept('s', 1, 'b1', w(0));
    assert.deepEqual(out, ['b0', 'b1', 'b2', 'b3']);
    assert.equal(o.stats.held, 2);
    assert.equal(o.stats.holding, 0);
  });

  it('waits only for the batches a batch names: holes in the numbers are batches for other readers', () => {
    const { o, out } = order();
    // A lane's numbers run across its delivery tags; this reader reads the tags of 0, 3 and 7 only.
    o.accept('s', 0, 'b0');
    o.accept('s', 7, 'b7', w(3));
    assert.deepEqual(out, ['b0'], '3 was unanswered when 7 was sent, and this reader reads it');
    o.accept('s', 3, 'b3', w(0));
    assert.deepEqual(out, ['b0', 'b3', 'b7'], '1, 2, 4, 5 and 6 were never waited for');
    assert.equal(o.stats.gapsSkipped, 0);
  });

  it('waits for an answered predecessor it has not seen once it knows the stream: a receive lost with a proxy comes back late', () => {
    const { o, out } = order();
    o.accept('s', 4, 'b4');
    o.accept('s', 6, 'b6', answered(5));
    assert.deepEqual(out, ['b4'], '5 was stored before 6, but this reader has not had it: it comes after its invisible time');
    o.accept('s', 5, 'b5', answered(4));
    assert.deepEqual(out, ['b4', 'b5', 'b6']);
  });

  it('does not wait for an answered predecessor of the first batch it meets of a stream: it was stored before this reader started', () => {
    const { o, out } = order();
    o.accept('s', 9, 'b9', answered(8));
    assert.deepEqual(out, ['b9']);
  });

  it('keeps the streams of different lanes apart: a gap in one holds nothing of another', () => {
    const { o, out } = order();
    o.accept('a', 0, 'a0');
    o.accept('b', 0, 'b0');
    o.accept('a', 2, 'a2', w(1));
    o.accept('b', 1, 'b1', w(0));
    assert.deepEqual(out, ['a0', 'b0', 'b1']);
  });

  it('gives up on a missing batch after the hold time, and delivers it at once if it still comes', async () => {
    const { o, out, gaps } = order({ holdMs: 30 });
    o.accept('s', 0, 'b0');
    o.accept('s', 2, 'b2', w(1));
    o.accept('s', 3, 'b3', w(2, 1));
    await wait(10);
    assert.deepEqual(out, ['b0'], 'still waiting within the hold time');
    await wait(50);
    assert.deepEqual(out, ['b0', 'b2', 'b3']);
    assert.deepEqual(gaps, ['s:1']);
    o.accept('s', 1, 'b1', w(0));
    assert.deepEqual(out, ['b0', 'b2', 'b3', 'b1'], 'nothing is dropped: a late batch is delivered out of order');
    assert.equal(o.stats.late, 1);
    o.accept('s', 4, 'b4', w(3));
    assert.deepEqual(out.at(-1), 'b4');
  });

  it('gives each held batch its own hold time, counted from its arrival', async () => {
    const { o, out } = order({ holdMs: 40 });
    o.accept('s', 0, 'b0');
    o.accept('s', 2, 'b2', w(1));
    await wait(30);
    o.accept('s', 4, 'b4', w(3));
    o.accept('s', 1, 'b1', w(0));
    assert.deepEqual(out, ['b0', 'b1', 'b2']);
    await wait(25);
    assert.deepEqual(out, ['b0', 'b1', 'b2'], 'b4 has waited 25 ms, not 55');
    await wait(40);
    assert.deepEqual(out, ['b0', 'b1', 'b2', 'b4']);
  });

  it('hands on a held batch that waits for another held one only after it, when it gives up', async () => {
    const { o, out, gaps } = order({ holdMs: 30 });
    o.accept('s', 0, 'b0');
    o.accept('s', 3, 'b3', w(2));
    o.accept('s', 2, 'b2', w(1));
    await wait(60);
    assert.deepEqual(out, ['b0', 'b2', 'b3']);
    assert.deepEqual(gaps, ['s:1'], 'only 1 is missing: 2 was held, not lost');
  });

  it('does not hold more than maxHeld batches of a stream: past it the oldest stops waiting at once', () => {
    const { o, out, gaps } = order({ maxHeld: 3, holdMs: 60_000 });
    o.accept('s', 0, 'b0');
    for (let i = 2; i <= 5; i++) o.accept('s', i, `b${i}`, inFlight(i));
    assert.deepEqual(out, ['b0', 'b2', 'b3', 'b4', 'b5']);
    assert.deepEqual(gaps, ['s:1']);
  });

  it('meets a stream anywhere: a first batch that names nothing is handed on at once', () => {
    const { o, out } = order();
    o.accept('s', 41, 'b41');
    o.accept('s', 42, 'b42', w(41));
    assert.deepEqual(out, ['b41', 'b42']);
  });

  it('waits for the batches that were in flight with the first one it meets', () => {
    const { o, out } = order();
    o.accept('s', 1, 'b1', w(0));
    assert.deepEqual(out, [], 'seq 0 was still unanswered when seq 1 was sent');
    o.accept('s', 0, 'b0');
    assert.deepEqual(out, ['b0', 'b1']);
    assert.equal(o.stats.late, 0);
  });

  it('hands a second copy of a batch it is holding to `dropped`, never to `release`', () => {
    const dropped: string[] = [];
    const { o, out } = order({ dropped: (item) => dropped.push(item) });
    o.accept('s', 0, 'b0');
    o.accept('s', 2, 'b2', w(1));
    o.accept('s', 2, 'b2 again', w(1));
    o.accept('s', 1, 'b1', w(0));
    assert.deepEqual(out, ['b0', 'b1', 'b2']);
    assert.deepEqual(dropped, ['b2 again'], 'its caller is told, so nothing waits for it forever');
  });

  it('forgets the least recently seen idle streams past maxStreams, never one that holds batches', () => {
    const { o, out } = order({ maxStreams: 2, holdMs: 60_000 });
    o.accept('held', 0, 'h0');
    o.accept('held', 2, 'h2', w(1));
    o.accept('x', 5, 'x5');
    o.accept('y', 7, 'y7');
    o.accept('x', 6, 'x6', w(5));
    assert.deepEqual(out, ['h0', 'x5', 'y7'], 'x was forgotten: it waits for 5 again');
    o.accept('held', 1, 'h1', w(0));
    assert.deepEqual(out, ['h0', 'x5', 'y7', 'h1', 'h2']);
    assert.equal(o.stats.late, 0);
  });

  it('releases everything it holds, in order, when the reader stops', () => {
    const { o, out } = order({ holdMs: 60_000 });
    o.accept('s', 0, 'b0');
    o.accept('s', 3, 'b3', w(2, 1));
    o.accept('s', 2, 'b2', w(1));
    o.flush();
    assert.deepEqual(out, ['b0', 'b2', 'b3']);
    assert.equal(o.stats.holding, 0);
  });
});
