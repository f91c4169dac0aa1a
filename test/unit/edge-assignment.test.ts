import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseEdge, EdgeAssigner, type AssignmentPolicy, type Candidate } from '../../src/cluster/edge-assignment.js';
import type { EdgeLoad } from '../../src/cluster/edge-load.js';
import { Admission } from '../../src/edge/admission.js';
import { LoadReporter } from '../../src/edge/load-reporter.js';
import { createLogger } from '../../src/log.js';

const policy: AssignmentPolicy = { staleAfterMs: 3000, hotLagMs: 200, hotCpu: 0.9, band: 0.02 };
const NOW = 1_000_000;

function load(edgeId: string, over: Partial<EdgeLoad> = {}): EdgeLoad {
  return {
    edgeId, state: 'ready', connections: 0, capacity: 1000, messagesPerSecond: 0, eventLoopLagMs: 1, cpu: 0.1, rssBytes: 1,
    addresses: { mqtt: `mqtt://h:${edgeId}`, mqtts: null, ws: null }, reportedAt: NOW, ...over,
  };
}
const c = (l: EdgeLoad, pending = 0): Candidate => ({ load: l, pending });

/** A seeded generator, so that a weighted choice is the same on every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31; };
}

describe('choosing an edge for a device', () => {
  it('picks the least utilised edge, counting devices sent to it since its report', () => {
    assert.equal(chooseEdge([c(load('a', { connections: 500 })), c(load('b', { connections: 100 }))], NOW, policy)?.edgeId, 'b');
    assert.equal(chooseEdge([c(load('a', { connections: 100 })), c(load('b', { connections: 100 }), 300)], NOW, policy)?.edgeId, 'a');
  });

  it('weighs utilisation against capacity: a bigger edge takes more devices', () => {
    const picked = chooseEdge([c(load('small', { connections: 60, capacity: 100 })), c(load('big', { connections: 100, capacity: 1000 }))], NOW, policy);
    assert.equal(picked?.edgeId, 'big');
  });

  it('never picks a draining, silent or full edge, and answers null when none is left', () => {
    const draining = load('d', { state: 'draining' });
    assert.equal(chooseEdge([c(load('u', { state: 'unready' }))], NOW, policy), null, 'an edge failing its readiness checks');
    const silent = load('s', { reportedAt: NOW - 3001 });
    const full = load('f', { connections: 999 });
    assert.equal(chooseEdge([c(draining), c(silent), c(full, 1)], NOW, policy), null);
    assert.equal(chooseEdge([c(draining), c(silent), c(full, 1), c(load('ok', { connections: 900 }))], NOW, policy)?.edgeId, 'ok');
  });

  it('avoids an edge lagging or CPU-bound in two reports running while a cool one has room, and uses it when all are hot', () => {
    const lagging = load('lag', { eventLoopLagMs: 500 });
    const busy = load('cpu', { cpu: 1.5 });
    const cool = load('cool', { connections: 800 });
    const hot = (l: EdgeLoad): Candidate => ({ load: l, pending: 0, earlier: { ...l, reportedAt: l.reportedAt - 1000 } });
    assert.equal(chooseEdge([hot(lagging), hot(busy), c(cool)], NOW, policy)?.edgeId, 'cool');
    assert.ok(['lag', 'cpu'].includes(chooseEdge([hot(lagging), hot(busy)], NOW, policy)!.edgeId));
  });

  it('does not turn devices away for one hot interval (a GC pause, a new edge starting up)', () => {
    const spike = load('spike', { eventLoopLagMs: 500 });
    const cooledDown = { ...spike, eventLoopLagMs: 5, reportedAt: NOW - 1000 };
    const fuller = load('fuller', { connections: 800 });
    assert.equal(chooseEdge([c(spike), c(fuller)], NOW, policy)?.edgeId, 'spike', 'its first report');
    assert.equal(chooseEdge([{ load: spike, pending: 0, earlier: cooledDown }, c(fuller)], NOW, policy)?.edgeId, 'spike', 'cool just before');
  });

  it('splits devices between equally loaded edges at random, weighted by free room', () => {
    const random = seeded(7);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 2000; i++) counts[chooseEdge([c(load('a')), c(load('b'))], NOW, policy, random)!.edgeId as 'a' | 'b']++;
    assert.ok(Math.abs(counts.a - counts.b) < 200, JSON.stringify(counts));
  });
});

/**
 * A cluster in memory: every assigned device connects at once, but an edge's report shows it only
 * from the next report on (once a second), while hundreds of devices ask within each second.
 */
