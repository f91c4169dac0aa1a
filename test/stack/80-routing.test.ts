import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { closeAll, connect, EDGE_A, EDGE_B, eventually, sleep, subscribed, uniqueTopic, waitFor } from './helpers.js';
import { RedisKeys } from '../../src/cluster/keys.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6390');
const prefix = process.env.RP_KEY_PREFIX ?? 'rp:';
const keys = new RedisKeys(prefix);
const extraEdges = [['test-edge-r3', 18857], ['test-edge-r4', 18858]] as const;
// A one-edge cluster of its own: same RocketMQ, its own Redis key prefix.
const solo = { id: 'test-edge-solo', port: 18863, prefix: `solo-${Date.now()}:` };

after(async () => {
  await closeAll();
  await run('bash', ['scripts/edge.sh', 'stop', solo.id], { cwd: root }).catch(() => undefined);
  for (const [id] of extraEdges) await run('bash', ['scripts/edge.sh', 'stop', id], { cwd: root }).catch(() => undefined);
  redis.disconnect();
});

interface EdgeRecord { id: string; seenAt: number; stats?: { messages?: number } }

async function received(p: string): Promise<Map<string, number>> {
  const all = await redis.hgetall(new RedisKeys(p).edges());
  return new Map(Object.values(all).map((v) => JSON.parse(v) as EdgeRecord).map((e) => [e.id, e.stats?.messages ?? 0]));
}

/** Counts after every edge has sent a heartbeat that started after now. */
async function receivedAfterHeartbeat(p: string): Promise<Map<string, number>> {
  const now = Date.now();
  await eventually(async () => {
    const all = Object.values(await redis.hgetall(new RedisKeys(p).edges())).map((v) => JSON.parse(v) as EdgeRecord);
    return all.every((e) => e.seenAt > now + 100);
  }, 15_000, 'fresh heartbeats');
  return received(p);
}

async function unicastLoad(messages: number, pubUrl = EDGE_A, subUrl = EDGE_B, p = prefix): Promise<Map<string, number>> {
  const topic = uniqueTopic('unicast');
  const { got } = await subscribed(subUrl, topic);
  const before = await receivedAfterHeartbeat(p);
  const pub = await connect(pubUrl);
  await Promise.all(Array.from({ length: messages }, (_, i) => pub.publishAsync(topic, `u${i}`, { qos: 1 })));
  await waitFor(() => got.length >= messages, 15_000, 'the unicast messages');
  const after = await receivedAfterHeartbeat(p);
  return new Map([...after].map(([id, n]) => [id, n - (before.get(id) ?? 0)]));
}

describe('the route table sends a message only to the edges with subscribers', () => {
  it('reaches a subscription acknowledged just before the publish, every time', async () => {
    const pub = await connect(EDGE_A);
    for (let round = 0; round < 20; round++) {
      const topic = uniqueTopic(`fresh-${round}`);
      const { got } = await subscribed(EDGE_B, topic);
      await pub.publishAsync(topic, 'right after SUBACK', { qos: 1 });
      await waitFor(() => got.length >= 1, 10_000, `round ${round}`);
    }
  });

  it('rebuilds an edge\'s routes that Redis lost, from the edge\'s own subscriptions', async () => {
    const topic = uniqueTopic('lost-routes');
    const { got } = await subscribed(EDGE_B, topic);
    await redis.multi().del(keys.routes('edge-2')).incr(keys.routesVersion()).exec();
    await eventually(async () => (await redis.sismember(keys.routes('edge-2'), topic)) === 1, 15_000, 'the route to come back');
    const pub = await connect(EDGE_A);
    await pub.publishAsync(topic, 'after the repair', { qos: 1 });
    await waitFor(() => got.length >= 1, 10_000, 'delivery after the repair');
  });

  it('costs the same work per unicast message with 1, 2 and 4 edges: only the subscriber\'s edge reads it', async () => {
    const messages = 100;
    await run('bash', ['scripts/edge.sh', 'start', solo.id, String(solo.port)], {
      cwd: root, timeout: 120_000, env: { ...process.env, RP_KEY_PREFIX: solo.prefix },
    });
    const soloUrl = `mqtt://127.0.0.1:${solo.port}`;
    const oneEdge = await unicastLoad(messages, soloUrl, soloUrl, solo.prefix);
    await run('bash', ['scripts/edge.sh', 'stop', solo.id], { cwd: root });
    assert.deepEqual([...oneEdge], [[solo.id, messages]], '1 edge: it read each message once');
    const twoEdges = await unicastLoad(messages);
    for (const [id, port] of extraEdges) await run('bash', ['scripts/edge.sh', 'start', id, String(port)], { cwd: root, timeout: 120_000 });
    await sleep(1000);
    const fourEdges = await unicastLoad(messages);
    assert.equal(fourEdges.size >= 4, true, `four edges report: ${[...fourEdges.keys()].join(', ')}`);
    for (const [label, deltas] of [['2 edges', twoEdges], ['4 edges', fourEdges]] as const) {
      const total = [...deltas.values()].reduce((a, b) => a + b, 0);
      assert.equal(total, messages, `${label}: messages read by all edges together ${JSON.stringify([...deltas])}`);
      assert.equal(deltas.get('edge-2'), messages, `${label}: the subscriber's edge read each message once`);
    }
  });
});
