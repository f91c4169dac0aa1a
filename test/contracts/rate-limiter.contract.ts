import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RateLimiter } from '../../src/cluster/rate-limiter.js';
import { subjects, type Subject } from './subject.js';

/** What every rate limiter does; run against each implementation (on real time). */
export function rateLimiterContract(implementation: string, make: () => Promise<Subject<RateLimiter>>): void {
  describe(`a rate limiter (${implementation})`, () => {
    const fresh = subjects(make);

    it('lets a burst of one second\'s worth through, then says how long until the next', async () => {
      const limiter = await fresh();
      const name = `k-${Math.random()}`;
      for (let i = 0; i < 5; i++) assert.equal(await limiter.take(name, 5), 0, `request ${i + 1} of the burst`);
      const wait = await limiter.take(name, 5);
      assert.ok(wait > 0 && wait <= 200, `waits ${wait} ms`);
      await new Promise((r) => setTimeout(r, 450));
      assert.equal(await limiter.take(name, 5), 0, 'a token came back');
    });

    it('keeps names apart and never limits a rate of 0', async () => {
      const limiter = await fresh();
      const [a, b] = [`a-${Math.random()}`, `b-${Math.random()}`];
      assert.equal(await limiter.take(a, 1), 0);
      assert.ok((await limiter.take(a, 1)) > 0);
      assert.equal(await limiter.take(b, 1), 0);
      for (let i = 0; i < 20; i++) assert.equal(await limiter.take(a, 0), 0);
    });
  });
}
