import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { closeAll, connect, hadSession, record, settle, subscribed, uniqueTopic, waitFor } from '../support/devices.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// The whole way in one process: a device's publish goes through the edge's publish hook, the
// publish service and the batching producer into the in-memory RocketMQ, comes out of the other
// edge's delivery consumer (or a persistent session's queue) and reaches a device connected over
// MQTT. The stack tests run the same behaviour against the real servers.
let cluster: InProcessCluster;
before(async () => { cluster = await InProcessCluster.start(); });
after(async () => { await cluster.stop(); });

describe('the whole way through an in-process cluster', () => {
  for (const qos of [0, 1, 2] as const) {
    it(`delivers a QoS ${qos} publish on one edge to a subscriber on the other, once`, async () => {
      const topic = uniqueTopic(`qos${qos}`);
      const { got } = await subscribed(cluster.edgeUrl(1), topic, qos);
      const pub = await connect(cluster.edgeUrl(0));
      await Promise.all(Array.from({ length: 50 }, (_, i) => pub.publishAsync(topic, `m${i}`, { qos })));
      await waitFor(() => got.length >= 50, 10_000, '50 messages');
      await settle(300);
      assert.deepEqual(got.map((m) => m.payload), Array.from({ length: 50 }, (_, i) => `m${i}`));
      assert.ok(got.every((m) => m.qos === qos && m.topic === topic));
    });
  }

  it('keeps one publisher\'s order across edges', async () => {
    const topic = uniqueTopic('order');
    const { got } = await subscribed(cluster.edgeUrl(1), topic, 1);
    const pub = await connect(cluster.edgeUrl(0));
    const sent = Array.from({ length: 200 }, (_, i) => `o${i}`);
    await Promise.all(sent.map((p) => pub.publishAsync(topic, p, { qos: 1 })));
    await waitFor(() => got.length >= sent.length, 10_000, 'every message');
    assert.deepEqual(got.map((m) => m.payload), sent);
  });

  it('queues for an offline persistent session and hands the queue over on another edge', async () => {
    const topic = uniqueTopic('persistent');
    const clientId = `p-${randomUUID().slice(0, 8)}`;
    const first = await connect(cluster.edgeUrl(0), { clientId, clean: false });
    await first.subscribeAsync(topic, { qos: 1 });
    await first.endAsync();
    const pub = await connect(cluster.edgeUrl(0));
    for (let i = 0; i < 10; i++) await pub.publishAsync(topic, `q${i}`, { qos: 1 });
    const again = await connect(cluster.edgeUrl(1), { clientId, clean: false });
    assert.equal(hadSession(again), true, 'the session was found on the other edge');
    const got = record(again);
    await waitFor(() => got.length >= 10, 10_000, 'the queued messages');
    await settle(300);
    assert.deepEqual(got.map((m) => m.payload), Array.from({ length: 10 }, (_, i) => `q${i}`));
  });

  it('gives a new subscriber on another edge the retained message', async () => {
    const topic = uniqueTopic('retained');
    const pub = await connect(cluster.edgeUrl(0));
    await pub.publishAsync(topic, 'kept', { qos: 1, retain: true });
    const { got } = await subscribed(cluster.edgeUrl(1), topic, 1);
    await waitFor(() => got.length >= 1, 10_000, 'the retained message');
    assert.equal(got[0]!.payload, 'kept');
    assert.equal(got[0]!.retain, true);
  });

  it('sends a REST publish and a push to a registered device', async () => {
    const topic = uniqueTopic('rest');
    const { got } = await subscribed(cluster.edgeUrl(1), topic, 1);
    const published = await cluster.api('POST', '/v1/publish', { topic, payload: 'from rest', qos: 1 });
    assert.equal(published.status, 202, JSON.stringify(published.json));
    const id = await cluster.register('whole');
    const device = await subscribed(cluster.edgeUrl(0), `devices/${id}`, 1, { clientId: id });
    const pushed = await cluster.api('POST', '/v1/pushes', { target: { devices: [id] }, payload: 'hello device', format: 'text' });
    assert.equal(pushed.status, 202, JSON.stringify(pushed.json));
    await waitFor(() => got.length >= 1 && device.got.length >= 1, 10_000, 'the REST publish and the push');
    assert.equal(got[0]!.payload, 'from rest');
    assert.equal(device.got[0]!.payload, 'hello device');
  });
});

after(closeAll);
