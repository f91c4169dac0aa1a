import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, settle, uniqueTopic, waitFor, subscribed } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/20-retained-and-will): runs on the in-process cluster (memory stores and bus).
const on = useInProcessCluster();

describe('retained messages are cluster-wide', () => {
  it('gives a later subscriber on another edge the last retained message, with the retain flag', async () => {
    const topic = uniqueTopic('retained');
    const pub = await connect(on.edgeA);
    await pub.publishAsync(topic, 'first', { qos: 1, retain: true });
    await pub.publishAsync(topic, 'second', { qos: 1, retain: true });
    const { got } = await subscribed(on.edgeB, topic);
    await waitFor(() => got.length >= 1, 10_000, 'the retained message');
    await settle(500);
    assert.deepEqual(got.map((m) => [m.payload, m.retain]), [['second', true]]);
  });

  it('clears the retained message with an empty payload, on every edge', async () => {
    const topic = uniqueTopic('cleared');
    const pub = await connect(on.edgeA);
    await pub.publishAsync(topic, 'will be cleared', { qos: 1, retain: true });
    await pub.publishAsync(topic, '', { qos: 1, retain: true });
    // Each edge applies the clear when it reads it from RocketMQ: a new subscriber there gets no
    // retained message once it has (asked again for up to 10 s: correctness, not speed).
    for (const edge of [on.edgeA, on.edgeB]) {
      const deadline = Date.now() + 10_000;
      let left = -1;
      while (left !== 0 && Date.now() < deadline) {
        const { client, got } = await subscribed(edge, topic);
        await settle(500);
        left = got.length;
        await client.endAsync(true);
      }
      assert.equal(left, 0, `no retained message left on ${edge}`);
    }
  });
});

describe('wills', () => {
  it('publishes the will of a device that vanished to subscribers on another edge', async () => {
    const topic = uniqueTopic('will');
    const { got } = await subscribed(on.edgeB, topic);
    const device = await connect(on.edgeA, { will: { topic, payload: Buffer.from('gone'), qos: 1, retain: false } });
    // Destroying the socket is an abnormal disconnect: no DISCONNECT packet is sent.
    device.stream.destroy();
    await waitFor(() => got.length >= 1, 10_000, 'the will');
    assert.equal(got[0]?.payload, 'gone');
  });

  it('does not publish the will after a clean DISCONNECT', async () => {
    const topic = uniqueTopic('no-will');
    const { got } = await subscribed(on.edgeB, topic);
    const device = await connect(on.edgeA, { will: { topic, payload: Buffer.from('gone'), qos: 1, retain: false } });
    await device.endAsync();
    await settle(2000);
    assert.equal(got.length, 0);
  });
});
