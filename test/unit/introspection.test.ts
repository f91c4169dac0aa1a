import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { clientAnswer, clientDisconnectAnswer, edgeListAnswer, sessionAnswer } from '../../src/api/schemas.js';
import { RocketpushClient, RocketpushError } from '@rocketpush/client';
import { connect, eventually, record, sleep, uniqueTopic, waitFor } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

// Moved from the stack (test/stack/150-introspection): runs on the in-process cluster (memory stores and bus);
// the CLI runs from its source.
let client: RocketpushClient;
const on = useInProcessCluster(() => {
  client = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: on.cluster.key });
  return Promise.resolve();
});

async function cli(...args: string[]): Promise<unknown> {
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
    cwd: root, env: { ...process.env, ROCKETPUSH_URL: on.cluster.apiBase, ROCKETPUSH_API_KEY: on.cluster.key },
  });
  return JSON.parse(stdout) as unknown;
}

async function status(p: Promise<unknown>): Promise<number> {
  try { await p; return 200; } catch (err) { if (err instanceof RocketpushError) return err.status; throw err; }
}

/** The connections in the edge's heartbeats once two heartbeats after now agree. */
async function steadyConnections(edgeId: string): Promise<number> {
  let since = Date.now();
  let last = -1;
  for (let i = 0; i < 20; i++) {
    let e = (await client.edges()).items.find((x) => x.id === edgeId)!;
    while (Date.parse(e.lastSeenAt) <= since) {
      await sleep(100);
      e = (await client.edges()).items.find((x) => x.id === edgeId)!;
    }
    if (e.connections === last) return last;
    last = e.connections;
    since = Date.parse(e.lastSeenAt);
  }
  throw new Error(`${edgeId}'s connection count never settled (last ${last})`);
}

describe('cluster introspection over REST, the SDK and the CLI', () => {
  it('lists every edge, alive, with the connections of its last heartbeat', async () => {
    const before = edgeListAnswer.parse(await client.edges());
    const ids = before.items.map((e) => e.id);
    assert.ok(ids.includes('edge-1') && ids.includes('edge-2'), ids.join(','));
    assert.ok(before.items.filter((e) => ['edge-1', 'edge-2'].includes(e.id)).every((e) => e.alive));
    // Devices of earlier test files may still be leaving: count from two equal heartbeats in a row.
    const start = await steadyConnections('edge-2');
    for (let i = 0; i < 3; i++) await connect(on.edgeB);
    const connectedAt = Date.now();
    let seen = -1;
    await eventually(async () => {
      const e = (await client.edges()).items.find((x) => x.id === 'edge-2')!;
      seen = e.connections;
      return Date.parse(e.lastSeenAt) > connectedAt && e.connections === start + 3;
    }, 15_000, () => `edge-2 counts ${start} + 3 connections (last heartbeat: ${seen})`);
    assert.deepEqual(edgeListAnswer.parse(await cli('edges')).items.map((e) => e.id).sort(), [...ids].sort());
  });

  it('finds a connected client on its edge, and disconnects it wherever it is', async () => {
    const id = `intro-${randomUUID().slice(0, 8)}`;
    const device = await connect(on.edgeB, { clientId: id });
    const topic = uniqueTopic('intro-sub');
    await device.subscribeAsync(topic, { qos: 1 });
    const closed = new Promise<void>((r) => device.once('close', () => r()));
    await eventually(async () => (await status(client.clients.get(id))) === 200, 10_000, 'the client is found');
    const found = clientAnswer.parse(await client.clients.get(id));
    assert.equal(found.connected, true);
    assert.equal(found.edgeId, 'edge-2');
    assert.equal(found.persistentSession, false);
    // A clean session's subscriptions live only on its edge: the API asked edge 2 for them.
    assert.deepEqual(found.subscriptions, [{ topic, qos: 1 }]);
    assert.equal(found.queueDepth, null);
    assert.ok(Date.parse(found.connectedSince!) <= Date.now());
    assert.deepEqual(clientAnswer.parse(await cli('clients', 'get', id)).edgeId, 'edge-2');
    // Asked through the API, which is no edge: the request reaches edge 2 over RocketMQ.
    assert.deepEqual(clientDisconnectAnswer.parse(await client.clients.disconnect(id)), { clientId: id, edgeId: 'edge-2', disconnect: 'requested' });
    await closed;
    await eventually(async () => (await status(client.clients.get(id))) === 404, 10_000, 'the disconnected client is gone');
    assert.equal(await status(client.clients.disconnect(id)), 404);
    assert.equal(await status(client.clients.get('nobody-at-all')), 404);
  });

  it('shows a persistent session away from its device: subscriptions, queue depth and the oldest pending message', async () => {
    const id = `intro-p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('intro');
    const device = await connect(on.edgeA, { clientId: id, clean: false });
    await device.subscribeAsync(topic, { qos: 1 });
    await device.endAsync();
    const publishedFrom = Date.now();
    const publisher = await connect(on.edgeB);
    for (let i = 0; i < 3; i++) await publisher.publishAsync(topic, `q${i}`, { qos: 1 });
    const away = sessionAnswer.parse(await client.session(id));
    assert.equal(away.connected, false);
    assert.deepEqual(away.subscriptions, [{ topic, qos: 1 }]);
    assert.equal(away.queueDepth, 3);
    assert.ok(Date.parse(away.oldestPendingAt!) >= publishedFrom - 1000);
    const info = clientAnswer.parse(await client.clients.get(id));
    assert.deepEqual([info.connected, info.persistentSession, info.queueDepth], [false, true, 3]);
    assert.deepEqual(info.subscriptions, [{ topic, qos: 1 }]);
    assert.equal(sessionAnswer.parse(await cli('sessions', 'get', id)).queueDepth, 3);
    // Back on the other edge: the queue is delivered and the session shows it.
    const back = await connect(on.edgeB, { clientId: id, clean: false });
    // Its queue can arrive in the same read as CONNACK: what it got is recorded from the start.
    const got = record(back);
    await waitFor(() => got.length >= 3, 20_000, () => `${got.length}/3 queued messages`);
    await eventually(async () => {
      const s = await client.session(id);
      return s.queueDepth === 0 && s.connected && s.edgeId === 'edge-2' && s.oldestPendingAt === null;
    }, 15_000, 'the session shows its queue empty, connected on edge-2');
    assert.equal(await status(client.session(`never-${randomUUID().slice(0, 6)}`)), 404);
  });
});
