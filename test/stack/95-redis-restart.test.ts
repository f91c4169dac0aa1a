import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { closeAll, clusterSettled, connect, EDGE_A, EDGE_B, hadSession, progress, record, settle, subscribed, uniqueTopic, waitFor } from './helpers.js';
import { RedisKeys } from '../../src/cluster/keys.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const redisScript = (cmd: string) => run('bash', ['scripts/redis.sh', cmd], { cwd: root, timeout: 60_000 });
const prefix = process.env.RP_KEY_PREFIX ?? 'rp:';
const keys = new RedisKeys(prefix);

before(async () => { await clusterSettled(); });

after(async () => {
  await redisScript('start').catch(() => undefined);
  await closeAll();
  await clusterSettled();
});

describe('a Redis restart in the middle of the flow', () => {
  it('loses no accepted message, live or queued; sessions, routes and retained messages survive it', async () => {
    const topic = uniqueTopic('redis-restart');
    const retainedTopic = uniqueTopic('redis-restart-retained');
    const offlineId = `redis-off-${randomUUID().slice(0, 6)}`;
    const onlineId = `redis-on-${randomUUID().slice(0, 6)}`;

    const offline = await connect(EDGE_A, { clientId: offlineId, clean: false });
    await offline.subscribeAsync(topic, { qos: 1 });
    await offline.endAsync();
    const online = await connect(EDGE_B, { clientId: onlineId, clean: false });
    const onlineGot = record(online);
    await online.subscribeAsync(topic, { qos: 1 });
    const { got: liveGot } = await subscribed(EDGE_B, topic, 1);

    const publisher = await connect(EDGE_A, { keepalive: 300 });
    await publisher.publishAsync(retainedTopic, 'kept', { qos: 1, retain: true });
    const accepted: string[] = [];
    const publishing = (async () => {
      for (let i = 0; i < 300; i++) {
        await publisher.publishAsync(topic, `m${i}`, { qos: 1 });
        accepted.push(`m${i}`);
      }
    })();
    await waitFor(() => accepted.length >= 100, 60_000, '100 messages accepted before the restart');
    await redisScript('stop');
    await settle(2000);
    await redisScript('start');
    await publishing;

    const expected = Array.from({ length: 300 }, (_, i) => `m${i}`);
    await waitFor(() => new Set(liveGot.map((m) => m.payload)).size >= 300, 120_000, () => `every message at the live subscriber: ${progress(liveGot, expected)}`);
    await waitFor(() => new Set(onlineGot.map((m) => m.payload)).size >= 300, 120_000, () => `every message at the connected persistent session: ${progress(onlineGot, expected)}`);
    const firsts = (got: { payload: string }[]) => [...new Set(got.map((m) => m.payload))];
    assert.deepEqual(firsts(liveGot), expected);
    assert.deepEqual(firsts(onlineGot), expected);

    // The offline session's subscriptions and queue survived: it gets everything on reconnect.
    const back = await connect(EDGE_B, { clientId: offlineId, clean: false });
    assert.equal(hadSession(back), true);
    const backGot = record(back);
    await waitFor(() => new Set(backGot.map((m) => m.payload)).size >= 300, 120_000, () => `every queued message for the offline session: ${progress(backGot, expected)}`);
    assert.deepEqual(firsts(backGot), expected);

    // Retained messages and the route sets survived (or were rewritten by their edges).
    const late = await connect(EDGE_B);
    const lateGot = record(late);
    await late.subscribeAsync(retainedTopic, { qos: 1 });
    await waitFor(() => lateGot.length >= 1, 10_000, 'the retained message');
    assert.equal(lateGot[0]!.payload, 'kept');
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6390');
    try {
      const edges = await redis.smembers(keys.routedEdges());
      const routed = await Promise.all(edges.map((e) => redis.sismember(keys.routes(e), topic)));
      assert.ok(routed.some((r) => r === 1), 'the topic is still routed to the subscribers\' edge');
      assert.equal(await redis.exists(keys.persistentSession(onlineId)), 1);
    } finally {
      redis.disconnect();
    }
  });
});
