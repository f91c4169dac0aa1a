import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RocketpushClient, RocketpushError } from '@rocketpush/client';
import { eventually, settle, subscribed, waitFor } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

// Moved from the stack (test/stack/135-sdk-cli): runs on the in-process cluster (memory stores and bus);
// the CLI runs from its source.
let client: RocketpushClient;
const on = useInProcessCluster(() => {
  client = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: on.cluster.key });
  return Promise.resolve();
});

/** Runs the CLI; resolves with its exit code and its output as text. */
async function cliText(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: root });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** Runs the CLI as a user would; resolves with its exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; out: unknown; err: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
      cwd: root, env: { ...process.env, ROCKETPUSH_URL: on.cluster.apiBase, ROCKETPUSH_API_KEY: on.cluster.key },
    });
    return { code: 0, out: JSON.parse(stdout) as unknown, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout ? JSON.parse(x.stdout) as unknown : null, err: x.stderr };
  }
}

describe('the TypeScript SDK', () => {
  it('registers devices, pages through them, pushes idempotently, and turns API errors into RocketpushError', async () => {
    const user = `sdk-${randomUUID().slice(0, 6)}`;
    const ids = [0, 1, 2].map((i) => `${user}-${i}`);
    for (const id of ids) {
      const d = await client.devices.register({ id, user, tags: ['sdk'] });
      assert.equal(d.id, id);
      assert.ok(d.secret.length > 20);
    }
    const listed: string[] = [];
    for await (const d of client.devices.all({ user })) listed.push(d.id);
    assert.deepEqual(listed, ids);

    const { got } = await subscribed(on.edgeB, `devices/${ids[0]}`, 1, { clientId: ids[0]! });
    const key = randomUUID();
    const first = await client.push({ target: { devices: [ids[0]!] }, payload: { hello: 'sdk' } }, key);
    const again = await client.push({ target: { devices: [ids[0]!] }, payload: { hello: 'sdk' } }, key);
    assert.equal(again.id, first.id);
    await waitFor(() => got.length >= 1, 10_000, 'the push');
    await settle(1000);
    assert.equal(got.length, 1);

    await assert.rejects(client.devices.get(`missing-${randomUUID().slice(0, 6)}`), (e: unknown) => e instanceof RocketpushError && e.status === 404 && e.code === 'not_found');
    await assert.rejects(client.push({ target: {}, payload: 1 } as never), (e: unknown) => e instanceof RocketpushError && e.status === 400 && e.field === 'target');
    const bad = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: 'wrong-key-wrong-key' });
    await assert.rejects(bad.devices.list(), (e: unknown) => e instanceof RocketpushError && e.status === 401);
  });
});

describe('the client\'s retries', () => {
  it('repeats a push whose answer was lost with the same Idempotency-Key, so the device gets it once', async () => {
    const id = await on.cluster.register('retry');
    const { got } = await subscribed(on.edgeA, `devices/${id}`, 1, { clientId: id });
    let lost = 0;
    const keys: string[] = [];
    const losing: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      keys.push(new Headers(init?.headers).get('idempotency-key') ?? '');
      // The push is carried out, its answer never arrives.
      if (String(input).endsWith('/v1/pushes') && lost++ === 0) throw new TypeError('fetch failed');
      return res;
    };
    const retrying = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: on.cluster.key, fetch: losing });
    const pushed = await retrying.push({ target: { devices: [id] }, payload: 'once', format: 'text' });
    assert.equal(keys.length, 2);
    assert.ok(keys[0]!.length > 0 && keys[0] === keys[1], 'an Idempotency-Key was made for the call and kept for its retry');
    await waitFor(() => got.length >= 1, 10_000, 'the push');
    await settle(500);
    assert.equal(got.length, 1, 'delivered once');
    assert.equal((await client.status(pushed.id)).counts.targeted, 1);
  });

  it('waits out 429 as Retry-After says, and 503 with backoff; with retries off, it reports Retry-After', async () => {
    const slow = await client.apiKeys.create({ name: `slow-${randomUUID().slice(0, 6)}`, scopes: ['devices.read'], rate: 1 });
    const patient = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: slow.key });
    const started = Date.now();
    await patient.devices.list({ limit: 1 });
    await patient.devices.list({ limit: 1 });
    assert.ok(Date.now() - started >= 900, 'the second call waited for the next token');
    const hasty = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: slow.key, retries: 0 });
    await assert.rejects(hasty.devices.list({ limit: 1 }), (e: unknown) => e instanceof RocketpushError && e.status === 429 && e.retryAfterSeconds === 1 && typeof e.requestId === 'string');

    let refusals = 2;
    const busy: typeof fetch = (input, init) => (refusals-- > 0
      ? Promise.resolve(new Response(JSON.stringify({ error: { code: 'unavailable', message: 'busy' } }), { status: 503 }))
      : fetch(input, init));
    const weathering = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: on.cluster.key, fetch: busy });
    assert.ok((await weathering.edges()).items.length >= 2);
    assert.equal(refusals, -1, 'two 503 answers were retried');
  });

  it('reports every validation problem and the request id', async () => {
    await assert.rejects(client.publish({ topic: '', qos: 7 } as never), (e: unknown) => e instanceof RocketpushError
      && e.code === 'invalid_request' && (e.problems?.length ?? 0) >= 2 && /^[0-9a-f-]{36}$/.test(e.requestId ?? ''));
  });
});

