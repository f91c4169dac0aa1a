import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EdgeLoad } from '../../src/cluster/edge-load.js';
import { Rebalancer, type RebalancePolicy } from '../../src/cluster/rebalancer.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('error', { service: 'test' });
const policy: RebalancePolicy = { staleAfterMs: 3000, tolerance: 0.05, maxRounds: 5, pollMs: 1000, roundTimeoutMs: 60_000, drainWaitMs: 60_000 };

interface SimEdge { connections: number; state: EdgeLoad['state']; shed?: { requestedAt: number; remaining: number } }

/**
 * A cluster on a virtual clock: each second an edge closes up to `rate` connections of its shed, and
 * the devices closed reconnect at once to the edge `assign` picks (the assigner's view of the moment).
 */
class SimCluster {
  now = 1_000_000;
  readonly edges = new Map<string, SimEdge>();
  readonly sheds: { edgeId: string; count: number; requestedAt: number }[] = [];
  /** Control messages reach an edge this many seconds after they were sent. */
  private readonly inbox: { at: number; edgeId: string; count: number; requestedAt: number }[] = [];

  constructor(edges: Record<string, number>, private readonly assign: (sim: SimCluster) => string, private readonly rate = 20) {
    for (const [id, n] of Object.entries(edges)) this.edges.set(id, { connections: n, state: 'ready' });
  }

  loads(): EdgeLoad[] {
    return [...this.edges].map(([edgeId, e]) => ({
      edgeId, state: e.state, connections: e.connections, capacity: 1000, messagesPerSecond: 0, eventLoopLagMs: 0, cpu: 0, rssBytes: 0,
      addresses: { mqtt: `mqtt://h/${edgeId}`, mqtts: null, ws: null }, reportedAt: this.now, ...(e.shed ? { shed: { ...e.shed } } : {}),
    }));
  }

  send(edgeId: string, count: number, requestedAt: number): void {
    this.sheds.push({ edgeId, count, requestedAt });
    this.inbox.push({ at: this.now + 1000, edgeId, count, requestedAt });
  }

  /** Least connections among `ids`. */
  least(ids: string[]): string {
    return ids.reduce((a, b) => (this.edges.get(b)!.connections < this.edges.get(a)!.connections ? b : a));
  }

  advance(ms: number): void {
    for (let t = 0; t < ms; t += 1000) {
      this.now += 1000;
      for (const m of this.inbox.filter((m) => m.at <= this.now)) {
        this.inbox.splice(this.inbox.indexOf(m), 1);
        const e = this.edges.get(m.edgeId);
        if (e) e.shed = { requestedAt: m.requestedAt, remaining: m.count };
      }
      let away = 0;
      for (const e of this.edges.values()) {
        if (!e.shed || e.shed.remaining === 0) continue;
        const n = Math.min(this.rate, e.shed.remaining, e.connections);
        e.connections -= n;
        e.shed.remaining = n === 0 ? 0 : e.shed.remaining - n;
        away += n;
      }
      for (let i = 0; i < away; i++) this.edges.get(this.assign(this))!.connections++;
    }
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.edges].map(([id, e]) => [id, e.connections]));
  }
}

function rebalancerOn(sim: SimCluster, over: Partial<RebalancePolicy> = {}): Rebalancer {
  return new Rebalancer({
    loads: async () => sim.loads(),
    shed: async (shed, requestedAt) => { sim.send(shed.edgeId, shed.count, requestedAt); },
    policy: { ...policy, ...over },
    log,
    clock: () => sim.now,
    sleep: async (ms) => { sim.advance(ms); },
  });
}

function withinTolerance(counts: Record<string, number>): boolean {
  const values = Object.values(counts);
  const share = values.reduce((a, b) => a + b, 0) / values.length;
  return values.every((n) => n <= share * (1 + policy.tolerance) + 1);
}

