import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import mqtt from 'mqtt';
import { connect, eventually, hadSession, record, settle, uniqueTopic, waitFor } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/100): what a persistent session keeps, queues and gives back,
// here on the in-memory on.cluster. What needs the real servers (an edge or a broker killed with
// sessions in flight) stays in stack tests 92, 93, 105 and 106.
const on = useInProcessCluster();

const pending = (clientId: string) => on.cluster.memory.stores.sessions.pending(clientId);

/** Waits for edge number `i`'s counter `name` to reach `value`. */
async function eventuallyStat(i: number, name: string, value: number): Promise<void> {
  await eventually(() => Promise.resolve(on.cluster.edgeStat(i, name) === value), 10_000, () => `edge ${i + 1} ${name} at ${value} (is ${on.cluster.edgeStat(i, name)})`);
}

/** A persistent device: subscribes, then goes offline. */
async function leaveSubscribed(url: string, clientId: string, topics: string[], qos: 0 | 1 | 2): Promise<void> {
  const device = await connect(url, { clientId, clean: false });
  await device.subscribeAsync(topics, { qos });
  await device.endAsync();
}

describe('persistent sessions (clean session = 0)', () => {
  it('keep their subscriptions and queued messages across a disconnect and a move to another edge, in publish order', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const [t1, t2] = [uniqueTopic('persist-1'), uniqueTopic('persist-2')];
    await leaveSubscribed(on.edgeA, clientId, [t1, t2], 1);

    const publisher = await connect(on.edgeB);
    for (let i = 0; i < 50; i++) {
      await publisher.publishAsync(t1, `a${i}`, { qos: 1 });
      await publisher.publishAsync(t2, `b${i}`, { qos: 2 });
    }

    const device = await connect(on.edgeB, { clientId, clean: false });
    const got = record(device);
    await waitFor(() => got.length >= 100, 30_000, '100 queued messages');
    await settle(500);
    assert.deepEqual(got.filter((m) => m.topic === t1).map((m) => m.payload), Array.from({ length: 50 }, (_, i) => `a${i}`));
    assert.deepEqual(got.filter((m) => m.topic === t2).map((m) => m.payload), Array.from({ length: 50 }, (_, i) => `b${i}`));
    // Delivered at the publish QoS capped by the subscription's (QoS 1 here).
    assert.ok(got.every((m) => m.qos === 1 && !m.dup));

    // The restored subscription also takes live messages, once.
    await publisher.publishAsync(t1, 'live', { qos: 1 });
    await waitFor(() => got.length >= 101, 10_000, 'a live message');
    await settle(500);
    assert.equal(got.length, 101);
  });

  it('answer CONNACK with session present, and a clean-session connect ends the session and its queue', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('persist-clean');
    await leaveSubscribed(on.edgeA, clientId, [topic], 1);

    const again = await connect(on.edgeB, { clientId, clean: false });
    assert.equal(hadSession(again), true);
    await again.endAsync();

    const publisher = await connect(on.edgeA);
    await publisher.publishAsync(topic, 'queued-then-discarded', { qos: 1 });
    const clean = await connect(on.edgeA, { clientId, clean: true });
    await clean.endAsync();
    assert.equal(await on.cluster.memory.stores.sessions.exists(clientId), false);

    const later = await connect(on.edgeB, { clientId, clean: false });
    assert.equal(hadSession(later), false);
    const got = record(later);
    await settle(1500);
    assert.deepEqual(got, [], 'nothing of the ended session arrives');
  });

  it('do not queue QoS 0 messages, and queue QoS 1/2 messages only for QoS 1/2 subscriptions', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const [t0, t1] = [uniqueTopic('persist-q0'), uniqueTopic('persist-q1')];
    const device = await connect(on.edgeA, { clientId, clean: false });
    await device.subscribeAsync(t0, { qos: 0 });
    await device.subscribeAsync(t1, { qos: 1 });
    await device.endAsync();

    const publisher = await connect(on.edgeB);
    await publisher.publishAsync(t0, 'sub-qos0', { qos: 1 });
    await publisher.publishAsync(t1, 'pub-qos0', { qos: 0 });
    await publisher.publishAsync(t1, 'kept', { qos: 2 });

    const back = await connect(on.edgeB, { clientId, clean: false });
    const got = record(back);
    await waitFor(() => got.length >= 1, 10_000, 'the queued message');
    await settle(1000);
    assert.deepEqual(got.map((m) => [m.payload, m.qos]), [['kept', 1]]);
  });

  it('skip queued messages that expired while the device was away, and count them', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('persist-ttl');
    await leaveSubscribed(on.edgeA, clientId, [topic], 1);
    const short = await on.cluster.api('POST', '/v1/publish', { topic, payload: 'short-lived', qos: 1, ttl: 1 });
    assert.equal(short.status, 202);
    const long = await on.cluster.api('POST', '/v1/publish', { topic, payload: 'long-lived', qos: 1, ttl: 600 });
    assert.equal(long.status, 202);
    await settle(1500);

    const expiredBefore = on.cluster.edgeStat(1, 'sessionExpired');
    const device = await connect(on.edgeB, { clientId, clean: false });
    const got = record(device);
    await waitFor(() => got.length >= 1, 10_000, 'the fresh message');
    await settle(1000);
    assert.deepEqual(got.map((m) => m.payload), ['long-lived']);
    await eventuallyStat(1, 'sessionExpired', expiredBefore + 1);
    assert.equal(await pending(clientId), 0, 'the expired message left the pending count');
  });

  it('cap their queue: past SESSION_PENDING_CAP new messages are not queued, and that is counted', async () => {
    const capped = await on.cluster.addEdge({ SESSION_PENDING_CAP: '5' });
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('persist-cap');
    await leaveSubscribed(on.edgeA, clientId, [topic], 1);

    const publisher = await connect(on.cluster.edgeUrl(capped));
    for (let i = 0; i < 8; i++) await publisher.publishAsync(topic, `m${i}`, { qos: 1 });
    assert.equal(await pending(clientId), 5);

    const device = await connect(on.edgeB, { clientId, clean: false });
    const got = record(device);
    await waitFor(() => got.length >= 5, 10_000, 'the 5 queued messages');
    await settle(1000);
    assert.deepEqual(got.map((m) => m.payload), ['m0', 'm1', 'm2', 'm3', 'm4']);
    // Acknowledged messages leave the count, so the queue takes new ones again.
    await eventually(async () => (await pending(clientId)) === 0, 5000, 'the acknowledged messages leaving the count');
    await eventuallyStat(capped, 'sessionOverflow', 3);
  });

  it('give back a queue place that a publisher left behind when it died before its message was written', async () => {
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const topic = uniqueTopic('persist-leak');
    await leaveSubscribed(on.edgeA, clientId, [topic], 1);
    // What a publisher killed between taking the place and SEND_OK leaves: a place for a message
    // that never reaches the queue, taken three minutes ago.
    await on.cluster.memory.stores.sessions.reserve(clientId, { id: 'lost-before-send', origin: 'edge-9', publishedAt: Date.now() - 180_000 }, 1000);
    const publisher = await connect(on.edgeA);
    await publisher.publishAsync(topic, 'after', { qos: 1 });
    assert.equal(await pending(clientId), 2);

    // Listening before CONNACK: the queued message may come in the same read as CONNACK.
    const device = mqtt.connect(on.edgeB, { clientId, clean: false, reconnectPeriod: 0 });
    const got = record(device);
    await waitFor(() => got.length >= 1, 10_000, 'the queued message');
    await eventually(async () => (await pending(clientId)) === 0, 10_000,
      'the abandoned place given back once a younger message was delivered');
    await device.endAsync(true);
  });
});
