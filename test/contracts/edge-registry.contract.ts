import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EdgeRecord, EdgeRegistry } from '../../src/cluster/edge-registry.js';
import { subjects, type Subject } from './subject.js';

const record = (id: string, seenAt: number): EdgeRecord => ({ id, port: 1883, httpUrl: `http://h:${id}`, pid: 7, startedAt: 1, seenAt, stats: { delivered: seenAt } });

/** What every edge registry does; run against each implementation. */
export function edgeRegistryContract(implementation: string, make: () => Promise<Subject<EdgeRegistry>>): void {
  describe(`an edge registry (${implementation})`, () => {
    const fresh = subjects(make);

    it('keeps the latest record of each edge until the edge is removed', async () => {
      const reg = await fresh();
      await reg.put(record('e1', 10));
      await reg.put(record('e1', 20));
      await reg.put(record('e2', 15));
      assert.deepEqual(await reg.get('e1'), record('e1', 20));
      assert.deepEqual((await reg.list()).map((r) => r.id).sort(), ['e1', 'e2']);
      await reg.remove('e1');
      assert.equal(await reg.get('e1'), null);
      assert.deepEqual((await reg.list()).map((r) => r.id), ['e2']);
    });

    it('lets one claimant reap a dead edge until its claim runs out', async () => {
      const reg = await fresh();
      assert.equal(await reg.claimReaping('dead', 'e1', 300), true);
      assert.equal(await reg.claimReaping('dead', 'e2', 300), false);
      assert.equal(await reg.claimReaping('other', 'e2', 300), true, 'a claim holds for one dead edge only');
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(await reg.claimReaping('dead', 'e2', 300), true);
    });
  });
}
