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
    onGapSkipped: (stream, from, to) => gaps.push(`${stream}:${from}-${to}`),
    ...over,
  });
  return { o, out, gaps };
}

describe('stream order: a producer lane\'s batches are delivered in the order they were sent', () => {
  it('passes batches that come in order straight through', () => {
    const { o, out } = order();
    for (let i = 0; i < 5; i++) o.accept('s', i, `b${i}`);
    assert.deepEqual(out, ['b0', 'b1', 'b2', 'b3', 'b4']);
    assert.equal(o.stats.held, 0);
  });

  it('holds a batch that overtook an earlier one, and releases both in order once the earlier one comes', () => {
    const { o, out } = order();
    o.accept('s', 0, 'b0');
    o.accept('s', 3, 'b3');
    o.accept('s', 2, 'b2');
    assert.deepEqual(out, ['b0']);
    assert.equal(o.stats.holding, 2);
    o.accept('s', 1, 'b1');
    assert.deepEqual(out, ['b0', 'b1', 'b2', 'b3']);
    assert.equal(o.stats.held, 2);
    assert.equal(o.stats.holding, 0);
  });

  it('keeps the streams of different lanes apart: a gap in one holds nothing of another', () => {
    const { o, out } = order();
    o.accept('a', 0, 'a0');
    o.accept('b', 0, 'b0');
    o.accept('a', 2, 'a2');
    o.accept('b', 1, 'b1');
    assert.deepEqual(out, ['a0', 'b0', 'b1']);
  });

  it('gives up on a missing batch after the hold time, and delivers it at once if it still comes', async () => {
    const { o, out, gaps } = order({ holdMs: 30 });
    o.accept('s', 0, 'b0');
    o.accept('s', 2, 'b2');
    o.accept('s', 3, 'b3');
    await wait(10);
    assert.deepEqual(out, ['b0'], 'still waiting within the hold time');
    await wait(50);
    assert.deepEqual(out, ['b0', 'b2', 'b3']);
    assert.deepEqual(gaps, ['s:1-1']);
    o.accept('s', 1, 'b1');
    assert.deepEqual(out, ['b0', 'b2', 'b3', 'b1'], 'nothing is dropped: a late batch is delivered out of order');
    assert.equal(o.stats.late, 1);
    o.accept('s', 4, 'b4');
    assert.deepEqual(out.at(-1), 'b4');
  });

  it('gives each new gap its own hold time, counted from when it became the first one', async () => {
    const { o, out } = order({ holdMs: 40 });
    o.accept('s', 0, 'b0');
    o.accept('s', 2, 'b2');
    await wait(30);
    o.accept('s', 4, 'b4');
    o.accept('s', 1, 'b1');
    assert.deepEqual(out, ['b0', 'b1', 'b2']);
    await wait(25);
    assert.deepEqual(out, ['b0', 'b1', 'b2'], 'the gap at 3 is 25 ms old, not 55');
    await wait(40);
    assert.deepEqual(out, ['b0', 'b1', 'b2', 'b4']);
  });

  it('does not hold more than maxHeld batches of a stream: past it the gap is given up on at once', () => {
    const { o, out, gaps } = order({ maxHeld: 3, holdMs: 60_000 });
    o.accept('s', 0, 'b0');
    for (let i = 2; i <= 5; i++) o.accept('s', i, `b${i}`);
    assert.deepEqual(out, ['b0', 'b2', 'b3', 'b4', 'b5']);
    assert.deepEqual(gaps, ['s:1-1']);
  });

  it('starts a stream at the floor of the first batch a reader meets: nothing older is waited for', () => {
    const { o, out } = order();
    o.accept('s', 41, 'b41');
    o.accept('s', 42, 'b42');
    assert.deepEqual(out, ['b41', 'b42']);
  });

  it('waits for the batches that were in flight with the first one it meets', () => {
    const { o, out } = order();
    o.accept('s', 1, 'b1', 0);
    assert.deepEqual(out, [], 'seq 0 was still unanswered when seq 1 was sent');
    o.accept('s', 0, 'b0', 0);
    assert.deepEqual(out, ['b0', 'b1']);
    assert.equal(o.stats.late, 0);
  });

  it('hands a second copy of a batch it is holding to `dropped`, never to `release`', () => {
    const dropped: string[] = [];
    const { o, out } = order({ dropped: (item) => dropped.push(item) });
    o.accept('s', 0, 'b0');
    o.accept('s', 2, 'b2');
    o.accept('s', 2, 'b2 again');
    o.accept('s', 1, 'b1');
    assert.deepEqual(out, ['b0', 'b1', 'b2']);
    assert.deepEqual(dropped, ['b2 again'], 'its caller is told, so nothing waits for it forever');
  });

  it('forgets the least recently seen idle streams past maxStreams, never one that holds batches', () => {
    const { o, out } = order({ maxStreams: 2, holdMs: 60_000 });
    o.accept('held', 0, 'h0');
    o.accept('held', 2, 'h2');
    o.accept('x', 5, 'x5');
    o.accept('y', 7, 'y7');
    // 'x' was forgotten, so it starts again where it is met; 'held' still waits for its seq 1.
    o.accept('x', 3, 'x3');
    o.accept('held', 1, 'h1');
    assert.deepEqual(out, ['h0', 'x5', 'y7', 'x3', 'h1', 'h2']);
    assert.equal(o.stats.late, 0);
  });

  it('releases everything it holds, in order, when the reader stops', () => {
    const { o, out } = order({ holdMs: 60_000 });
    o.accept('s', 0, 'b0');
    o.accept('s', 3, 'b3');
    o.accept('s', 2, 'b2');
    o.flush();
    assert.deepEqual(out, ['b0', 'b2', 'b3']);
    assert.equal(o.stats.holding, 0);
  });
});
