// stack: runs beside other stack tests, ~1 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cluster, type Redis } from 'ioredis';
import { RedisDeviceRegistry } from '../../src/cluster/device-registry.js';
import { RedisKeys } from '../../src/cluster/keys.js';
import { RedisPushStatusStore } from '../../src/cluster/push-status-store.js';
import { RedisRouteTable } from '../../src/cluster/route-table.js';
import { RedisSessionRegistry } from '../../src/cluster/session-registry.js';
import { RedisSessionStore } from '../../src/cluster/session-store.js';
import { sleep } from './helpers.js';

/**
 * The Redis keys and Lua scripts work on a Redis Cluster (docs/high-availability.md, "Redis"):
 * a three-master cluster of Debian's redis-server, started here on its own ports, refuses any
 * script or transaction whose keys span hash slots (CROSSSLOT), and the stores run their
 * multi-key operations against it.
 */
const PORTS = (process.env.RP_TEST_REDIS_CLUSTER_PORTS ?? '7301,7302,7303').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'rp-redis-cluster-'));
const servers: ChildProcess[] = [];
let cluster: Cluster;
const keys = new RedisKeys('rpc:');

before(async () => {
  for (const port of PORTS) {
    servers.push(spawn('redis-server', ['--port', String(port), '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
      '--dir', dir, '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: 'ignore' }));
  }
  for (const port of PORTS) {
    for (let i = 0; i < 50; i++) {
      try { execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' }); break; } catch { await sleep(100); }
    }
  }
  execFileSync('redis-cli', ['--cluster', 'create', ...PORTS.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'pipe' });
  for (let i = 0; i < 100; i++) {
    const info = execFileSync('redis-cli', ['-p', String(PORTS[0]), 'cluster', 'info'], { encoding: 'utf8' });
    if (info.includes('cluster_state:ok')) break;
    await sleep(100);
  }
  cluster = new Cluster(PORTS.map((port) => ({ host: '127.0.0.1', port })));
});

after(async () => {
  await cluster?.quit().catch(() => undefined);
  for (const s of servers) s.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The stores are written against ioredis' Redis; a Cluster answers the same commands. */
const asRedis = (): Redis => cluster as unknown as Redis;

describe('the Redis keys and scripts on a Redis Cluster (three masters)', () => {
  it('spreads persistent sessions over the cluster and runs their scripts and transactions', async () => {
    const slotOf = async (key: string) => Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
    const slots = new Set(await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => slotOf(keys.persistentSession(id)))));
    assert.ok(slots.size > 1, 'sessions of different clients land in different slots');
    assert.equal(await slotOf(keys.persistentQueued('a')), await slotOf(keys.persistentSession('a')));
    const store = new RedisSessionStore(asRedis(), keys);
    const { generation, created } = await store.open('dev-1');
    assert.equal(created, true);
    await store.subscribe('dev-1', generation, [{ topic: 'devices/dev-1', qos: 1 }]);
    assert.ok(await store.reserve('dev-1', { id: 'm1', origin: 'edge-1', publishedAt: Date.now() }, 10));
    const sent = await store.markSent('dev-1', ['b1:0']);
    assert.equal(sent.get('b1:0')?.kind, 'sent');
    const { states, earlier } = await store.states('dev-1', ['b1:0'], { since: 0, before: Date.now() + 1000 });
    assert.equal(states[0]?.kind, 'sent');
    assert.equal(earlier.length, 1);
    await store.markDone('dev-1', [{ key: 'b1:0', message: { id: 'm1', origin: 'edge-1' } }], { queue: 'rp-broker-a', nextOffset: 1, oldestPublishedAt: Date.now() });
    assert.deepEqual((await store.open('dev-1')).positions, { 'rp-broker-a': 1 });
    assert.equal(await store.pending('dev-1'), 0);
    assert.equal((await store.index()).subscriptions.length, 1);
    await store.discard('dev-1');
    assert.equal(await store.exists('dev-1'), false);
    assert.equal((await store.index()).subscriptions.length, 0);
  });

  it('claims and releases live sessions across edges', async () => {
    const registry = new RedisSessionRegistry(asRedis(), keys);
    const first = await registry.claim('dev-2', 'edge-1');
    const second = await registry.claim('dev-2', 'edge-2');
    assert.equal(second.epoch, first.epoch + 1);
    assert.equal(second.previousEdge, 'edge-1');
    assert.equal((await registry.locate('dev-2'))?.edgeId, 'edge-2');
    assert.equal(await cluster.sismember(keys.edgeSessions('edge-1'), 'dev-2'), 0);
    assert.equal(await registry.release('dev-2', 'edge-2', second.epoch), true);
    assert.equal(await registry.locate('dev-2'), null);
  });

  it('registers, moves between users and tags, and removes devices', async () => {
    const devices = new RedisDeviceRegistry(asRedis(), keys);
    assert.ok(await devices.register('dev-3', 'alice', ['beta', 'ios']));
    await devices.update('dev-3', { user: 'bob', tags: ['ios'] });
    assert.deepEqual(await devices.ids({ user: 'alice' }), []);
    assert.deepEqual(await devices.ids({ user: 'bob' }), ['dev-3']);
    assert.deepEqual(await devices.ids({ tag: 'beta' }), []);
    assert.deepEqual(await devices.ids({ tag: 'ios' }), ['dev-3']);
    assert.equal(await devices.remove('dev-3'), true);
    assert.deepEqual(await devices.ids({ tag: 'ios' }), []);
    assert.equal(await devices.get('dev-3'), null);
  });

  it('records pushes, replaces one by its collapse key, takes receipts and cancels', async () => {
    const pushes = new RedisPushStatusStore(asRedis(), keys, 60_000);
    const meta = (id: string) => ({ id, target: 'devices' as const, qos: 1 as const, acceptedAt: Date.now(), deliverAt: Date.now(), expiresAt: Date.now() + 60_000, collapseKey: 'score', targeted: 2 });
    await pushes.create(meta('p1'), 'accepted', ['d1', 'd2']);
    assert.equal(await pushes.collapse('p1', 'score', ['d1', 'd2'], 60_000), 0);
    await pushes.create(meta('p2'), 'accepted', ['d1', 'd2']);
    assert.equal(await pushes.collapse('p2', 'score', ['d1', 'd2'], 60_000), 2);
    assert.equal((await pushes.status('p1'))?.counts.replaced, 2);
    await pushes.receipts([{ pushId: 'p2', deviceId: 'd1', state: 'acked' }]);
    assert.equal((await pushes.status('p2'))?.counts.acked, 1);
    assert.equal(await pushes.cancel('p2'), 1);
  });

  it('keeps the route table', async () => {
    const routes = new RedisRouteTable(asRedis(), keys);
    await routes.add('edge-1', 'devices/+');
    assert.notEqual(await routes.reconcile('edge-2', ['a/#']), null);
    const { routes: all } = await routes.snapshot();
    assert.deepEqual(all.get('edge-1'), ['devices/+']);
    await routes.clear('edge-1');
  });
});
