import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusMessage } from '../../src/message/envelope.js';
import type { WillStore } from '../../src/cluster/will-store.js';
import { subjects, type Subject } from './subject.js';

const will = (clientId: string, payload: string): BusMessage =>
  ({ id: `w-${clientId}`, topic: `wills/${clientId}`, payload: Buffer.from(payload), qos: 1, retain: false, origin: 'e1', clientId, publishedAt: 1, expiresAt: 0 });

/** What every will store does; run against each implementation. */
export function willStoreContract(implementation: string, make: () => Promise<Subject<WillStore>>): void {
  describe(`a will store (${implementation})`, () => {
    const fresh = subjects(make);

    it('keeps one will per device and edge, until it is removed or the edge\'s wills are cleared', async () => {
      const store = await fresh();
      await store.put('e1', will('d1', 'old'));
      await store.put('e1', will('d1', 'new'));
      await store.put('e1', will('d2', 'two'));
      await store.put('e2', will('d3', 'three'));
      const got = (await store.all('e1')).map((w) => [w.clientId, w.payload.toString()]).sort();
      assert.deepEqual(got, [['d1', 'new'], ['d2', 'two']]);
      await store.remove('e1', 'd1');
      assert.deepEqual((await store.all('e1')).map((w) => w.clientId), ['d2']);
      await store.clear('e1');
      assert.deepEqual(await store.all('e1'), []);
      assert.equal((await store.all('e2')).length, 1, 'other edges keep theirs');
    });
  });
}
