import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusMessage } from '../../src/message/envelope.js';
import type { RetainedStore } from '../../src/cluster/retained-store.js';
import { subjects, type Subject } from './subject.js';

let n = 0;
function retained(topic: string, payload: string, publishedAt: number, expiresAt = 0): BusMessage {
  return { id: `m${++n}`, topic, payload: Buffer.from(payload), qos: 1, retain: true, origin: 'test', clientId: 'c', publishedAt, expiresAt };
}

/** What every retained store does; run against each implementation. */
export function retainedStoreContract(implementation: string, make: () => Promise<Subject<RetainedStore>>): void {
  describe(`a retained store (${implementation})`, () => {
    const fresh = subjects(make);

    it('keeps the newest message of each topic by publication time, whatever order the writes come in', async () => {
      const store = await fresh();
      const now = Date.now();
      assert.equal(await store.put(retained('a/1', 'second', now + 2)), true);
      assert.equal(await store.put(retained('a/1', 'first', now + 1)), false, 'an older write loses');
      assert.equal(await store.put(retained('a/2', 'other', now)), true);
      const all = await store.all();
      assert.deepEqual(all.map((m) => [m.topic, m.payload.toString()]).sort(), [['a/1', 'second'], ['a/2', 'other']]);
    });

    it('clears a topic with an empty payload, and an older message does not come back after the clear', async () => {
      const store = await fresh();
      const now = Date.now();
      await store.put(retained('b/1', 'x', now));
      assert.equal(await store.put(retained('b/1', '', now + 5)), true);
      assert.equal(await store.put(retained('b/1', 'late', now + 1)), false);
      assert.deepEqual((await store.all()).filter((m) => m.topic === 'b/1'), []);
    });

    it('leaves out and removes expired messages', async () => {
      const store = await fresh();
      const now = Date.now();
      await store.put(retained('c/1', 'gone', now, now - 1));
      await store.put(retained('c/2', 'kept', now, now + 60_000));
      assert.deepEqual((await store.all()).map((m) => m.topic).filter((t) => t.startsWith('c/')), ['c/2']);
      assert.equal(await store.put(retained('c/1', 'new', now - 10)), true, 'an expired message no longer blocks an older write');
    });

    it('hands back the message as it was written', async () => {
      const store = await fresh();
      const m = retained('d/1', 'payload', Date.now(), Date.now() + 60_000);
      await store.put(m);
      const [got] = (await store.all()).filter((x) => x.topic === 'd/1');
      assert.deepEqual({ ...got, payload: got!.payload.toString() }, { ...m, payload: 'payload' });
    });
  });
}
