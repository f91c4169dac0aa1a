// stack: runs beside other stack tests, ~25 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { closeAll, connect, EDGE_A, logFrom, postJson, settle, uniqueTopic, waitFor, subscribed } from './helpers.js';
import { RedisKeys } from '../../src/cluster/keys.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const port = Number(process.env.RP_TEST_EXTRA_EDGE_PORT ?? 18853);
const id = 'test-edge-3';
const edgeScript = (...args: string[]) => run('bash', ['scripts/edge.sh', ...args], { cwd: root, timeout: 120_000 });

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6390');
// From the one key rule: a hand-written key name went stale when the keys got hash tags.
const retainedKey = new RedisKeys(process.env.RP_KEY_PREFIX ?? 'rp:').retained();
const garbageTopic = `test/garbage/${process.pid}`;

after(async () => {
  await redis.hdel(retainedKey, garbageTopic);
  redis.disconnect();
  await closeAll();
  await edgeScript('stop', id).catch(() => undefined);
});

describe('an edge started by hand joins the running cluster', () => {
  it('receives device and REST traffic with no other change, and stops cleanly', async () => {
    // A damaged retained entry in Redis is logged and skipped; it does not keep the edge down.
    await redis.hset(retainedKey, garbageTopic, Buffer.from('not an envelope'));
    const edgeLog = await logFrom(`edge-${id}`);
    await edgeScript('start', id, String(port));

    const topic = uniqueTopic('third');
    const { got } = await subscribed(`mqtt://127.0.0.1:${port}`, topic);
    const pub = await connect(EDGE_A);
    await pub.publishAsync(topic, 'from edge A', { qos: 1 });
    assert.equal((await postJson('/v1/publish', { topic, payload: 'from REST', qos: 1 })).status, 202);
    await waitFor(() => got.length >= 2, 15_000, 'both messages on the new edge');
    await settle(500);
    assert.deepEqual(got.map((m) => m.payload).sort(), ['from REST', 'from edge A']);

    await edgeScript('stop', id);
    const log = await edgeLog.read();
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as { message: string; edgeId: string });
    assert.ok(lines.every((l) => l.edgeId === id), 'every log line is JSON and names the edge');
    assert.equal(lines.at(-1)?.message, 'edge stopped');
    assert.ok(lines.some((l) => l.message === 'undecodable retained message skipped'), 'the damaged entry was logged');
  });
});
