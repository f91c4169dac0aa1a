import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { RocketpushClient } from '@rocketpush/client';
import { connect, eventually, record, settle, sleep, subscribed, waitFor, type Received } from '../support/devices.js';
import { InProcessCluster, useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/140-push-status), all but the delayed push through RocketMQ's
// delay messages, which stays there; runs on the in-process cluster (memory stores and bus).
let client: RocketpushClient;
const on = useInProcessCluster(() => {
  client = new RocketpushClient({ baseUrl: on.cluster.apiBase, apiKey: on.cluster.key });
  return Promise.resolve();
});
const api = (...args: Parameters<InProcessCluster['api']>) => on.cluster.api(...args);
const register = (prefix: string) => on.cluster.register(prefix);

/** A registered device connected with a clean session, listening to its topic. */
async function online(url = on.edgeA): Promise<{ id: string; got: Received[] }> {
  const id = await register('on');
  const { got } = await subscribed(url, `devices/${id}`, 1, { clientId: id });
  return { id, got };
}

/** A registered device with a persistent session that subscribed to its topic and went away. */
async function away(): Promise<string> {
  const id = await register('away');
  const c = await connect(on.edgeA, { clientId: id, clean: false });
  await c.subscribeAsync(`devices/${id}`, { qos: 1 });
  await c.endAsync();
  return id;
}

/** The device comes back (on the other edge) and records what its session delivers. */
async function comeBack(id: string): Promise<Received[]> {
  const c = await connect(on.edgeB, { clientId: id, clean: false });
  return record(c);
}

async function push(body: Record<string, unknown>): Promise<string> {
  const res = await api('POST', '/v1/pushes', { format: 'text', ...body });
  assert.equal(res.status, 202, JSON.stringify(res.json));
  return res.json.id!;
}