describe('a rebalance', () => {
  it('answers with its first round: every edge above its share sheds the excess', async () => {
    const sim = new SimCluster({ a: 60, b: 60, c: 0, d: 0 }, (s) => s.least(['a', 'b', 'c', 'd']));
    const rebalancer = rebalancerOn(sim);
    assert.deepEqual(await rebalancer.rebalance(), [{ edgeId: 'a', count: 30 }, { edgeId: 'b', count: 30 }]);
    await rebalancer.whenIdle();
    assert.deepEqual(sim.counts(), { a: 30, b: 30, c: 30, d: 30 });
    assert.equal(sim.sheds.length, 2, 'one round was enough');
  });

  it('sheds again in later rounds when assignment skewed the first one (a new edge avoided while it was hot)', async () => {
    const started = 1_000_000;
    // Edge c is hot for the first 3 s: the devices moved then go to the least loaded of the others.
    const sim = new SimCluster({ a: 60, b: 60, c: 0, d: 0 }, (s) => s.least(s.now - started <= 3000 ? ['a', 'b', 'd'] : ['a', 'b', 'c', 'd']));
    const rebalancer = rebalancerOn(sim);
    await rebalancer.rebalance();
    await rebalancer.whenIdle();
    assert.ok(sim.sheds.length > 2, `more than one round (${sim.sheds.length} sheds)`);
    assert.ok(withinTolerance(sim.counts()), JSON.stringify(sim.counts()));
    assert.equal(Object.values(sim.counts()).reduce((a, b) => a + b, 0), 120, 'no device lost on the way');
  });

  it('stops after its last round when the edges never even out', async () => {
    const sim = new SimCluster({ a: 60, b: 0 }, () => 'a');
    const rebalancer = rebalancerOn(sim, { maxRounds: 3 });
    await rebalancer.rebalance();
    await rebalancer.whenIdle();
    assert.deepEqual(sim.sheds.map((s) => s.edgeId), ['a', 'a', 'a']);
  });

  it('waits for each round\'s sheds to be reported done before it looks again', async () => {
    // 100 connections at 20 a second: the first round's shed of 50 takes 3 s after it arrives.
    const sim = new SimCluster({ a: 100, b: 0 }, (s) => (s.now < 1_000_000 + 3000 ? 'a' : 'b'), 20);
    const rebalancer = rebalancerOn(sim);
    await rebalancer.rebalance();
    await rebalancer.whenIdle();
    const [first, second] = sim.sheds;
    assert.ok(second, 'a second round');
    assert.ok(second.requestedAt - first!.requestedAt >= 4000, `the second round came ${second.requestedAt - first!.requestedAt} ms after the first`);
    assert.ok(withinTolerance(sim.counts()), JSON.stringify(sim.counts()));
  });

  it('after a drain, waits until the drained edge is gone, then evens out the rest', async () => {
    const sim = new SimCluster({ a: 40, b: 40, gone: 40 }, (s) => s.least(['a', 'b']));
    sim.edges.get('gone')!.state = 'draining';
    // The drain moved everything to a while b was busy.
    const rebalancer = rebalancerOn(sim);
    rebalancer.afterDrain('gone');
    sim.advance(2000);
    assert.equal(sim.sheds.length, 0, 'nothing while the drained edge is still there');
    sim.edges.delete('gone');
    sim.edges.get('a')!.connections += 40;
    await rebalancer.whenIdle();
    assert.deepEqual(sim.sheds.map((s) => s.edgeId), ['a']);
    assert.deepEqual(sim.counts(), { a: 60, b: 60 });
  });

  it('plans nothing for a balanced cluster, and is idle at once', async () => {
    const sim = new SimCluster({ a: 30, b: 30 }, (s) => s.least(['a', 'b']));
    const rebalancer = rebalancerOn(sim);
    assert.deepEqual(await rebalancer.rebalance(), []);
    await rebalancer.whenIdle();
    assert.equal(sim.sheds.length, 0);
  });

  it('passes on a failed reading of the loads, and is idle after it', async () => {
    const rebalancer = new Rebalancer({
      loads: async () => { throw new Error('redis down'); },
      shed: async () => { throw new Error('no shed expected'); },
      policy, log, sleep: async () => {},
    });
    await assert.rejects(rebalancer.rebalance(), /redis down/);
    await rebalancer.whenIdle();
  });

  it('is cancelled by stop(): no shed after it', async () => {
    const sim = new SimCluster({ a: 60, b: 0 }, () => 'a');
    const rebalancer = rebalancerOn(sim, { maxRounds: 50 });
    await rebalancer.rebalance();
    await rebalancer.stop();
    const sent = sim.sheds.length;
    sim.advance(10_000);
    await rebalancer.whenIdle();
    assert.equal(sim.sheds.length, sent);
  });
});
