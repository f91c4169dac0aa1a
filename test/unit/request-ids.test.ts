import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import express from 'express';
import winston from 'winston';
import { requestContext } from '../../src/api/request-context.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

const on = useInProcessCluster(async () => {
  limitedBase = await on.cluster.addApi({ API_KEYS: `limited:${limitedKey}:devices.read:3` });
});
let limitedBase = '';
const limitedKey = `limited-${randomUUID()}`;

async function call(path: string, init: RequestInit & { key?: string; base?: string } = {}): Promise<{ status: number; headers: Headers; body: { error?: { code: string; message: string; field?: string; problems?: { field?: string; message: string }[]; requestId?: string } } }> {
  const res = await fetch(`${init.base ?? on.cluster.apiBase}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${init.key ?? on.cluster.key}`, ...(init.headers as Record<string, string>) },
  });
  return { status: res.status, headers: res.headers, body: await res.json() as never };
}

describe('request ids', () => {
  it('echoes the caller\'s X-Request-Id in the answer and in the error body', async () => {
    const res = await call('/v1/devices/nobody-here', { headers: { 'x-request-id': 'backend-7f3a:42' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-request-id'), 'backend-7f3a:42');
    assert.equal(res.body.error?.requestId, 'backend-7f3a:42');
  });

  it('makes one when the caller sends none, or one that is no id (spaces, too long)', async () => {
    const ids = new Set<string>();
    for (const offered of [undefined, 'has spaces in it', 'x'.repeat(200)]) {
      const res = await call('/v1/devices?limit=1', offered ? { headers: { 'x-request-id': offered } } : {});
      assert.equal(res.status, 200);
      const id = res.headers.get('x-request-id') ?? '';
      assert.match(id, /^[0-9a-f-]{36}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 3, 'a new id per request');
  });

  it('puts the id in error bodies the API answers before any route (bad JSON, no key)', async () => {
    const badJson = await call('/v1/publish', { method: 'POST', body: '{"topic": ', headers: { 'x-request-id': 'bad-json-1' } });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error?.code, 'invalid_json');
    assert.equal(badJson.body.error?.requestId, 'bad-json-1');
    const res = await fetch(`${on.cluster.apiBase}/v1/devices`, { headers: { 'x-request-id': 'no-key-1' } });
    assert.equal(res.status, 401);
    assert.equal((await res.json() as { error: { requestId: string } }).error.requestId, 'no-key-1');
  });
});

describe('validation answers', () => {
  it('report every problem of a body, each with its field', async () => {
    const res = await call('/v1/publish', { method: 'POST', body: JSON.stringify({ topic: '', qos: 7, retain: 'yes', payload: 'x' }) });
    assert.equal(res.status, 400);
    const fields = (res.body.error?.problems ?? []).map((p) => p.field).sort();
    assert.deepEqual(fields, ['qos', 'retain', 'topic'], JSON.stringify(res.body));
    assert.equal(res.body.error?.field, res.body.error?.problems?.[0]?.field, 'field is the first problem\'s, as before');
    for (const f of fields) assert.match(res.body.error?.message ?? '', new RegExp(`${f}: `), 'the message names each problem too');
  });

  it('report every problem of a push', async () => {
    const res = await call('/v1/pushes', { method: 'POST', body: JSON.stringify({ target: {}, payload: 'x', qos: 5, ttl: -1 }) });
    assert.equal(res.status, 400);
    assert.ok((res.body.error?.problems?.length ?? 0) >= 2, JSON.stringify(res.body));
    assert.ok(res.body.error?.requestId);
  });
});

describe('rate limit headers', () => {
  it('tell the policy and what is left of it on every limited answer, down to the refusal', async () => {
    const seen: { status: number; policy: string | null; left: string | null }[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call('/v1/devices?limit=1', { key: limitedKey, base: limitedBase });
      seen.push({ status: res.status, policy: res.headers.get('ratelimit-policy'), left: res.headers.get('ratelimit') });
    }
    assert.ok(seen.every((s) => s.policy === '"api-key";q=3;w=1'), JSON.stringify(seen));
    const remaining = seen.map((s) => Number(/;r=(\d+);/.exec(s.left ?? '')?.[1]));
    assert.deepEqual(remaining.slice(0, 3), [2, 1, 0], `the burst of 3 counts down: ${JSON.stringify(seen)}`);
    assert.equal(seen[3]!.status, 429);
    assert.match(seen[3]!.left ?? '', /^"api-key";r=0;t=[12]$/);
  });

  it('are not sent where nothing is limited', async () => {
    const res = await fetch(`${on.cluster.apiBase}/healthz`);
    assert.equal(res.headers.get('ratelimit'), null);
  });
});

describe('the access log', () => {
  function loggedApp(): { app: express.Express; lines: Record<string, unknown>[] } {
    const lines: Record<string, unknown>[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      for (const l of chunk.toString('utf8').split('\n').filter((x) => x.length > 0)) lines.push(JSON.parse(l) as Record<string, unknown>);
    });
    const log = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
    const app = express();
    app.use(requestContext(log));
    app.get('/v1/things/:id', (_req, res) => { res.locals.apiKey = 'ops'; res.json({ ok: true }); });
    app.get('/healthz', (_req, res) => { res.json({ ok: true }); });
    return { app, lines };
  }

  it('has one line per request with its id, route template, status and time, and leaves the probes to debug', async () => {
    const { app, lines } = loggedApp();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await (await fetch(`${base}/v1/things/42`, { headers: { 'x-request-id': 'trace-1' } })).arrayBuffer();
      await (await fetch(`${base}/v1/things/43`)).arrayBuffer();
      await (await fetch(`${base}/healthz`)).arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      server.close();
    }
    assert.equal(lines.length, 2, JSON.stringify(lines));
    const first = lines[0]!;
    assert.equal(first.message, 'request');
    assert.equal(first.requestId, 'trace-1');
    assert.equal(first.method, 'GET');
    assert.equal(first.path, '/v1/things/42');
    assert.equal(first.route, '/v1/things/:id');
    assert.equal(first.status, 200);
    assert.equal(first.apiKey, 'ops');
    assert.equal(typeof first.durationMs, 'number');
    assert.notEqual(lines[1]!.requestId, 'trace-1');
  });
});
