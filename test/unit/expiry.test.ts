import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle, sleep, uniqueTopic, waitFor, subscribed } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/25-expiry): runs on the in-process cluster (memory stores and bus).
const on = useInProcessCluster();
const postJson = (path: string, body: unknown, raw?: string) => on.cluster.api('POST', path, body, raw !== undefined ? { raw } : {});

describe('message time to live', () => {
  it('answers the expiry time of a REST publish with a ttl, and delivers it while it is fresh', async () => {
    const topic = uniqueTopic('ttl-fresh');
    const { got } = await subscribed(on.edgeB, topic);
    const before = Date.now();
    const res = await postJson('/v1/publish', { topic, payload: 'fresh', qos: 1, ttl: 60 });
    assert.equal(res.status, 202);
    const expiresAt = Date.parse(String(res.json.expiresAt));
    assert.ok(expiresAt >= before + 59_000 && expiresAt <= Date.now() + 61_000, `expiresAt ${String(res.json.expiresAt)}`);
    await waitFor(() => got.length >= 1, 10_000, 'the fresh message');
  });

  it('stops giving an expired retained message to new subscribers, on every edge', async () => {
    const topic = uniqueTopic('ttl-retained');
    assert.equal((await postJson('/v1/publish', { topic, payload: 'short-lived', qos: 1, retain: true, ttl: 2 })).status, 202);
    const { got: gotEarly } = await subscribed(on.edgeA, topic);
    await waitFor(() => gotEarly.length >= 1, 10_000, 'the retained message while fresh');
    await sleep(2500);
    for (const edge of [on.edgeA, on.edgeB]) {
      const { got: gotLate } = await subscribed(edge, topic);
      await settle(1000);
      assert.equal(gotLate.length, 0, `no expired retained message on ${edge}`);
    }
  });

  it('refuses a ttl that is not a positive whole number of seconds', async () => {
    for (const ttl of [0, -5, 1.5, 'ten']) {
      const res = await postJson('/v1/publish', { topic: 'a', payload: 'x', ttl });
      assert.equal(res.status, 400, `ttl ${String(ttl)}`);
      assert.equal(res.json.error?.field, 'ttl');
    }
  });
});
