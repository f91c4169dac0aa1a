import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Waiters } from '../../src/bus/waiters.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('waiters for room', () => {
  it('wakes only as many as asked, oldest first, and the rest keep waiting', async () => {
    const w = new Waiters();
    const woken: number[] = [];
    for (let i = 0; i < 5; i++) void w.wait().then(() => woken.push(i));
    w.wake(2);
    await tick();
    assert.deepEqual(woken, [0, 1]);
    assert.equal(w.size, 3);
    w.wakeAll();
    await tick();
    assert.deepEqual(woken, [0, 1, 2, 3, 4]);
    assert.equal(w.size, 0);
  });

  it('keeps order across many waits and wakes (its storage is compacted on the way)', async () => {
    const w = new Waiters();
    const woken: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) { const n = next++; void w.wait().then(() => woken.push(n)); }
      w.wake(60);
    }
    w.wakeAll();
    await tick();
    assert.deepEqual(woken, Array.from({ length: next }, (_, i) => i));
  });
});
