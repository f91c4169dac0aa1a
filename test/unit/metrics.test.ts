import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { ConnectionCensus, listenerOf } from '../../src/edge/connection-census.js';
import { registerEdgeMetrics } from '../../src/edge/edge-metrics.js';
import { counterFrom, gaugeFrom, processRegistry, rocketmqSendMetrics, timeRedisCommands } from '../../src/metrics/metrics.js';

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const v = (metric?.values as Array<{ labels: Record<string, string | number>; value: number }> | undefined)
    ?.find((x) => Object.entries(labels).every(([k, l]) => String(x.labels[k]) === l));
  return v?.value;
}

describe('metrics: Prometheus series read from the running totals the code keeps', () => {
  it('a counter follows its running total, shows every label from the first scrape and never goes back', async () => {
    const r = new Registry();
    let totals = { a: 0, b: 0 };
    counterFrom(r, 'x_total', 'x', ['k'], () => [[{ k: 'a' }, totals.a], [{ k: 'b' }, totals.b]]);
    assert.equal(await value(r, 'x_total', { k: 'b' }), 0);
    totals = { a: 5, b: 1 };
    assert.equal(await value(r, 'x_total', { k: 'a' }), 5);
    totals = { a: 7, b: 0 };
    assert.equal(await value(r, 'x_total', { k: 'a' }), 7);
    assert.equal(await value(r, 'x_total', { k: 'b' }), 1);
  });

  it('a gauge shows the values of now only', async () => {
    const r = new Registry();
    let now: Array<[Record<string, string>, number]> = [[{ k: 'a' }, 3]];
    gaugeFrom(r, 'g', 'g', ['k'], () => now);
    assert.equal(await value(r, 'g', { k: 'a' }), 3);
    now = [[{ k: 'b' }, 1]];
    assert.equal(await value(r, 'g', { k: 'a' }), undefined);
    assert.equal(await value(r, 'g', { k: 'b' }), 1);
  });

  it('times every Redis command the client sends, by command name', async () => {
    const r = new Registry();
    const sent: string[] = [];
    const client = { sendCommand(c: { name: string; promise: Promise<unknown> }) { sent.push(c.name); return c.promise; } };
    timeRedisCommands(client, r);
    await client.sendCommand({ name: 'get', promise: Promise.resolve('v') });
    await assert.rejects(client.sendCommand({ name: 'hget', promise: Promise.reject(new Error('WRONGTYPE')) }) as Promise<unknown>);
    assert.deepEqual(sent, ['get', 'hget']);
    const text = await r.metrics();
    assert.match(text, /rocketpush_redis_command_duration_seconds_count\{command="get"\} 1/);
    assert.match(text, /rocketpush_redis_command_duration_seconds_count\{command="hget"\} 1/);
  });

  it('records RocketMQ send latency and batch size', async () => {
    const r = new Registry();
    const observer = rocketmqSendMetrics(r);
    observer.batchSent(0.003, 40);
    observer.batchSent(0.001, 2);
    assert.match(await r.metrics(), /rocketpush_rocketmq_batch_messages_sum 42/);
    assert.match(await r.metrics(), /rocketpush_rocketmq_send_duration_seconds_count 2/);
  });

  it('counts connected devices by listener and session kind, once each', () => {
    const census = new ConnectionCensus();
    const tcp = { clean: true, conn: new Socket() };
    const tls = { clean: false, conn: new TLSSocket(new Socket()) };
    const ws = { clean: true, conn: new PassThrough() };
    for (const c of [tcp, tls, ws, tcp]) census.connected(c);
    assert.deepEqual(census.connections(), { tcp: 1, tls: 1, ws: 1 });
    assert.deepEqual(census.sessions(), { clean: 2, persistent: 1 });
    census.disconnected(tls);
    census.disconnected(tls);
    census.disconnected({ clean: true, conn: new Socket() });
    assert.deepEqual(census.connections(), { tcp: 1, tls: 0, ws: 1 });
    assert.deepEqual(census.sessions(), { clean: 2, persistent: 0 });
    assert.equal(listenerOf(new TLSSocket(new Socket())), 'tls');
  });

  it('lists every rocketpush metric of the edge and the API in the README', async () => {
    const r = processRegistry({ service: 'test' });
    rocketmqSendMetrics(r);
    timeRedisCommands({ sendCommand: () => undefined }, r);
    const zero = { qos0DroppedBufferFull: 0, slowConsumerDisconnects: 0, droppedDeviceGone: 0, deliveredQos0: 0, deliveredQos1: 0, deliveredQos2: 0 };
    registerEdgeMetrics(r, {
      census: new ConnectionCensus(), outbound: () => zero,
      delivery: () => ({ batches: 0, messages: 0, duplicateBatches: 0, staleBatches: 0, corruptBatches: 0, lagMs: 0, reorderedBatches: 0, orderGapsSkipped: 0, lateBatches: 0 }),
      expired: () => 0, publish: () => ({ sessionOverflow: 0, sessionQueued: 0 }), auth: () => undefined,
      receipts: () => ({ receiptsWritten: 0, receiptsDropped: 0 }), publishQueued: () => 0, localBacklog: () => 0,
      admission: () => ({ refusedFull: 0, refusedDraining: 0 }), moved: () => ({ drainClosed: 0, shedClosed: 0 }), capacity: 1, state: () => 'ready',
      sessions: () => ({
        sessionDelivered: 0, sessionRedelivered: 0, sessionReleased: 0, sessionExpired: 0, sessionWithdrawn: 0, sessionBatchesHeldForOrder: 0,
        sessionReaderMovedBack: 0, sessionBatchesAlreadyDone: 0, sessionBatchesMissing: 0, sessionReaderResubscribed: 0, sessionReaderStalled: 0,
      }),
    });
    const names = (await r.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith('rocketpush_'));
    const apiOnly = ['rocketpush_http_requests_total', 'rocketpush_http_request_duration_seconds', 'rocketpush_webhook_calls_total', 'rocketpush_webhook_events_total'];
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Metrics'));
    for (const name of [...names, ...apiOnly]) assert.ok(section.includes(`\`${name}\``), `${name} is not in the README's Metrics section`);
    assert.ok(names.length >= 14);
  });

  it('charts only metrics that exist in the Grafana dashboard', () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/rocketpush.json', import.meta.url), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Metrics'), readme.indexOf('## Slow devices'));
    assert.ok(dashboard.panels.length >= 10);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        for (const [name] of expr.matchAll(/\b(rocketpush|nodejs|process)_\w+/g)) {
          const base = name.replace(/_(bucket|sum|count)$/, '');
          assert.ok(section.includes(`\`${base}\``) || section.includes(base.replace(/_p99_seconds$/, '_seconds')), `${panel.title}: ${name} is not a documented metric`);
        }
      }
    }
  });
});
