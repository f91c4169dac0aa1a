import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionDrainer, type DrainableClient } from '../../src/edge/connection-drainer.js';
import { rebalancePlan } from '../../src/cluster/rebalance-plan.js';
import type { EdgeLoad } from '../../src/cluster/edge-load.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('error', { service: 'test' });

interface FakeClient extends DrainableClient {
  paused: boolean;
}

/** An edge's client list in memory: a closed client leaves it one turn later, as in aedes. */
function fakeEdge(clean: boolean[]) {
  const clients = new Map<string, FakeClient>();
  clean.forEach((c, i) => {
    const client: FakeClient = { id: `d${i}`, clean: c, paused: false, conn: { pause() { client.paused = true; } } };
    clients.set(client.id, client);
  });
  const order: { id: string; at: number; paused: boolean }[] = [];
  let settles = 0;
  const drainer = new ConnectionDrainer<FakeClient>({
    ratePerSecond: 50, tickMs: 20, log,
    clients: () => clients.values(),
    closeQuietly: (c) => { order.push({ id: c.id, at: Date.now(), paused: c.paused }); setImmediate(() => clients.delete(c.id)); },
    settle: async () => { settles++; },
  });
  return { clients, order, drainer, settles: () => settles };
}

describe('closing connections for a drain or a rebalance', () => {
  it('closes every connection in paced batches, each paused before it is closed', async () => {
    const edge = fakeEdge(Array<boolean>(10).fill(true));
    const started = Date.now();
    assert.equal(await edge.drainer.closeAll(Date.now() + 60_000), 10);
    assert.equal(edge.clients.size, 0);
    assert.deepEqual(edge.order.map((o) => o.id).sort(), [...Array(10).keys()].map((i) => `d${i}`).sort());
    assert.ok(edge.order.every((o) => o.paused), 'reading stopped before each close');
    // 50 a second in ticks of 20 ms: one connection per tick, so ten of them take nine ticks at least.
    assert.ok(Date.now() - started >= 9 * 20, `took ${Date.now() - started} ms`);
    assert.equal(edge.settles(), 10);
    assert.equal(edge.drainer.stats.drainClosed, 10);
  });

  it('closes whatever is left at once when the drain runs out of time', async () => {
    const edge = fakeEdge(Array<boolean>(30).fill(true));
    assert.equal(await edge.drainer.closeAll(Date.now() + 50), 30);
    // A few paced ticks, then the rest in one batch.
    const ticks = new Set(edge.order.map((o) => o.at));
    assert.ok(ticks.size < 15, `${ticks.size} batches`);
  });

  it('sheds the count asked for, persistent sessions first', async () => {
    const edge = fakeEdge([true, false, true, false, true]);
    assert.equal(await edge.drainer.shed(3), 3);
    const shed = edge.order.map((o) => o.id);
    assert.deepEqual(shed.slice(0, 2).sort(), ['d1', 'd3'], 'the two persistent sessions go first');
    await new Promise((r) => setImmediate(r));
    assert.equal(edge.clients.size, 2);
    assert.equal(await edge.drainer.shed(10), 2, 'never more than there are');
    assert.equal(edge.drainer.stats.shedClosed, 5);
  });

  it('tells how much of the newest shed request is left, down to 0 when it is done', async () => {
    const edge = fakeEdge(Array<boolean>(6).fill(true));
    assert.equal(edge.drainer.lastShed(), null);
    const first = edge.drainer.shed(2, 100);
    const second = edge.drainer.shed(3, 200);
    assert.deepEqual(edge.drainer.lastShed(), { requestedAt: 200, remaining: 3 }, 'the newer request waits behind the older one');
    await first;
    await second;
    assert.deepEqual(edge.drainer.lastShed(), { requestedAt: 200, remaining: 0 });
  });
});

function load(edgeId: string, connections: number, over: Partial<EdgeLoad> = {}): EdgeLoad {
  return {
    edgeId, state: 'ready', connections, capacity: 1000, messagesPerSecond: 0, eventLoopLagMs: 0, cpu: 0, rssBytes: 0,
    addresses: { mqtt: 'mqtt://h:1', mqtts: null, ws: null }, reportedAt: 1000, ...over,
  };
}

describe('a rebalance plan', () => {
  it('asks the edges above their share to shed the excess, and no one else', () => {
    assert.deepEqual(rebalancePlan([load('a', 600), load('b', 600), load('c', 0), load('d', 0)], 1000, 3000), [
      { edgeId: 'a', count: 300 }, { edgeId: 'b', count: 300 },
    ]);
  });

  it('gives a bigger edge a bigger share, and leaves draining and silent edges out', () => {
    const plan = rebalancePlan([load('big', 300, { capacity: 2000 }), load('small', 300), load('drain', 500, { state: 'draining' }), load('gone', 900, { reportedAt: 0 })], 5000, 4500);
    assert.deepEqual(plan, [{ edgeId: 'small', count: 100 }]);
  });

  it('with a tolerance, leaves an edge alone that is within it of its share, and takes the others down to their share', () => {
    const loads = [load('a', 104), load('b', 112), load('c', 84)];
    assert.deepEqual(rebalancePlan(loads, 1000, 3000, 0.05), [{ edgeId: 'b', count: 12 }]);
    assert.deepEqual(rebalancePlan(loads, 1000, 3000), [{ edgeId: 'a', count: 4 }, { edgeId: 'b', count: 12 }]);
  });

  it('plans nothing for a balanced cluster or a single edge', () => {
    assert.deepEqual(rebalancePlan([load('a', 500), load('b', 501)], 1000, 3000), []);
    assert.deepEqual(rebalancePlan([load('a', 500)], 1000, 3000), []);
  });
});
