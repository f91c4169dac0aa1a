import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EdgeLoad, EdgeLoadStore } from '../../src/cluster/edge-load.js';
import { subjects, type Subject } from './subject.js';

const load = (edgeId: string, connections: number): EdgeLoad => ({
  edgeId, state: 'ready', connections, capacity: 100, messagesPerSecond: 1.5, eventLoopLagMs: 2, cpu: 0.1, rssBytes: 1000,
  addresses: { mqtt: `mqtt://h:${edgeId}`, mqtts: null, ws: null }, reportedAt: 1_000,
});

/** What every load report store does; run against each implementation. */
export function edgeLoadStoreContract(implementation: string, make: () => Promise<Subject<EdgeLoadStore>>): void {
  describe(`an edge load store (${implementation})`, () => {
    const fresh = subjects(make);

    it('keeps the latest report of each edge until the edge leaves', async () => {
      const store = await fresh();
      await store.report(load('e1', 5));
      await store.report(load('e1', 7));
      await store.report(load('e2', 3));
      assert.deepEqual((await store.list()).sort((a, b) => a.edgeId.localeCompare(b.edgeId)), [load('e1', 7), load('e2', 3)]);
      await store.remove('e1');
      assert.deepEqual((await store.list()).map((l) => l.edgeId), ['e2']);
    });
  });
}
