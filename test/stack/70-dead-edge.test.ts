// stack: runs beside other stack tests, ~27 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { closeAll, connect, EDGE_A, eventually, uniqueTopic, waitFor, subscribed } from './helpers.js';
import { RedisKeys } from '../../src/cluster/keys.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.RP_DATA_DIR ?? `${root}/.data`;
const port = Number(process.env.RP_TEST_DOOMED_EDGE_PORT ?? 18855);
const id = 'test-edge-doomed';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6390');
const prefix = process.env.RP_KEY_PREFIX ?? 'rp:';
const keys = new RedisKeys(prefix);

after(async () => {
  await closeAll();
  await run('bash', ['scripts/edge.sh', 'stop', id], { cwd: root }).catch(() => undefined);
  redis.disconnect();
});

describe('an edge that dies without a goodbye', () => {
  it('has its devices\' wills published by a live edge after the lease, and their sessions marked offline', async () => {
    await run('bash', ['scripts/edge.sh', 'start', id, String(port)], { cwd: root, timeout: 120_000, env: { ...process.env, RP_SUPERVISE: '0' } });
    const topic = uniqueTopic('dead-edge-will');
    const { got } = await subscribed(EDGE_A, topic);
    const clientId = `doomed-${Date.now()}`;
    await connect(`mqtt://127.0.0.1:${port}`, { clientId, will: { topic, payload: Buffer.from('edge died'), qos: 1, retain: false } });
    assert.equal(JSON.parse((await redis.hget(keys.sessions(), clientId)) ?? '{}').edgeId, id);

    const pid = Number((await readFile(`${dataDir}/run/edge-${id}.pid`, 'utf8')).trim());
    process.kill(pid, 'SIGKILL');

    // Lease (EDGE_LEASE_MS, 10 s by default) plus one sweep of a live edge.
    await waitFor(() => got.length >= 1, 40_000, 'the will published by a live edge');
    assert.deepEqual(got.map((m) => m.payload), ['edge died']);
    // The reaper publishes the wills first, then marks the sessions offline and drops the edge.
    await eventually(async () => (await redis.hget(keys.sessions(), clientId)) === null, 10_000, 'the session to be offline');
    await eventually(async () => (await redis.hget(keys.edges(), id)) === null, 10_000, 'the dead edge to leave the registry');
  });
});