describe('the delivery status of a push', () => {
  it('counts targeted, sent, acknowledged and pending devices, from receipts of both edges, and lists devices page by page', async () => {
    const live = await online(on.edgeB);
    const queued = await away();
    const never = await register('never');
    const id = await push({ target: { devices: [live.id, queued, never] }, payload: 'status please', qos: 1 });

    await waitFor(() => live.got.length >= 1, 30_000, 'the live device');
    await eventually(async () => (await client.status(id)).counts.acknowledged === 1, 30_000, 'the live device\'s receipt');
    let s = await client.status(id);
    assert.equal(s.state, 'accepted');
    assert.deepEqual(s.counts, { targeted: 3, pending: 2, sent: 0, acknowledged: 1, expired: 0, cancelled: 0, replaced: 0 });

    const back = await comeBack(queued);
    await waitFor(() => back.length >= 1, 30_000, 'the queued message');
    await eventually(async () => (await client.status(id)).counts.acknowledged === 2, 30_000, 'the persistent session\'s receipt');
    s = await client.status(id);
    assert.equal(s.counts.pending, 1);

    // Per device, in id order, two per page.
    const first = await client.status(id, { limit: 2 });
    assert.equal(first.devices.items.length, 2);
    assert.ok(first.devices.next);
    const second = await client.status(id, { limit: 2, after: first.devices.next! });
    const states = Object.fromEntries([...first.devices.items, ...second.devices.items].map((d) => [d.deviceId, d.state]));
    assert.deepEqual(states, { [live.id]: 'acked', [queued]: 'acked', [never]: 'pending' });
    assert.equal(second.devices.next, null);
    assert.deepEqual([...first.devices.items, ...second.devices.items].map((d) => d.deviceId), [live.id, queued, never].sort());
  });

  it('counts a QoS 0 push as sent (there is no acknowledgement), and receipts of topic pushes per receiving client', async () => {
    const live = await online();
    const q0 = await push({ target: { devices: [live.id] }, payload: 'fire and forget', qos: 0 });
    await eventually(async () => (await client.status(q0)).counts.sent === 1, 30_000, 'the QoS 0 receipt');
    assert.equal((await client.status(q0)).counts.acknowledged, 0);

    const topic = `status/${randomUUID().slice(0, 8)}`;
    await subscribed(on.edgeA, topic, 1, { clientId: `sub-${randomUUID().slice(0, 6)}` });
    await subscribed(on.edgeB, topic, 1, { clientId: `sub-${randomUUID().slice(0, 6)}` });
    const t = await push({ target: { topic }, payload: 'to a topic' });
    await eventually(async () => (await client.status(t)).counts.acknowledged === 2, 30_000, 'both subscribers\' receipts');
    assert.equal((await client.status(t)).counts.targeted, null);
  });

  it('expires what was not delivered within the TTL: counted, and never delivered afterwards', async () => {
    const queued = await away();
    const never = await register('never');
    const id = await push({ target: { devices: [queued, never] }, payload: 'short-lived', ttl: 2 });
    await eventually(async () => (await client.status(id)).counts.expired === 2, 30_000, () => 'both devices expired');
    const s = await client.status(id);
    assert.equal(s.counts.pending, 0);
    const back = await comeBack(queued);
    await settle(3000);
    assert.deepEqual(back.map((m) => m.payload), [], 'an expired push is not delivered');
  });

  it('cancels what was not delivered: a delayed push entirely, a queued one on the devices it has not reached', async () => {
    const live = await online();
    const delayed = await push({ target: { devices: [live.id] }, payload: 'never sent', delay: 3 });
    const cancelled = await client.cancel(delayed);
    assert.deepEqual(cancelled, { id: delayed, state: 'cancelled', cancelled: 1 });

    const queued = await away();
    const mixed = await push({ target: { devices: [live.id, queued] }, payload: 'half delivered' });
    await waitFor(() => live.got.some((m) => m.payload === 'half delivered'), 30_000, 'the live device');
    await eventually(async () => (await client.status(mixed)).counts.acknowledged === 1, 30_000, 'the live receipt');
    assert.equal((await client.cancel(mixed)).cancelled, 1, 'only the device not reached yet');
    const back = await comeBack(queued);
    await sleep(5000);
    assert.deepEqual(live.got.map((m) => m.payload), ['half delivered'], 'the delayed push never came');
    assert.deepEqual(back.map((m) => m.payload), [], 'the queued push was withdrawn');
    const s = await client.status(mixed);
    assert.equal(s.state, 'cancelled');
    assert.equal(s.counts.cancelled, 1);
    assert.equal(s.counts.acknowledged, 1);

    const unknown = await api('DELETE', `/v1/pushes/${randomUUID()}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error?.code, 'not_found');
  });

  it('replaces an older push still pending for a device by a newer one with the same collapse key', async () => {
    const queued = await away();
    const older = await push({ target: { devices: [queued] }, payload: 'score 1-0', collapseKey: 'score' });
    const other = await push({ target: { devices: [queued] }, payload: 'unrelated', collapseKey: 'news' });
    const newer = await api('POST', '/v1/pushes', { target: { devices: [queued] }, payload: 'score 2-0', format: 'text', collapseKey: 'score' });
    assert.equal(newer.json.replaced, 1);
    const back = await comeBack(queued);
    await waitFor(() => back.length >= 2, 30_000, 'the pushes that were not replaced');
    await settle(3000);
    assert.deepEqual(back.map((m) => m.payload), ['unrelated', 'score 2-0']);
    const s = await client.status(older);
    assert.equal(s.counts.replaced, 1);
    assert.equal(s.devices.items[0]!.state, 'replaced');
    assert.equal((await client.status(other)).devices.items[0]!.state, 'acked');

    const bad = await api('POST', '/v1/pushes', { target: { broadcast: true }, payload: 'x', format: 'text', collapseKey: 'k' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error?.field, 'collapseKey');
  });

  it('answers 404 for an unknown push and 400 for a bad page', async () => {
    const res = await api('GET', `/v1/pushes/${randomUUID()}`);
    assert.equal(res.status, 404);
    const live = await online();
    const id = await push({ target: { devices: [live.id] }, payload: 'x' });
    const bad = await api('GET', `/v1/pushes/${id}?limit=0`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error?.field, 'limit');
    await settle(500);
  });
});
