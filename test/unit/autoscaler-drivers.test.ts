import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { Autoscaler, type AutoscalerStatus, type LoadMinute } from '../../src/autoscaler/autoscaler.js';
import type { ScaleDriver } from '../../src/autoscaler/drivers/driver.js';
import { KubernetesDriver } from '../../src/autoscaler/drivers/kubernetes-driver.js';
import { LocalDriver } from '../../src/autoscaler/drivers/local-driver.js';
import { PredictivePolicy, ReactivePolicy } from '../../src/autoscaler/policy.js';
import type { EdgeLoad } from '../../src/cluster/edge-load.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('error', { service: 'test' });
const capacity = { connections: 100, messagesPerSecond: 1000 };
const bounds = { min: 2, max: 10 };

function edge(edgeId: string, connections: number, over: Partial<EdgeLoad> = {}): EdgeLoad {
  return {
    edgeId, state: 'ready', connections, capacity: 100, messagesPerSecond: 0, eventLoopLagMs: 1, cpu: 0.1, rssBytes: 1,
    addresses: { mqtt: 'mqtt://h:1', mqtts: null, ws: null }, reportedAt: 1_000_000, ...over,
  };
}

function recordingDriver(): ScaleDriver & { applied: number[] } {
  const applied: number[] = [];
  return { name: 'recording', applied, starting: () => 0, apply: async (desired) => { applied.push(desired); } };
}

const predictive = () => new PredictivePolicy({ capacity, target: 0.5, bucketMs: 60_000, seasonBuckets: 60, leadMs: 60_000, smoothing: { alpha: 0.2, beta: 0.001, gamma: 0.4 }, bounds });

describe('the autoscaler loop', () => {
  it('sums the fresh load reports, decides, has the driver carry it out, and publishes the decision', async () => {
    let now = 1_000_000;
    const published: AutoscalerStatus[] = [];
    const minutes: LoadMinute[] = [];
    const driver = recordingDriver();
    const reports = [edge('a', 80), edge('b', 90), edge('c', 50, { state: 'draining' }), edge('gone', 99, { reportedAt: 0 })];
    const autoscaler = new Autoscaler({
      loads: async () => reports, policy: new ReactivePolicy({ capacity, target: 0.5, tolerance: 0.1, scaleDownWindowMs: 60_000, lagLimitMs: 500, bounds }),
      predictive: predictive(), driver, history: { load: async () => [], append: async (m) => { minutes.push(m); } },
      publish: async (s) => { published.push(s); }, everyMs: 1000, staleAfterMs: 3000, log, clock: () => now,
    });
    const status = await autoscaler.tick();
    // 220 connections (the draining edge's devices still count) at 50 % of 100 each: 5 edges.
    assert.deepEqual([status?.current, status?.desired, status?.load.connections], [2, 5, 220]);
    assert.deepEqual(driver.applied, [5]);
    assert.equal(published.length, 1);
    now += 60_000;
    await autoscaler.tick();
    assert.deepEqual(minutes, [{ t: 960_000, connections: 220, messagesPerSecond: 0 }], 'the finished minute is kept');
    assert.deepEqual(autoscaler.stats, { decisions: 2, scaleUps: 2, scaleDowns: 0, failures: 0 });
  });

  it('feeds the kept history to the forecast at start, so a restart keeps forecasting', async () => {
    const p = predictive();
    const history: LoadMinute[] = Array.from({ length: 120 }, (_, i) => ({ t: i * 60_000, connections: 100, messagesPerSecond: 10 }));
    const autoscaler = new Autoscaler({
      loads: async () => [], policy: p, predictive: p, driver: recordingDriver(), history: { load: async () => history, append: async () => undefined },
      publish: async () => undefined, everyMs: 60_000, staleAfterMs: 3000, log,
    });
    assert.equal(p.expected(), null);
    await autoscaler.start();
    await autoscaler.stop();
    assert.ok(p.expected(), 'a forecast from the kept minutes');
  });

  it('survives a failing read and counts it', async () => {
    const autoscaler = new Autoscaler({
      loads: async () => { throw new Error('redis down'); }, policy: predictive(), predictive: predictive(), driver: recordingDriver(),
      history: { load: async () => [], append: async () => undefined }, publish: async () => undefined, everyMs: 1000, staleAfterMs: 3000, log,
    });
    assert.equal(await autoscaler.tick(), null);
    assert.equal(autoscaler.stats.failures, 1);
  });
});

describe('the local driver', () => {
  it('starts the missing edges once, with their own ids and ports, and drains the least-loaded of its own on scale-in', async () => {
    const calls: string[][] = [];
    const driver = new LocalDriver({ root: '/nowhere', basePort: 18901, idPrefix: 'auto-edge-', log, edgeScript: async (args) => { calls.push(args); } });
    await driver.apply(4, [edge('edge-1', 10), edge('edge-2', 20)]);
    assert.deepEqual(calls, [['start', 'auto-edge-1', '18901'], ['start', 'auto-edge-2', '18902']]);
    assert.equal(driver.starting([edge('edge-1', 10), edge('edge-2', 20)]), 2);
    await driver.apply(4, [edge('edge-1', 10), edge('edge-2', 20)]);
    assert.equal(calls.length, 2, 'edges still starting are not started twice');
    const four = [edge('edge-1', 60), edge('edge-2', 5), edge('auto-edge-1', 30), edge('auto-edge-2', 1)];
    assert.equal(driver.starting(four), 0, 'both report now');
    await driver.apply(3, four);
    await driver.settled();
    // edge-2 has fewer devices, but it is one of the edges npm start runs: not this driver's to drain.
    assert.deepEqual(calls.slice(2), [['drain', 'auto-edge-2']]);
    await driver.apply(1, four.filter((e) => e.edgeId !== 'auto-edge-2'));
    assert.deepEqual(calls.slice(3), [['drain', 'auto-edge-1']], 'never below the edges it did not start');
  });
});

describe('the Kubernetes driver', () => {
  it('sets the StatefulSet scale through the API with the service account token, once per change', async () => {
    const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];
    let answer = 200;
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
        res.writeHead(answer, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Scale', spec: { replicas: JSON.parse(body || '{}').spec?.replicas } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(`${tmpdir()}/k8s-`);
    writeFileSync(`${dir}/token`, 'service-account-token\n');
    try {
      const driver = new KubernetesDriver({
        apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, namespace: 'push', statefulSet: 'rocketpush-edge',
        tokenFile: `${dir}/token`, caFile: null, log,
      });
      await driver.apply(2, [edge('a', 1), edge('b', 1)]);
      assert.equal(seen.length, 0, 'nothing to change');
      await driver.apply(4, [edge('a', 1), edge('b', 1)]);
      await driver.apply(4, [edge('a', 1), edge('b', 1)]);
      assert.deepEqual(seen, [{
        method: 'PATCH', url: '/apis/apps/v1/namespaces/push/statefulsets/rocketpush-edge/scale', auth: 'Bearer service-account-token',
        type: 'application/merge-patch+json', body: '{"spec":{"replicas":4}}',
      }]);
      answer = 403;
      await assert.rejects(driver.apply(3, [edge('a', 1)]), /403/);
    } finally {
      server.close();
    }
  });
});
