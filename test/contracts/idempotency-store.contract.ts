import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IdempotencyStore } from '../../src/cluster/idempotency-store.js';
import { subjects, type Subject } from './subject.js';

/** What every idempotency store does; run against each implementation. */
export function idempotencyStoreContract(implementation: string, make: () => Promise<Subject<IdempotencyStore>>): void {
  describe(`an idempotency store (${implementation})`, () => {
    const fresh = subjects(make);

    it('lets the first request with a key run, tells a repeat it is still running, then hands every repeat the answer', async () => {
      const store = await fresh();
      const body = { topic: 't', payload: 'p' };
      assert.deepEqual(await store.begin('backend', 'k1', body), { state: 'new' });
      assert.deepEqual(await store.begin('backend', 'k1', body), { state: 'pending' });
      await store.finish('backend', 'k1', body, 202, { id: 'push-1' });
      assert.deepEqual(await store.begin('backend', 'k1', body), { state: 'done', status: 202, body: { id: 'push-1' } });
    });

    it('refuses a repeat with another body, and keeps API keys apart', async () => {
      const store = await fresh();
      await store.begin('backend', 'k2', { a: 1 });
      assert.deepEqual(await store.begin('backend', 'k2', { a: 2 }), { state: 'mismatch' });
      assert.deepEqual(await store.begin('other', 'k2', { a: 2 }), { state: 'new' });
    });

    it('lets a repeat try again after the first request was abandoned', async () => {
      const store = await fresh();
      await store.begin('backend', 'k3', {});
      await store.abandon('backend', 'k3');
      assert.deepEqual(await store.begin('backend', 'k3', {}), { state: 'new' });
    });
  });
}