describe('the rocketpush CLI', () => {
  it('prints help on stdout with exit 0, per command too, and its version', async () => {
    const general = await cliText('--help');
    assert.equal(general.code, 0);
    assert.match(general.out, /^usage: rocketpush <command>/);
    assert.match(general.out, /keys create NAME/);
    const push = await cliText('push', '--help');
    assert.equal(push.code, 0);
    assert.match(push.out, /^usage: rocketpush push /);
    assert.doesNotMatch(push.out, /devices register/, 'only the push command');
    assert.equal((await cliText('help', 'keys')).out.split('\n')[0], 'usage: rocketpush keys create NAME --scope SCOPE [--scope SCOPE ...] [--rate N] [--ttl SECONDS | --at ISO-TIME]');
    const version = await cliText('--version');
    assert.equal(version.code, 0);
    assert.equal(version.out.trim(), '0.2.0');
  });

  it('makes, lists and revokes API keys, and makes webhook secrets', async () => {
    const name = `cli-key-${randomUUID().slice(0, 6)}`;
    const made = await cli('keys', 'create', name, '--scope', 'devices.read', '--rate', '20');
    assert.equal(made.code, 0, made.err);
    const { id, key } = made.out as { id: string; key: string };
    const reader = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: key });
    assert.ok(Array.isArray((await reader.devices.list({ limit: 1 })).items));
    assert.ok(((await cli('keys', 'list')).out as { items: { name: string }[] }).items.some((k) => k.name === name));
    assert.equal((await cli('keys', 'revoke', id)).code, 0);
    await assert.rejects(reader.devices.list({ limit: 1 }), (e: unknown) => e instanceof RocketpushError && e.status === 401);
    assert.equal((await cli('keys', 'create', name)).code, 2, 'a key needs a scope');
    const secret = await cli('webhooks', 'secret');
    assert.match((secret.out as { secret: string }).secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('manages devices and pushes, printing the answers as JSON', async () => {
    const id = `cli-${randomUUID().slice(0, 8)}`;
    const reg = await cli('devices', 'register', id, '--user', 'cli-user', '--tag', 'a', '--tag', 'b');
    assert.equal(reg.code, 0, reg.err);
    assert.deepEqual((reg.out as { tags: string[] }).tags, ['a', 'b']);
    const upd = await cli('devices', 'update', id, '--no-user');
    assert.equal((upd.out as { user: string | null }).user, null);
    assert.equal(((await cli('devices', 'get', id)).out as { id: string }).id, id);

    const { got } = await subscribed(on.edgeB, `devices/${id}`, 1, { clientId: id });
    const pushed = await cli('push', '--device', id, '--text', 'from the cli', '--qos', '1');
    assert.equal(pushed.code, 0, pushed.err);
    assert.equal((pushed.out as { targeted: number }).targeted, 1);
    await waitFor(() => got.length >= 1, 10_000, 'the CLI push');
    assert.equal(got[0]!.payload, 'from the cli');
    const pushId = (pushed.out as { id: string }).id;
    await eventually(async () => ((await cli('status', pushId)).out as { counts: { acknowledged: number } }).counts.acknowledged === 1,
      10_000, 'the receipt, read with rocketpush status');
    const status = (await cli('status', pushId, '--limit', '1')).out as { devices: { items: { deviceId: string; state: string }[] } };
    assert.deepEqual(status.devices.items, [{ deviceId: id, state: 'acked' }]);

    const later = await cli('push', '--device', id, '--text', 'never', '--delay', '60', '--collapse-key', 'cli');
    assert.equal(later.code, 0, later.err);
    const cancelled = await cli('cancel', (later.out as { id: string }).id);
    assert.deepEqual(cancelled.out, { id: (later.out as { id: string }).id, state: 'cancelled', cancelled: 1 });

    const listed = await cli('devices', 'list', '--tag', 'a', '--limit', '500');
    assert.ok((listed.out as { items: { id: string }[] }).items.some((d) => d.id === id));
    assert.equal((await cli('devices', 'delete', id)).code, 0);
  });

  it('exits 2 on bad usage and 1 with the API\'s error on stderr', async () => {
    const usage = await cli('push', '--text', 'no target');
    assert.equal(usage.code, 2);
    assert.match(usage.err, /exactly one target/);
    assert.equal((await cli('launch', 'rockets')).code, 2);
    const missing = await cli('devices', 'get', `missing-${randomUUID().slice(0, 6)}`);
    assert.equal(missing.code, 1);
    assert.equal((JSON.parse(missing.err) as { error: { code: string } }).error.code, 'not_found');
  });
});