class FakeCluster {
  readonly live = new Map<string, number>();
  private readonly reports = new Map<string, EdgeLoad>();

  report(now: number): void {
    for (const [id, n] of this.live) this.reports.set(id, load(id, { connections: n, capacity: 100_000, reportedAt: now }));
  }

  loads = (): Promise<EdgeLoad[]> => Promise.resolve([...this.reports.values()].map((r) => ({ ...r })));
}

function within(values: number[], fraction: number): boolean {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.every((v) => Math.abs(v - mean) <= mean * fraction);
}

describe('the assigner', () => {
  it('spreads a storm of devices asking within the same second, and fills a new edge first', async () => {
    const clock = { now: NOW };
    const cluster = new FakeCluster();
    cluster.live.set('a', 0).set('b', 0);
    const assigner = new EdgeAssigner({ loads: cluster.loads, locate: () => Promise.resolve(null), policy, refreshMs: 250, clock: () => clock.now, random: seeded(3) });
    const storm = async (devices: number, perSecond: number) => {
      const placed = new Map<string, number>();
      for (let i = 0; i < devices; i++) {
        if (i % perSecond === 0) { clock.now += 1000; cluster.report(clock.now); }
        const a = await assigner.assign();
        assert.ok(a, 'an edge is assigned');
        cluster.live.set(a.edgeId, cluster.live.get(a.edgeId)! + 1);
        placed.set(a.edgeId, (placed.get(a.edgeId) ?? 0) + 1);
      }
      return placed;
    };
    const first = await storm(1000, 400);
    assert.ok(within([first.get('a')!, first.get('b')!], 0.1), JSON.stringify([...first]));
    cluster.live.set('c', 0);
    const second = await storm(1000, 400);
    assert.ok(second.get('c')! > 600, JSON.stringify([...second]));
    assert.ok(within([...cluster.live.values()], 0.1), JSON.stringify([...cluster.live]));
  });

  it('sends a device back to the edge it is connected to, unless that edge drains', async () => {
    const edges = [load('a', { connections: 900 }), load('b')];
    const assigner = new EdgeAssigner({
      loads: () => Promise.resolve(edges), locate: (id) => Promise.resolve(id === 'dev-1' ? 'a' : null), policy, refreshMs: 0, clock: () => NOW,
    });
    assert.deepEqual(await assigner.assign('dev-1'), { edgeId: 'a', addresses: edges[0]!.addresses, reason: 'current_edge' });
    assert.equal((await assigner.assign('dev-2'))?.edgeId, 'b');
    edges[0]!.state = 'draining';
    assert.deepEqual(await assigner.assign('dev-1'), { edgeId: 'b', addresses: edges[1]!.addresses, reason: 'least_loaded' });
  });

  it('keeps each edge\'s previous report, so that an edge hot in two reports running is avoided', async () => {
    const clock = { now: NOW };
    let reports = [load('busy', { eventLoopLagMs: 400 }), load('calm', { connections: 500 })];
    const assigner = new EdgeAssigner({ loads: () => Promise.resolve(reports), locate: () => Promise.resolve(null), policy, refreshMs: 0, clock: () => clock.now });
    assert.equal((await assigner.assign())?.edgeId, 'busy', 'one hot report is not enough');
    clock.now += 1000;
    reports = [load('busy', { eventLoopLagMs: 300, reportedAt: clock.now }), load('calm', { connections: 500, reportedAt: clock.now })];
    assert.equal((await assigner.assign())?.edgeId, 'calm', 'hot again in the next report');
    assert.equal((await assigner.assign())?.edgeId, 'calm', 'the same report read again keeps its history');
    clock.now += 1000;
    reports = [load('busy', { eventLoopLagMs: 20, reportedAt: clock.now }), load('calm', { connections: 500, reportedAt: clock.now })];
    assert.equal((await assigner.assign())?.edgeId, 'busy', 'cool again');
  });

  it('reads the reports at most once per refresh interval, and again after a failed read', async () => {
    let reads = 0;
    let fail = true;
    const clock = { now: NOW };
    const assigner = new EdgeAssigner({
      loads: () => { reads++; return fail ? Promise.reject(new Error('redis down')) : Promise.resolve([load('a')]); },
      locate: () => Promise.resolve(null), policy, refreshMs: 250, clock: () => clock.now,
    });
    await assert.rejects(assigner.assign(), /redis down/);
    fail = false;
    assert.equal((await assigner.assign())?.edgeId, 'a');
    await assigner.assign();
    clock.now += 250;
    await assigner.assign();
    assert.equal(reads, 3);
  });
});

