import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeAll, connect, EDGE_A, EDGE_B, record, settle, uniqueTopic, waitFor, subscribed } from './helpers.js';

after(closeAll);

describe('a publish on one edge reaches subscribers on the other edge', () => {
  for (const qos of [0, 1, 2] as const) {
    it(`delivers every QoS ${qos} message exactly once, in publish order`, async () => {
      const topic = uniqueTopic(`qos${qos}`);
      const { got } = await subscribed(EDGE_B, topic, qos);
      const pub = await connect(EDGE_A);
      const count = 500;
      await Promise.all(Array.from({ length: count }, (_, i) => pub.publishAsync(topic, `m${i}`, { qos })));
      await waitFor(() => got.length >= count, 20_000, `${count} messages`);
      await settle();
      assert.equal(got.length, count, 'no message lost and none duplicated');
      assert.deepEqual(got.map((m) => m.payload), Array.from({ length: count }, (_, i) => `m${i}`));
      assert.ok(got.every((m) => m.qos === qos && m.topic === topic));
    });
  }

  it('delivers to subscribers on the publishing edge too, once each', async () => {
    const topic = uniqueTopic('same-edge');
    const local = await connect(EDGE_A);
    const remote = await connect(EDGE_B);
    const gotLocal = record(local);
    const gotRemote = record(remote);
    await local.subscribeAsync(topic, { qos: 1 });
    await remote.subscribeAsync(topic, { qos: 1 });
    const pub = await connect(EDGE_A);
    for (let i = 0; i < 20; i++) await pub.publishAsync(topic, `x${i}`, { qos: 1 });
    await waitFor(() => gotLocal.length >= 20 && gotRemote.length >= 20, 30_000, () => `both subscribers (local ${gotLocal.length}/20, remote ${gotRemote.length}/20)`);
    await settle();
    assert.equal(gotLocal.length, 20);
    assert.equal(gotRemote.length, 20);
  });

  it('matches + and # wildcards, and not what lies outside them', async () => {
    const base = uniqueTopic('wild');
    const plus = await connect(EDGE_B);
    const hash = await connect(EDGE_B);
    const gotPlus = record(plus);
    const gotHash = record(hash);
    await plus.subscribeAsync(`${base}/+/temp`, { qos: 1 });
    await hash.subscribeAsync(`${base}/#`, { qos: 1 });
    const pub = await connect(EDGE_A);
    await pub.publishAsync(`${base}/kitchen/temp`, 'a', { qos: 1 });
    await pub.publishAsync(`${base}/kitchen/humidity`, 'b', { qos: 1 });
    await pub.publishAsync(`${base}/house/kitchen/temp`, 'c', { qos: 1 });
    await pub.publishAsync(`${base}`, 'd', { qos: 1 });
    await pub.publishAsync(`${base}-other/kitchen/temp`, 'e', { qos: 1 });
    await waitFor(() => gotHash.length >= 4, 10_000, 'the # subscriber');
    await settle();
    assert.deepEqual(gotPlus.map((m) => m.payload), ['a']);
    // MQTT-4.7.1-2: `a/#` also matches the parent level `a`.
    assert.deepEqual(gotHash.map((m) => m.payload).sort(), ['a', 'b', 'c', 'd']);
  });
});
