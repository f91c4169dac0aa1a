import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { closeAll, connect, EDGE_A, EDGE_B, eventually, hadSession, postJson, record, settle, uniqueTopic, waitFor } from './helpers.js';
import { RedisKeys } from '../../src/cluster/keys.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6390');
const prefix = process.env.RP_KEY_PREFIX ?? 'rp:';
const keys = new RedisKeys(prefix);
const capEdgeId = 'test-edge-small-cap';
const capEdgePort = Number(process.env.RP_TEST_CAP_EDGE_PORT ?? 18856);

after(async () => {
  await closeAll();
  await run('bash', ['scripts/edge.sh', 'stop', capEdgeId], { cwd: root }).catch(() => undefined);
  redis.disconnect();
});

async function edgeStat(edgeId: string, name: string): Promise<number> {
  const entry = JSON.parse((await redis.hget(keys.edges(), edgeId)) ?? '{}') as { stats?: Record<string, number> };
  return entry.stats?.[name] ?? 0;
}

/** Waits for an edge's heartbeat to report `name` at `value` (heartbeats come every 2 s). */
async function eventuallyStat(edgeId: string, name: string, value: number): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if ((await edgeStat(edgeId, name)) === value) return;
    await settle(500);
  }
  assert.equal(await edgeStat(edgeId, name), value, `${edgeId} ${name}`);
}

/** A persistent device: subscribes, then goes offline. */
async function leaveSubscribed(url: string, clientId: string, topics: string[], qos: 0 | 1 | 2): Promise<void> {
  const device = await connect(url, { clientId, clean: false });
  await device.subscribeAsync(topics, { qos });
  await device.endAsync();
}