describe('admission of new connections', () => {
  it('refuses past capacity and while draining, counting each reason', () => {
    let connections = 2;
    const admission = new Admission(3, () => connections);
    assert.equal(admission.refusal(), null);
    connections = 3;
    assert.equal(admission.refusal(), 'full');
    connections = 0;
    admission.drain();
    assert.equal(admission.refusal(), 'draining');
    assert.deepEqual(admission.stats, { refusedFull: 1, refusedDraining: 1 });
  });
});

describe('the load reporter', () => {
  it('reports the message rate of its interval, turns unready with its checks and draining at once, and leaves when stopped', async () => {
    const reports: EdgeLoad[] = [];
    const removed: string[] = [];
    let messages = 0;
    let healthy = true;
    const reporter = new LoadReporter({
      edgeId: 'e1', capacity: 50, everyMs: 60_000, log: createLogger('error', { service: 'test' }),
      addresses: { mqtt: 'mqtt://h:1883', mqtts: null, ws: null },
      store: { report: async (l) => { reports.push(l); }, remove: async (id) => { removed.push(id); } },
      source: { connections: () => 7, messages: () => messages },
      ready: async () => { if (!healthy) throw new Error('RocketMQ does not answer'); },
    });
    await reporter.start();
    assert.deepEqual([reports[0]!.state, reports[0]!.connections, reports[0]!.capacity], ['ready', 7, 50]);
    messages = 500;
    await new Promise((r) => setTimeout(r, 100));
    const later = reporter.measure('ready');
    assert.ok(later.messagesPerSecond > 1000 && later.messagesPerSecond <= 5000, String(later.messagesPerSecond));
    healthy = false;
    await reporter.reportNow();
    assert.equal(reports.at(-1)!.state, 'unready');
    await reporter.draining();
    assert.equal(reports.at(-1)!.state, 'draining');
    await reporter.stop();
    assert.deepEqual(removed, ['e1']);
  });

  it('carries the progress of the newest rebalance shed, so a rebalance round knows when it is done', () => {
    let shed: { requestedAt: number; remaining: number } | null = null;
    const reporter = new LoadReporter({
      edgeId: 'e1', capacity: 50, everyMs: 60_000, log: createLogger('error', { service: 'test' }),
      addresses: { mqtt: 'mqtt://h:1883', mqtts: null, ws: null },
      store: { report: async () => undefined, remove: async () => undefined },
      source: { connections: () => 7, messages: () => 0, shed: () => shed },
      ready: async () => undefined,
    });
    assert.equal(reporter.measure('ready').shed, undefined, 'no shed asked yet');
    shed = { requestedAt: 5, remaining: 3 };
    assert.deepEqual(reporter.measure('ready').shed, { requestedAt: 5, remaining: 3 });
  });
});
