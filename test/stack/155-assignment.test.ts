import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MqttClient } from 'mqtt';
import { assignmentAnswer, edgeListAnswer } from '../../src/api/schemas.js';
import { RocketpushClient } from '@rocketpush/client';
import { adminKey, api, API, closeAll, connect, eventually } from './helpers.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const thirdPort = Number(process.env.RP_TEST_ASSIGN_EDGE_PORT ?? 18861);
const smallPort = Number(process.env.RP_TEST_SMALL_EDGE_PORT ?? 18862);
const third = 'assign-edge-3';
const small = 'assign-small';
const edgeScript = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run('bash', ['scripts/edge.sh', ...args], { cwd: root, timeout: 120_000, env: { ...process.env, ...env } });

after(async () => {
  await closeAll();
  await Promise.all([edgeScript(['stop', third]), edgeScript(['stop', small])].map((p) => p.catch(() => undefined)));
});

async function edges(): Promise<ReturnType<typeof edgeListAnswer.parse>['items']> {
  return edgeListAnswer.parse((await api('GET', '/v1/edges')).json).items;
}

/** Asked as a device asks: without an API key. */
async function assign(query = ''): Promise<{ status: number; body: unknown }> {
  const { status, json } = await api('GET', `/v1/edges/assign${query}`, undefined, { key: null });
  return { status, body: json };
}

/** Connections of each edge in `ids` from load reports written after `since`. */
async function reportedConnections(ids: string[], since: number): Promise<Map<string, number>> {
  let counts = new Map<string, number>();
  await eventually(async () => {
    const fresh = (await edges()).filter((e) => ids.includes(e.id) && e.load && Date.parse(e.load.reportedAt) > since);
    counts = new Map(fresh.map((e) => [e.id, e.load!.connections]));
    return fresh.length === ids.length;
  }, 15_000, () => `fresh load reports of ${ids.join(', ')}`);
  return counts;
}

function spread(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.max(...values.map((v) => Math.abs(v - mean) / mean));
}

/** `n` devices that each ask the API for an edge, then connect where they were sent; 50 at a time. */
async function devicesAskingFirst(n: number): Promise<{ clients: MqttClient[]; placed: Map<string, number> }> {
  const clients: MqttClient[] = [];
  const placed = new Map<string, number>();
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, async () => {
      const deviceId = `assign-${randomUUID().slice(0, 12)}`;
      const { status, body } = await assign(`?device=${deviceId}`);
      assert.equal(status, 200, JSON.stringify(body));
      const answer = assignmentAnswer.parse(body);
      clients.push(await connect(answer.addresses.mqtt, { clientId: deviceId }));
      placed.set(answer.edgeId, (placed.get(answer.edgeId) ?? 0) + 1);
    }));
  }
  return { clients, placed };
}

describe('devices sent to the least-loaded edge', () => {
  it('spreads 1,000 devices over two edges, then fills a third one that joins until the three are even', async (t) => {
    const first = await devicesAskingFirst(1000);
    const a = first.placed.get('edge-1') ?? 0;
    const b = first.placed.get('edge-2') ?? 0;
    assert.equal(a + b, 1000, JSON.stringify([...first.placed]));
    assert.ok(spread([a, b]) <= 0.1, `1,000 devices split ${a} / ${b}`);
    const before = await reportedConnections(['edge-1', 'edge-2'], Date.now());
    assert.ok(spread([...before.values()]) <= 0.1, `connections ${JSON.stringify([...before])}`);

    await edgeScript(['start', third, String(thirdPort)]);
    await reportedConnections([third], Date.now());
    const second = await devicesAskingFirst(1000);
    const onThird = second.placed.get(third) ?? 0;
    assert.ok(onThird > 500, `the new edge got ${onThird} of the next 1,000 (${JSON.stringify([...second.placed])})`);
    const afterJoin = await reportedConnections(['edge-1', 'edge-2', third], Date.now());
    assert.ok(spread([...afterJoin.values()]) <= 0.1, `connections ${JSON.stringify([...afterJoin])}`);
    t.diagnostic(`first 1,000: ${JSON.stringify([...first.placed])}; next 1,000: ${JSON.stringify([...second.placed])}; connections then: ${JSON.stringify([...afterJoin])}`);

    // A device already connected is sent back to its own edge (its reconnect is a local takeover).
    const someone = first.clients[0]!.options.clientId!;
    const back = assignmentAnswer.parse((await assign(`?device=${someone}`)).body);
    assert.equal(back.reason, 'current_edge');
    await closeAll();
    await edgeScript(['stop', third]);
    await eventually(async () => !(await edges()).some((e) => e.id === third), 10_000, 'the stopped edge leaves the list');
    for (let i = 0; i < 20; i++) assert.notEqual(assignmentAnswer.parse((await assign()).body).edgeId, third);
  });

  it('answers CONNACK 3 when an edge is at its capacity, and counts the refusal', async () => {
    await edgeScript(['start', small, String(smallPort)], { EDGE_CAPACITY: '3' });
    const url = `mqtt://127.0.0.1:${smallPort}`;
    const three = await Promise.all([0, 1, 2].map(() => connect(url)));
    const refused = await connect(url).then(() => null, (err: unknown) => err as { code?: number });
    assert.equal(refused?.code, 3, `the fourth device was refused with CONNACK 3 (got ${JSON.stringify(refused)})`);
    const metrics = await (await fetch(`http://127.0.0.1:${smallPort + 8000}/metrics`)).text();
    assert.match(metrics, /rocketpush_connects_refused_total\{[^}]*reason="full"[^}]*\} 1/);
    const load = (await edges()).find((e) => e.id === small)?.load;
    await eventually(async () => (await edges()).find((e) => e.id === small)?.load?.connections === 3, 10_000, 'the full edge reports 3 of 3');
    assert.equal(load?.capacity, 3);
    // A device that retries after CONNACK 3 is sent where there is room.
    for (let i = 0; i < 20; i++) assert.notEqual(assignmentAnswer.parse((await assign()).body).edgeId, small);

    // The Kubernetes preStop hook's drain: from this host, answered once every device is closed.
    const closed = three.map((d) => new Promise<void>((r) => d.once('close', () => r())));
    const drain = await fetch(`http://127.0.0.1:${smallPort + 8000}/drain`, { method: 'POST' });
    assert.equal(drain.status, 200);
    await Promise.all(closed);
    assert.equal((await fetch(`http://127.0.0.1:${smallPort + 8000}/readyz`)).status, 503);
    await assert.rejects(connect(url), 'a drained edge takes no new connection');
  });

  it('is in the SDK and the CLI', async () => {
    const sdk = new RocketpushClient({ baseUrl: API, apiKey: adminKey() });
    assert.ok(['edge-1', 'edge-2'].includes(assignmentAnswer.parse(await sdk.assign('sdk-device')).edgeId));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'edges', 'assign', 'cli-device'], {
      cwd: root, env: { ...process.env, ROCKETPUSH_URL: API, ROCKETPUSH_API_KEY: adminKey() },
    });
    assert.equal(assignmentAnswer.parse(JSON.parse(stdout)).reason, 'least_loaded');
  });

  it('answers 400 for a device id that is not printable', async () => {
    const { status, body } = await assign('?device=%01');
    assert.equal(status, 400);
    assert.equal((body as { error: { field: string } }).error.field, 'device');
  });
});
