import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readiness } from '../../src/health/readiness.js';
import { NotReadyError } from '../../src/errors.js';

describe('readiness of a process', () => {
  it('is ready when every check passes, and names the first part that fails', async () => {
    let redisUp = true;
    const r = new Readiness({ listeners: () => undefined, redis: async () => { if (!redisUp) throw new Error('ECONNREFUSED'); } });
    await r.check();
    redisUp = false;
    await new Promise((res) => setTimeout(res, 1050));
    await assert.rejects(r.check(), (err: unknown) => err instanceof NotReadyError && err.part === 'redis' && /redis: ECONNREFUSED/.test(err.message));
  });

  it('fails a check that does not answer in time', async () => {
    const r = new Readiness({ rocketmq: () => new Promise<void>(() => undefined) }, 50);
    await assert.rejects(r.check(), /rocketmq: rocketmq check did not finish within 50 ms/);
  });

  it('asks its checks at most once a second, however often it is probed', async () => {
    let asked = 0;
    const r = new Readiness({ redis: () => { asked++; } });
    await Promise.all(Array.from({ length: 20 }, () => r.check()));
    assert.equal(asked, 1);
  });
});
