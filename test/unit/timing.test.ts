import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, withTimeout } from '../../src/timing.js';

describe('the backoff of every retry loop', () => {
  it('doubles from its first wait up to its longest, and takes a random part of up to half off', () => {
    const b = { firstMs: 200, maxMs: 5000 };
    assert.deepEqual([1, 2, 3, 4, 5, 6, 9].map((n) => backoffMs(n, b, () => 1)), [200, 400, 800, 1600, 3200, 5000, 5000]);
    assert.deepEqual([1, 2, 6].map((n) => backoffMs(n, b, () => 0)), [100, 200, 2500]);
    const spread = new Set(Array.from({ length: 50 }, () => backoffMs(3, b)));
    assert.ok(spread.size > 10, 'retries of many processes are spread out');
    for (const d of spread) assert.ok(d >= 400 && d <= 800, String(d));
  });

  it('stays finite however many attempts failed', () => {
    assert.equal(backoffMs(10_000, { firstMs: 100, maxMs: 60_000 }, () => 1), 60_000);
  });
});

describe('a timeout around a promise', () => {
  it('passes the result on, or rejects naming what did not finish', async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 50, 'x'), 7);
    await assert.rejects(withTimeout(new Promise(() => undefined), 20, 'Redis quit'), /Redis quit did not finish within 20 ms/);
  });
});
