import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { settle, subscribed, uniqueTopic, waitFor, type Received } from '../support/devices.js';
import { InProcessCluster, useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/120-pushes): runs on the in-process cluster (memory stores and bus).
const on = useInProcessCluster();
const api = (...args: Parameters<InProcessCluster['api']>) => on.cluster.api(...args);

/** Registers a device and connects it (the test cluster's edges are open), listening to its topic. */
async function device(opts: { user?: string; tags?: string[]; url?: string } = {}): Promise<{ id: string; got: Received[] }> {
  const id = `push-${randomUUID().slice(0, 8)}`;
  assert.equal((await api('POST', '/v1/devices', { id, user: opts.user ?? null, tags: opts.tags ?? [] })).status, 201);
  const { got } = await subscribed(opts.url ?? on.edgeA, `devices/${id}`, 1, { clientId: id });
  return { id, got };
}

describe('POST /v1/pushes', () => {
  it('pushes to a list of devices, one message each on its own topic, and names the unknown ones', async () => {
    const [a, b] = [await device(), await device({ url: on.edgeB })];
    const ghost = `ghost-${randomUUID().slice(0, 6)}`;
    const res = await api('POST', '/v1/pushes', { target: { devices: [a.id, b.id, ghost, a.id] }, payload: { title: 'hi', n: 1 } });
    assert.equal(res.status, 202);
    assert.equal(res.json.targeted, 2);
    assert.deepEqual(res.json.unknownDevices, [ghost]);
    await waitFor(() => a.got.length >= 1 && b.got.length >= 1, 15_000, 'both devices');
    await settle();
    for (const d of [a, b]) assert.deepEqual(d.got.map((m) => JSON.parse(m.payload) as unknown), [{ title: 'hi', n: 1 }]);

    const none = await api('POST', '/v1/pushes', { target: { devices: [ghost] }, payload: 1 });
    assert.equal(none.status, 404);
    assert.equal(none.json.error?.code, 'unknown_devices');
  });

  it('pushes to all devices of a user alias, and to devices chosen by a tag expression', async () => {
    const user = `u-${randomUUID().slice(0, 6)}`;
    const [t1, t2] = [`beta${randomUUID().slice(0, 4)}`, `churned${randomUUID().slice(0, 4)}`];
    const mine1 = await device({ user, tags: [t1] });
    const mine2 = await device({ user, tags: [t1, t2], url: on.edgeB });
    const other = await device({ tags: [t2] });

    const toUser = await api('POST', '/v1/pushes', { target: { user }, payload: 'for the user', format: 'text' });
    assert.equal(toUser.json.targeted, 2);
    const toTags = await api('POST', '/v1/pushes', { target: { tags: `${t1} AND NOT ${t2}` }, payload: 'beta only', format: 'text' });
    assert.equal(toTags.json.targeted, 1);
    const toEither = await api('POST', '/v1/pushes', { target: { tags: `(${t1} OR ${t2})` }, payload: 'everyone tagged', format: 'text' });
    assert.equal(toEither.json.targeted, 3);

    await waitFor(() => mine1.got.length >= 3 && mine2.got.length >= 2 && other.got.length >= 1, 15_000, 'the pushes');
    await settle();
    assert.deepEqual(mine1.got.map((m) => m.payload), ['for the user', 'beta only', 'everyone tagged']);
    assert.deepEqual(mine2.got.map((m) => m.payload), ['for the user', 'everyone tagged']);
    assert.deepEqual(other.got.map((m) => m.payload), ['everyone tagged']);

    const bad = await api('POST', '/v1/pushes', { target: { tags: `${t1} AND` }, payload: 'x' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error?.field, 'target.tags');
  });

  it('pushes to a topic and to everyone, with text, base64 and JSON payloads, QoS and TTL', async () => {
    const topic = uniqueTopic('push-topic');
    const { got } = await subscribed(on.edgeB, topic, 2);
    const { got: everyone } = await subscribed(on.edgeA, 'broadcast', 1);
    const bytes = Buffer.from([0, 1, 2, 250]);
    const r1 = await api('POST', '/v1/pushes', { target: { topic }, payload: bytes.toString('base64'), format: 'base64', qos: 2, ttl: 60 });
    assert.equal(r1.status, 202);
    assert.equal(r1.json.targeted, null);
    assert.ok(Date.parse(r1.json.expiresAt as string) - Date.parse(r1.json.acceptedAt as string) === 60_000);
    const r2 = await api('POST', '/v1/pushes', { target: { broadcast: true }, payload: 'to all', format: 'text', qos: 0 });
    assert.equal(r2.status, 202);
    await waitFor(() => got.length >= 1 && everyone.some((m) => m.payload === 'to all'), 15_000, 'topic and broadcast pushes');
    assert.deepEqual(got[0]!.raw, bytes);
    assert.equal(got[0]!.qos, 2);
  });

  it('wraps the payload in the envelope when asked: push id, collapse key, sent-at and data; raw stays the default', async () => {
    const d = await device();
    const json = await api('POST', '/v1/pushes', { target: { devices: [d.id] }, payload: { title: 'hi' }, envelope: true, collapseKey: 'score', ttl: 600 });
    assert.equal(json.status, 202);
    const text = await api('POST', '/v1/pushes', { target: { devices: [d.id] }, payload: 'plain words', format: 'text', envelope: true });
    const bytes = await api('POST', '/v1/pushes', { target: { devices: [d.id] }, payload: Buffer.from([0, 1, 255]).toString('base64'), format: 'base64', envelope: true });
    const raw = await api('POST', '/v1/pushes', { target: { devices: [d.id] }, payload: { title: 'raw' } });
    await waitFor(() => d.got.length >= 4, 15_000, 'four pushes');
    const envelopes = d.got.slice(0, 3).map((m) => JSON.parse(m.payload) as Record<string, unknown>);
    const first = envelopes.find((e) => e.pushId === json.json.id);
    assert.ok(first, `the envelope carries the id the API answered: ${JSON.stringify(envelopes)}`);
    assert.deepEqual(first.data, { title: 'hi' });
    assert.equal(first.format, 'json');
    assert.equal(first.collapseKey, 'score');
    assert.equal(first.sentAt, json.json.acceptedAt);
    assert.equal(first.expiresAt, json.json.expiresAt);
    const t = envelopes.find((e) => e.pushId === text.json.id)!;
    assert.deepEqual([t.format, t.data, t.collapseKey], ['text', 'plain words', null]);
    const b = envelopes.find((e) => e.pushId === bytes.json.id)!;
    assert.deepEqual(Buffer.from(b.data as string, 'base64'), Buffer.from([0, 1, 255]));
    assert.deepEqual(JSON.parse(d.got.find((m) => !m.payload.includes('pushId'))!.payload), { title: 'raw' }, 'no envelope unless asked');
    assert.equal(raw.status, 202);
  });

  it('refuses with 413 a push whose envelope would be over the size limit, and sends nothing', async () => {
    const d = await device();
    const limit = 256 * 1024;
    const tooBig = await api('POST', '/v1/pushes', { target: { devices: [d.id] }, payload: 'x'.repeat(limit - 20), format: 'text', envelope: true });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.json.error?.code, 'payload_too_large');
    await settle(500);
    assert.equal(d.got.length, 0);
  });

  it('answers malformed pushes with 400 and the field at fault', async () => {
    const cases: [unknown, string][] = [
      [{ target: {}, payload: 1 }, 'target'],
      [{ target: { user: 'a', topic: 'b' }, payload: 1 }, 'target'],
      [{ target: { topic: 'a/#' }, payload: 1 }, 'target.topic'],
      [{ target: { devices: [] }, payload: 1 }, 'target.devices'],
      [{ target: { broadcast: true }, payload: 'not base64!', format: 'base64' }, 'payload'],
      [{ target: { broadcast: true }, payload: { a: 1 }, format: 'text' }, 'payload'],
      [{ target: { broadcast: true } }, 'payload'],
      [{ target: { broadcast: true }, payload: 1, qos: 3 }, 'qos'],
    ];
    for (const [body, field] of cases) {
      const res = await api('POST', '/v1/pushes', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error?.field, field, JSON.stringify(body));
    }
    assert.equal((await api('POST', '/v1/pushes', { target: { broadcast: true }, payload: 1 }, { key: null })).status, 401);
  });

  it('sends nothing again for a repeated Idempotency-Key and returns the first answer; another body with the key is refused', async () => {
    const d = await device();
    const key = `idem-${randomUUID()}`;
    const body = { target: { devices: [d.id] }, payload: 'once', format: 'text' };
    const first = await fetchWithKey('/v1/pushes', body, key);
    const again = await fetchWithKey('/v1/pushes', body, key);
    assert.equal(first.status, 202);
    assert.equal(again.status, 202);
    assert.equal(again.replayed, 'true');
    assert.deepEqual(again.json, first.json);
    await waitFor(() => d.got.length >= 1, 10_000, 'the push');
    await settle(1500);
    assert.deepEqual(d.got.map((m) => m.payload), ['once']);
    const other = await fetchWithKey('/v1/pushes', { ...body, payload: 'twice' }, key);
    assert.equal(other.status, 422);
  });

  it('takes up to 500 pushes in a batch and answers item by item', async () => {
    const d = await device();
    const res = await api('POST', '/v1/pushes:batch', { pushes: [
      { target: { devices: [d.id] }, payload: 'batched', format: 'text' },
      { target: {}, payload: 1 },
      { target: { devices: [`ghost-${randomUUID().slice(0, 6)}`] }, payload: 1 },
      'not an object',
    ] });
    assert.equal(res.status, 200);
    const results = res.json.results as { status: number; id?: string; error?: { field?: string } }[];
    assert.deepEqual(results.map((r) => r.status), [202, 400, 404, 400]);
    assert.equal(typeof results[0]!.id, 'string');
    await waitFor(() => d.got.length >= 1, 10_000, 'the batched push');
    assert.equal((await api('POST', '/v1/pushes:batch', { pushes: [] })).status, 400);
    assert.equal((await api('POST', '/v1/pushes:batch', { pushes: Array.from({ length: 501 }, () => ({})) })).status, 400);
  });
});

async function fetchWithKey(path: string, body: unknown, idempotencyKey: string) {
  const res = await fetch(`${on.cluster.apiBase}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${on.cluster.key}`, 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), json: await res.json() as unknown };
}
