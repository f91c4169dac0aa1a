import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { closeAll, connect, hadSession, record, settle, subscribed, uniqueTopic, waitFor } from '../support/devices.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// The whole way in one process: a device's publish goes through the edge's publish hook, the
// publish service and the batching producer into the in-memory RocketMQ, comes out of the other
// edge's delivery consumer (or a persistent session's queue) and reaches a device connected over
// MQTT. Moved here from the stack: test/stack/10-cross-edge. The in-memory RocketMQ stores each
// batch of a lane after the next one when that is sent within 50 ms, so every test here also holds
// the readers' restoring of each lane's order (src/bus/stream-order.ts) to its promise.
let cluster: InProcessCluster;
before(async () => { cluster = await InProcessCluster.start({ swapWithinMs: 50 }); });
after(async () => { await cluster.stop(); });

describe('the whole way through an in-process cluster', () => {
  for (const qos of [0, 1, 2] as const) {
    it(`delivers every QoS ${qos} publish on one edge to a subscriber on the other exactly once, in publish order`, async () => {
      const topic = uniqueTopic(`qos${qos}`);
      const { got } = await subscribed(cluster.edgeUrl(1), topic, qos);
      const pub = await connect(cluster.edgeUrl(0));
      const count = 500;
      await Promise.all(Array.from({ length: count }, (_, i) => pub.publishAsync(topic, `m${i}`, { qos })));
      await waitFor(() => got.length >= count, 10_000, `${count} messages`);
      await settle(500);
      assert.equal(got.length, count, 'no message lost and none duplicated');
      assert.deepEqual(got.map((m) => m.payload), Array.from({ length: count }, (_, i) => `m${i}`));
      assert.ok(got.every((m) => m.qos === qos && m.topic === topic));
    });
  }

  it('delivers to subscribers on the publishing edge too, once each', async () => {
    const topic = uniqueTopic('same-edge');
    const local = await connect(cluster.edgeUrl(0));
    const remote = await connect(cluster.edgeUrl(1));
    const gotLocal = record(local);
    const gotRemote = record(remote);
    await local.subscribeAsync(topic, { qos: 1 });
    await remote.subscribeAsync(topic, { qos: 1 });
    const pub = await connect(cluster.edgeUrl(0));
    for (let i = 0; i < 20; i++) await pub.publishAsync(topic, `x${i}`, { qos: 1 });
    await waitFor(() => gotLocal.length >= 20 && gotRemote.length >= 20, 10_000, () => `both subscribers (local ${gotLocal.length}/20, remote ${gotRemote.length}/20)`);
    await settle(500);
    assert.equal(gotLocal.length, 20);
    assert.equal(gotRemote.length, 20);
  });

  it('matches + and # wildcards, and not what lies outside them', async () => {
    const base = uniqueTopic('wild');
    const plus = await connect(cluster.edgeUrl(1));
    const hash = await connect(cluster.edgeUrl(1));
    const gotPlus = record(plus);
    const gotHash = record(hash);
    await plus.subscribeAsync(`${base}/+/temp`, { qos: 1 });
    await hash.subscribeAsync(`${base}/#`, { qos: 1 });
    const pub = await connect(cluster.edgeUrl(0));
    await pub.publishAsync(`${base}/kitchen/temp`, 'a', { qos: 1 });
    await pub.publishAsync(`${base}/kitchen/humidity`, 'b', { qos: 1 });
    await pub.publishAsync(`${base}/house/kitchen/temp`, 'c', { qos: 1 });
    await pub.publishAsync(`${base}`, 'd', { qos: 1 });
    await pub.publishAsync(`${base}-other/kitchen/temp`, 'e', { qos: 1 });
    await waitFor(() => gotHash.length >= 4, 5000, 'the # subscriber');
    await settle(500);
    assert.deepEqual(gotPlus.map((m) => m.payload), ['a']);
    // MQTT-4.7.1-2: `a/#` also matches the parent level `a`.
    assert.deepEqual(gotHash.map((m) => m.payload).sort(), ['a', 'b', 'c', 'd']);
  });

  it('keeps one publisher\'s order across edges', async () => {
    const topic = uniqueTopic('order');
    const { got } = await subscribed(cluster.edgeUrl(1), topic, 1);
    const pub = await connect(cluster.edgeUrl(0));
    const sent = Array.from({ length: 200 }, (_, i) => `o${i}`);
    await Promise.all(sent.map((p) => pub.publishAsync(topic, p, { qos: 1 })));
    await waitFor(() => got.length >= sent.length, 10_000, 'every message');
    assert.deepEqual(got.map((m) => m.payload), sent);
  });

  it('keeps every publisher\'s order at every subscriber while a lane\'s batches are stored out of order', async () => {
    const topic = uniqueTopic('many-order');
    const subs = await Promise.all([subscribed(cluster.edgeUrl(1), `${topic}/#`, 1), subscribed(cluster.edgeUrl(0), `${topic}/#`, 1)]);
    // The publishing edge knows both subscriptions' routes before the numbered flow starts, so every
    // message of it goes straight to both edges (no route re-read copies in the counts below).
    const warm = await connect(cluster.edgeUrl(0));
    await warm.publishAsync(`${topic}/warm`, 'w', { qos: 1 });
    await waitFor(() => subs.every(({ got }) => got.some((m) => m.topic === `${topic}/warm`)), 10_000, 'the warm-up message at both subscribers');
    const pubs = await Promise.all(Array.from({ length: 12 }, () => connect(cluster.edgeUrl(0))));
    const reorderedBefore = cluster.edgeStat(1, 'reorderedBatches') + cluster.edgeStat(0, 'reorderedBatches');
    const bursts = 25;
    const perBurst = 4;
    // The bus swaps batches sent within 50 ms of each other: whether it did depends on the machine's
    // pace, so the flow runs again (each time checked in full) until it did, three times at most.
    for (let round = 0; round < 3 && cluster.edgeStat(1, 'reorderedBatches') + cluster.edgeStat(0, 'reorderedBatches') === reorderedBefore; round++) {
      for (const { got } of subs) got.length = 0;
      // Bursts a turn or two apart: each lane gets many small batches, several in flight at once.
      await Promise.all(pubs.map(async (pub, p) => {
        const sends: Promise<unknown>[] = [];
        for (let b = 0; b < bursts; b++) {
          for (let i = 0; i < perBurst; i++) sends.push(pub.publishAsync(`${topic}/${round}/${p}`, `${b * perBurst + i}`, { qos: 1 }));
          await new Promise((r) => setTimeout(r, 1));
        }
        await Promise.all(sends);
      }));
      const total = pubs.length * bursts * perBurst;
      for (const { got } of subs) {
        await waitFor(() => got.length >= total, 15_000, () => `every message (${got.length}/${total})`);
        for (let p = 0; p < pubs.length; p++) {
          const seen = got.filter((m) => m.topic === `${topic}/${round}/${p}`).map((m) => Number(m.payload));
          assert.deepEqual(seen, Array.from({ length: bursts * perBurst }, (_, i) => i), `round ${round}, publisher ${p} in order`);
        }
      }
    }
    const reordered = cluster.edgeStat(1, 'reorderedBatches') + cluster.edgeStat(0, 'reorderedBatches') - reorderedBefore;
    assert.ok(reordered > 0, 'the bus did store batches out of order, so the order above was restored by the readers');
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
