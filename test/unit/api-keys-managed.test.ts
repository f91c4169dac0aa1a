import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { sleep } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

// Two API processes on one cluster (one store of keys): a key made on one is used on the other, and
// revoked on the first, without a restart of either.
const on = useInProcessCluster(async () => {
  second = await on.cluster.addApi({ API_KEY_CACHE_MS: '300', API_KEYS: `boot:${bootKey}:*,manager:${managerKey}:keys.manage+devices.read` });
});
let second = '';
const bootKey = `boot-${randomUUID()}`;
const managerKey = `manager-${randomUUID()}`;

interface KeyView { id: string | null; name: string; source: string; scopes: string[]; rate: number | null; expiresAt: string | null; lastUsedAt: string | null; key?: string }

async function call(base: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: KeyView & { items?: KeyView[]; error?: { code: string; field?: string } } }> {
  const res = await fetch(`${base}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: res.status === 204 ? {} as never : await res.json() as never };
}

const first = () => on.cluster.apiBase;
const name = () => `backend-${randomUUID().slice(0, 8)}`;

describe('API keys managed over the API', () => {
  it('are made on one API process, used on another at once, and refused by both once revoked', async () => {
    const made = await call(first(), on.cluster.key, 'POST', '/v1/api-keys', { name: name(), scopes: ['devices.read'], rate: 50 });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    assert.match(made.json.key ?? '', /^rpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.equal(made.json.source, 'api');
    const key = made.json.key!;

    assert.equal((await call(second, key, 'GET', '/v1/devices?limit=1')).status, 200, 'the other process knows the key at once');
    assert.equal((await call(second, key, 'POST', '/v1/devices', { id: `d-${randomUUID()}` })).status, 403, 'its scopes hold there too');

    assert.equal((await call(first(), on.cluster.key, 'DELETE', `/v1/api-keys/${made.json.id}`)).status, 204);
    assert.equal((await call(first(), key, 'GET', '/v1/devices?limit=1')).status, 401, 'the revoking process refuses it at once');
    await sleep(400);
    assert.equal((await call(second, key, 'GET', '/v1/devices?limit=1')).status, 401, 'every process refuses it within API_KEY_CACHE_MS');
    assert.equal((await call(first(), on.cluster.key, 'DELETE', `/v1/api-keys/${made.json.id}`)).status, 404);
  });

  it('stop working at their expiry', async () => {
    const made = await call(first(), on.cluster.key, 'POST', '/v1/api-keys', { name: name(), scopes: ['devices.read'], expiresAt: new Date(Date.now() + 2500).toISOString() });
    assert.equal(made.status, 201);
    assert.equal((await call(first(), made.json.key!, 'GET', '/v1/devices?limit=1')).status, 200);
    await sleep(2800);
    assert.equal((await call(first(), made.json.key!, 'GET', '/v1/devices?limit=1')).status, 401);
    assert.equal((await call(first(), on.cluster.key, 'GET', `/v1/api-keys/${made.json.id}`)).status, 404);
  });

  it('are listed with those of API_KEYS, their scopes and last use, never with the key itself', async () => {
    const n = name();
    const made = await call(first(), on.cluster.key, 'POST', '/v1/api-keys', { name: n, scopes: ['*'] });
    await call(second, made.json.key!, 'GET', '/v1/devices?limit=1');
    await call(second, bootKey, 'GET', '/v1/devices?limit=1');
    const list = await call(second, bootKey, 'GET', '/v1/api-keys');
    assert.equal(list.status, 200);
    const items = list.json.items ?? [];
    const mine = items.find((k) => k.name === n);
    assert.ok(mine, JSON.stringify(items));
    assert.equal(mine.source, 'api');
    assert.ok(mine.scopes.includes('keys.manage') && mine.scopes.includes('publish'), '* grants every scope');
    assert.ok(mine.lastUsedAt && Date.now() - Date.parse(mine.lastUsedAt) < 10_000, 'its last use');
    const boot = items.find((k) => k.name === 'boot');
    assert.equal(boot?.source, 'config');
    assert.equal(boot?.id, null);
    assert.ok(boot?.lastUsedAt, 'keys of API_KEYS have a last use too');
    assert.ok(items.every((k) => k.key === undefined), 'the key is shown only when it is made');
    const one = await call(first(), on.cluster.key, 'GET', `/v1/api-keys/${made.json.id}`);
    assert.equal(one.json.name, n);
    assert.equal(one.json.key, undefined);
  });

  it('cannot grant more than the key that makes them holds, nor take a name in use', async () => {
    const beyond = await call(second, managerKey, 'POST', '/v1/api-keys', { name: name(), scopes: ['devices.read', 'push'] });
    assert.equal(beyond.status, 403);
    assert.equal(beyond.json.error?.field, 'scopes');
    assert.equal((await call(second, managerKey, 'POST', '/v1/api-keys', { name: name(), scopes: ['devices.read'] })).status, 201, 'within its own scopes');

    const n = name();
    assert.equal((await call(first(), on.cluster.key, 'POST', '/v1/api-keys', { name: n, scopes: ['push'] })).status, 201);
    assert.equal((await call(first(), on.cluster.key, 'POST', '/v1/api-keys', { name: n, scopes: ['push'] })).json.error?.code, 'conflict');
    assert.equal((await call(second, bootKey, 'POST', '/v1/api-keys', { name: 'boot', scopes: ['push'] })).status, 409, 'a name of API_KEYS');
  });

  it('answer bad requests with every problem, and refuse callers without keys.manage', async () => {
    const bad = await call(first(), on.cluster.key, 'POST', '/v1/api-keys', { name: 'has space', scopes: ['fly'], ttl: 5 });
    assert.equal(bad.status, 400);
    assert.equal((bad.json.error as { problems?: unknown[] } | undefined)?.problems?.length, 3);
    const reader = await call(first(), on.cluster.key, 'POST', '/v1/api-keys', { name: name(), scopes: ['devices.read'] });
    assert.equal((await call(first(), reader.json.key!, 'GET', '/v1/api-keys')).status, 403);
    assert.equal((await call(first(), on.cluster.key, 'GET', '/v1/api-keys/not-an-id')).status, 400);
    assert.equal((await call(first(), 'rpk_0123456789abcdef_' + 'A'.repeat(43), 'GET', '/v1/devices')).status, 401, 'a made-up key of the right shape');
  });
});