describe('persistent sessions (clean session = 0)', () => {
  it('keep their subscriptions and queued messages across a disconnect and a move to another edge, in publish order', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const [t1, t2] = [uniqueTopic('persist-1'), uniqueTopic('persist-2')];
    await leaveSubscribed(EDGE_A, clientId, [t1, t2], 1);

    const publisher = await connect(EDGE_B);
    for (let i = 0; i < 50; i++) {
      await publisher.publishAsync(t1, `a${i}`, { qos: 1 });
      await publisher.publishAsync(t2, `b${i}`, { qos: 2 });
    }

    const device = await connect(EDGE_B, { clientId, clean: false });
    const got = record(device);
    await waitFor(() => got.length >= 100, 30_000, '100 queued messages');
    await settle();
    assert.deepEqual(got.filter((m) => m.topic === t1).map((m) => m.payload), Array.from({ length: 50 }, (_, i) => `a${i}`));
    assert.deepEqual(got.filter((m) => m.topic === t2).map((m) => m.payload), Array.from({ length: 50 }, (_, i) => `b${i}`));
    // Delivered at the publish QoS capped by the subscription's (QoS 1 here).
    assert.ok(got.every((m) => m.qos === 1 && !m.dup));

    // The restored subscription also takes live messages, once.
    await publisher.publishAsync(t1, 'live', { qos: 1 });
    await waitFor(() => got.length >= 101, 10_000, 'a live message');
    await settle();
    assert.equal(got.length, 101);
  });

  it('answer CONNACK with session present, and a clean-session connect ends the session and its queue', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('persist-clean');
    await leaveSubscribed(EDGE_A, clientId, [topic], 1);

    const again = await connect(EDGE_B, { clientId, clean: false });
    assert.equal(hadSession(again), true);
    await again.endAsync();

    const publisher = await connect(EDGE_A);
    await publisher.publishAsync(topic, 'queued-then-discarded', { qos: 1 });
    const clean = await connect(EDGE_A, { clientId, clean: true });
    await clean.endAsync();
    assert.equal(await redis.exists(keys.persistentSession(clientId)), 0);

    const later = await connect(EDGE_B, { clientId, clean: false });
    assert.equal(hadSession(later), false);
    const got = record(later);
    await settle(3000);
    assert.deepEqual(got, [], 'nothing of the ended session arrives');
  });

  it('do not queue QoS 0 messages, and queue QoS 1/2 messages only for QoS 1/2 subscriptions', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const [t0, t1] = [uniqueTopic('persist-q0'), uniqueTopic('persist-q1')];
    const device = await connect(EDGE_A, { clientId, clean: false });
    await device.subscribeAsync(t0, { qos: 0 });
    await device.subscribeAsync(t1, { qos: 1 });
    await device.endAsync();

    const publisher = await connect(EDGE_B);
    await publisher.publishAsync(t0, 'sub-qos0', { qos: 1 });
    await publisher.publishAsync(t1, 'pub-qos0', { qos: 0 });
    await publisher.publishAsync(t1, 'kept', { qos: 2 });

    const back = await connect(EDGE_B, { clientId, clean: false });
    const got = record(back);
    await waitFor(() => got.length >= 1, 20_000, 'the queued message');
    await settle(2000);
    assert.deepEqual(got.map((m) => [m.payload, m.qos]), [['kept', 1]]);
  });

  it('skip queued messages that expired while the device was away, and count them', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('persist-ttl');
    await leaveSubscribed(EDGE_A, clientId, [topic], 1);
    const short = await postJson('/v1/publish', { topic, payload: 'short-lived', qos: 1, ttl: 1 });
    assert.equal(short.status, 202);
    const long = await postJson('/v1/publish', { topic, payload: 'long-lived', qos: 1, ttl: 600 });
    assert.equal(long.status, 202);
    await settle(2000);

    const expiredBefore = await edgeStat('edge-2', 'sessionExpired');
    const device = await connect(EDGE_B, { clientId, clean: false });
    const got = record(device);
    await waitFor(() => got.length >= 1, 20_000, 'the fresh message');
    await settle(1500);
    assert.deepEqual(got.map((m) => m.payload), ['long-lived']);
    await eventuallyStat('edge-2', 'sessionExpired', expiredBefore + 1);
    assert.equal(await redis.zcard(keys.persistentQueued(clientId)), 0, 'the expired message left the pending count');
  });

  it('cap their queue: past SESSION_PENDING_CAP new messages are not queued, and that is counted', async () => {
    await run('bash', ['scripts/edge.sh', 'start', capEdgeId, String(capEdgePort)], {
      cwd: root, timeout: 120_000, env: { ...process.env, SESSION_PENDING_CAP: '5' },
    });
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('persist-cap');
    await leaveSubscribed(EDGE_A, clientId, [topic], 1);

    const publisher = await connect(`mqtt://127.0.0.1:${capEdgePort}`);
    for (let i = 0; i < 8; i++) await publisher.publishAsync(topic, `m${i}`, { qos: 1 });
    assert.equal(await redis.zcard(keys.persistentQueued(clientId)), 5);

    const device = await connect(EDGE_B, { clientId, clean: false });
    const got = record(device);
    await waitFor(() => got.length >= 5, 20_000, 'the 5 queued messages');
    await settle(2000);
    assert.deepEqual(got.map((m) => m.payload), ['m0', 'm1', 'm2', 'm3', 'm4']);
    // Acknowledged messages leave the count, so the queue takes new ones again.
    assert.equal(await redis.zcard(keys.persistentQueued(clientId)), 0);

    // The edge reports the overflow in its heartbeat stats.
    await eventuallyStat(capEdgeId, 'sessionOverflow', 3);
  });

  it('give back a queue place that a publisher left behind when it died before its message was written', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('persist-leak');
    await leaveSubscribed(EDGE_A, clientId, [topic], 1);
    // What a publisher killed between taking the place and SEND_OK leaves: a place for a message
    // that never reaches the queue, taken three minutes ago.
    await redis.zadd(keys.persistentQueued(clientId), Date.now() - 180_000, 'lost-before-send');
    const publisher = await connect(EDGE_A);
    await publisher.publishAsync(topic, 'after', { qos: 1 });
    assert.equal(await redis.zcard(keys.persistentQueued(clientId)), 2);

    // Listening before CONNACK: the queued message may come in the same read as CONNACK.
    const device = mqtt.connect(EDGE_B, { clientId, clean: false, reconnectPeriod: 0 });
    const got = record(device);
    await waitFor(() => got.length >= 1, 20_000, 'the queued message');
    await eventually(async () => (await redis.zcard(keys.persistentQueued(clientId))) === 0, 10_000,
      'the abandoned place given back once a younger message was delivered');
    await device.endAsync(true);
  });
});
