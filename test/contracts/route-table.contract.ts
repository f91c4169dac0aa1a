import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteTable } from '../../src/cluster/route-table.js';
import { subjects, type Subject } from './subject.js';

const sorted = (m: Map<string, string[]>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]).sort());

/** What every route table does; run against each implementation. */
export function routeTableContract(implementation: string, make: () => Promise<Subject<RouteTable>>): void {
  describe(`a route table (${implementation})`, () => {
    const fresh = subjects(make);

    it('keeps each edge\'s filters, and moves its version with every change', async () => {
      const table = await fresh();
      const v0 = await table.version();
      await table.add('e1', 'a/+');
      await table.add('e1', 'b/#');
      await table.add('e2', 'a/+');
      await table.remove('e1', 'a/+');
      const snap = await table.snapshot();
      assert.deepEqual(sorted(snap.routes), { e1: ['b/#'], e2: ['a/+'] });
      assert.ok(snap.version >= v0 + 4, `version ${snap.version} after 4 changes from ${v0}`);
      assert.equal(await table.version(), snap.version);
      await table.clear('e2');
      assert.deepEqual(sorted((await table.snapshot()).routes), { e1: ['b/#'] });
      assert.ok((await table.version()) > snap.version);
    });

    it('adds and removes several filters of one edge in one change', async () => {
      const table = await fresh();
      await table.add('e1', 'old');
      const v = await table.version();
      await table.change('e1', ['a', 'b'], ['old']);
      assert.deepEqual(sorted((await table.snapshot()).routes), { e1: ['a', 'b'] });
      assert.ok((await table.version()) > v);
      const unchanged = await table.version();
      await table.change('e1', [], []);
      assert.equal(await table.version(), unchanged, 'an empty change is no change');
    });

    it('rewrites an edge\'s filters only when they differ from what it holds', async () => {
      const table = await fresh();
      await table.add('e1', 'x');
      assert.equal(await table.reconcile('e1', ['x']), null);
      const v = await table.version();
      assert.deepEqual(await table.reconcile('e1', ['y', 'z']), { missing: ['y', 'z'], extra: ['x'] });
      assert.ok((await table.version()) > v);
      assert.deepEqual(sorted((await table.snapshot()).routes), { e1: ['y', 'z'] });
      assert.deepEqual(await table.reconcile('e1', []), { missing: [], extra: ['y', 'z'] });
      assert.deepEqual([...(await table.snapshot()).routes.values()].flat(), []);
    });
  });
}
