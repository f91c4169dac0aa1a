import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRouteTable } from '../../src/cluster/memory/memory-route-table.js';
import type { RouteDiff, RouteTable } from '../../src/cluster/route-table.js';
import { RouteWriter } from '../../src/edge/route-writer.js';

const tick = () => new Promise((r) => setImmediate(r));

/**
 * The memory table with Redis' gap between the check's read and its rewrite, and writes that can
 * overtake a read (as an auto-pipelined read can be overtaken by a transaction).
 */
class SlowCheckTable extends MemoryRouteTable {
  changes = 0;
  override async reconcile(edgeId: string, filters: string[]): Promise<RouteDiff | null> {
    await tick();
    await tick();
    return super.reconcile(edgeId, filters);
  }

  override async change(edgeId: string, adds: readonly string[], removes: readonly string[]): Promise<void> {
    this.changes++;
    await tick();
    return super.change(edgeId, adds, removes);
  }
}

async function filtersOf(table: RouteTable, edgeId: string): Promise<string[]> {
  return [...((await table.snapshot()).routes.get(edgeId) ?? [])].sort();
}

describe('the route writer of an edge', () => {
  it('never lets the periodic check delete a filter subscribed while the check ran', async () => {
    const table = new SlowCheckTable();
    const writer = new RouteWriter(table, 'e1');
    const local = new Set(['a']);
    await writer.add('a');
    // The check takes the local filters now; a subscription to b starts right after.
    const check = writer.reconcile(() => [...local]);
    local.add('b');
    const added = writer.add('b');
    await Promise.all([check, added]);
    assert.deepEqual(await filtersOf(table, 'e1'), ['a', 'b']);
  });

  it('writes additions and removals that wait together in one change, the last one per filter winning', async () => {
    const table = new SlowCheckTable();
    const writer = new RouteWriter(table, 'e1');
    await writer.add('first');
    const before = table.changes;
    await Promise.all([writer.add('x'), writer.add('y'), writer.remove('x'), writer.add('z'), writer.remove('first')]);
    assert.deepEqual(await filtersOf(table, 'e1'), ['y', 'z']);
    assert.equal(table.changes - before, 1, 'one write for the five');
  });

  it('rewrites the set from the local filters when Redis lost it, and says so', async () => {
    const table = new MemoryRouteTable();
    const writer = new RouteWriter(table, 'e1');
    await writer.add('a');
    await table.clear('e1');
    assert.deepEqual(await writer.reconcile(() => ['a']), { missing: ['a'], extra: [] });
    assert.deepEqual(await filtersOf(table, 'e1'), ['a']);
    assert.equal(await writer.reconcile(() => ['a']), null);
  });

  it('fails the callers of a write that failed, and goes on with the next one', async () => {
    const table = new MemoryRouteTable();
    let fail = true;
    const original = table.change.bind(table);
    table.change = async (...args) => { if (fail) { fail = false; throw new Error('Redis away'); } return original(...args); };
    const writer = new RouteWriter(table, 'e1');
    await assert.rejects(writer.add('a'), /Redis away/);
    await writer.add('b');
    assert.deepEqual(await filtersOf(table, 'e1'), ['b']);
  });
});
