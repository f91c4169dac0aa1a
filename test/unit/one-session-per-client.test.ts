import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { MqttClient } from 'mqtt';
import { connect, record, settle, uniqueTopic, waitFor } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/60-one-session-per-client): runs on the in-process cluster (memory stores and bus).
const on = useInProcessCluster();

const closedSoon = (c: MqttClient) => new Promise<void>((r) => { if (!c.connected) r(); else c.once('close', () => r()); });

describe('one live session per client id, cluster-wide', () => {
  it('closes the older connection when the same client id connects on another edge', async () => {
    const clientId = `dev-${randomUUID().slice(0, 8)}`;
    const older = await connect(on.edgeA, { clientId });
    const olderClosed = closedSoon(older);
    const newer = await connect(on.edgeB, { clientId });
    await waitFor(() => !older.connected, 15_000, 'the older connection to be closed');
    await olderClosed;
    await settle(1000);
    assert.equal(newer.connected, true, 'the newest connection stays');

    // The surviving session works: it receives what is published to it.
    const topic = uniqueTopic('survivor');
    const got = record(newer);
    await newer.subscribeAsync(topic, { qos: 1 });
    const pub = await connect(on.edgeA);
    await pub.publishAsync(topic, 'to the survivor', { qos: 1 });
    await waitFor(() => got.length >= 1, 10_000, 'delivery to the surviving session');
  });

  it('ends two simultaneous connects with exactly one live session', async () => {
    for (let round = 0; round < 3; round++) {
      const clientId = `race-${randomUUID().slice(0, 8)}`;
      // A loser may be closed before or after its CONNACK: both are fine, one must remain.
      const attempts = await Promise.allSettled([connect(on.edgeA, { clientId }), connect(on.edgeB, { clientId })]);
      const clients = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      await waitFor(() => clients.filter((c) => c.connected).length <= 1, 15_000, 'at most one live connection');
      await settle(2000);
      assert.equal(clients.filter((c) => c.connected).length, 1, `round ${round}: exactly one connection is live`);
    }
  });

  it('lets a device that reconnects to the same edge replace its own older connection', async () => {
    const clientId = `same-${randomUUID().slice(0, 8)}`;
    const older = await connect(on.edgeA, { clientId });
    const olderClosed = closedSoon(older);
    const newer = await connect(on.edgeA, { clientId });
    await olderClosed;
    await settle(1500);
    assert.equal(newer.connected, true);
  });
});
