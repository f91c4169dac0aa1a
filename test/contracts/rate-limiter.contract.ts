import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RateLimiter } from '../../src/cluster/rate-limiter.js';
import { subjects, type Subject } from './subject.js';

/** What every rate limiter does; run against each implementation (on real time). */
export function rateLimiterContract(implementation: string, make: () => Promise<Subject<RateLimiter>>): void {
  describe(`a rate limiter (${implementation})`, () => {
    const fresh = subjects(make);

    it('lets a burst of one second\'s worth through, counting down what remains, then says how long until the next', async () => {
      const limiter = await fresh();
      const name = `k-${Math.random()}`;
      for (let i = 0; i < 5; i++) {
        const take = await limiter.take(name, 5);
        assert.equal(take.waitMs, 0, `request ${i + 1} of the burst`);
        assert.equal(take.remaining, 4 - i);
        assert.ok(take.resetMs > 0 && take.resetMs <= 1000, `the bucket is full again within a second (${take.resetMs} ms)`);
      }
      const refused = await limiter.take(name, 5);
      assert.ok(refused.waitMs > 0 && refused.waitMs <= 200, `waits ${refused.waitMs} ms`);
      assert.equal(refused.remaining, 0);
      await new Promise((r) => setTimeout(r, 450));
      assert.equal((await limiter.take(name, 5)).waitMs, 0, 'a token came back');
    });

    it('keeps names apart and never limits a rate of 0', async () => {
      const limiter = await fresh();
      const [a, b] = [`a-${Math.random()}`, `b-${Math.random()}`];
      assert.equal((await limiter.take(a, 1)).waitMs, 0);
      assert.ok((await limiter.take(a, 1)).waitMs > 0);
      assert.equal((await limiter.take(b, 1)).waitMs, 0);
      for (let i = 0; i < 20; i++) assert.equal((await limiter.take(a, 0)).waitMs, 0);
    });
  });
}
