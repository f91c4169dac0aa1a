import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { API, EDGE_A, EDGE_B, api, closeAll, connect, subscribed, uniqueTopic, waitFor } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runDir = `${process.env.RP_DATA_DIR ?? join(root, '.data')}/run`;

after(closeAll);

async function edgeMetricsUrl(edge: string): Promise<string> {
  return `http://127.0.0.1:${(await readFile(`${runDir}/edge-${edge}.http`, 'utf8')).trim()}/metrics`;
}

interface Series { name: string; labels: Record<string, string>; value: number }

/** The Prometheus text format, as much of it as the test reads: one series a line. */
async function scrape(url: string): Promise<{ contentType: string; series: Series[] }> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  const series: Series[] = [];
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    series.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { contentType: res.headers.get('content-type') ?? '', series };
}

/** Sum of the series of `name` whose labels include `labels`. */
function total(s: Series[], name: string, labels: Record<string, string> = {}): number {
  return s.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);
}

describe('Prometheus metrics on every edge and on the API', () => {
  it('serves the text format with the process metrics and the edge\'s own, labelled with its id', async () => {
    for (const edge of ['edge-1', 'edge-2']) {
      const { contentType, series } = await scrape(await edgeMetricsUrl(edge));
      assert.match(contentType, /^text\/plain; version=0\.0\.4/);
      assert.ok(series.some((s) => s.name === 'process_cpu_seconds_total' && s.labels.edge_id === edge), `${edge}: process metrics`);
      assert.ok(series.some((s) => s.name === 'nodejs_eventloop_lag_seconds'), `${edge}: event-loop lag`);
      for (const listener of ['tcp', 'tls', 'ws']) {
        assert.ok(series.some((s) => s.name === 'rocketpush_connections' && s.labels.listener === listener && s.labels.edge_id === edge));
      }
    }
    const { series } = await scrape(`${API}/metrics`);
    assert.ok(series.some((s) => s.name === 'process_resident_memory_bytes' && s.labels.service === 'api'));
  });

  it('moves with traffic: publishes on the accepting edge, deliveries and connections on the delivering one, RocketMQ and Redis timings', async () => {
    const a = await edgeMetricsUrl('edge-1');
    const b = await edgeMetricsUrl('edge-2');
    const [a0, b0] = [(await scrape(a)).series, (await scrape(b)).series];
    const topic = uniqueTopic('metrics');
    const { got } = await subscribed(EDGE_B, topic, 1);
    const publisher = await connect(EDGE_A);
    for (let i = 0; i < 20; i++) await publisher.publishAsync(topic, `m${i}`, { qos: 1 });
    await waitFor(() => got.length >= 20, 20_000, () => `${got.length}/20 delivered`);
    const [a1, b1] = [(await scrape(a)).series, (await scrape(b)).series];
    const grew = (before: Series[], afterwards: Series[], name: string, labels: Record<string, string> = {}) =>
      total(afterwards, name, labels) - total(before, name, labels);
    assert.ok(grew(a0, a1, 'rocketpush_publishes_received_total', { qos: '1' }) >= 20);
    assert.ok(grew(b0, b1, 'rocketpush_deliveries_total', { qos: '1' }) >= 20);
    assert.ok(grew(b0, b1, 'rocketpush_delivery_messages_total') >= 20);
    assert.ok(grew(a0, a1, 'rocketpush_rocketmq_send_duration_seconds_count') >= 1);
    assert.ok(grew(a0, a1, 'rocketpush_rocketmq_batch_messages_sum') >= 20);
    assert.ok(grew(a0, a1, 'rocketpush_redis_command_duration_seconds_count') >= 1);
    assert.ok(total(b1, 'rocketpush_connections', { listener: 'tcp' }) >= 1);
    assert.ok(total(b1, 'rocketpush_sessions', { kind: 'clean' }) >= 1);
    assert.ok(total(b1, 'rocketpush_consumer_lag_seconds') >= 0);
  });

  it('counts API requests by route template and status, unknown paths as unmatched', async () => {
    const before = (await scrape(`${API}/metrics`)).series;
    assert.equal((await api('POST', '/v1/publish', { topic: uniqueTopic('metrics-api'), payload: 'x', qos: 1 })).status, 202);
    assert.equal((await api('POST', '/v1/publish', undefined, { raw: '{not json' })).status, 400);
    assert.equal((await api('GET', '/v1/no-such-thing')).status, 404);
    const afterwards = (await scrape(`${API}/metrics`)).series;
    const grew = (labels: Record<string, string>) => total(afterwards, 'rocketpush_http_requests_total', labels) - total(before, 'rocketpush_http_requests_total', labels);
    assert.equal(grew({ route: '/v1/publish', status: '202' }), 1);
    assert.equal(grew({ route: 'unmatched', status: '404' }), 1);
    assert.ok(grew({ status: '400' }) >= 1);
    assert.ok(!afterwards.some((s) => s.name === 'rocketpush_http_requests_total' && s.labels.route?.includes('no-such-thing')));
  });
});
