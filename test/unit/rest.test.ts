import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, record, settle, uniqueTopic, waitFor, subscribed } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/30-rest): runs on the in-process cluster (memory stores and bus).
const on = useInProcessCluster();
const postJson = (path: string, body: unknown, raw?: string) => on.cluster.api('POST', path, body, raw !== undefined ? { raw } : {});

describe('POST /v1/publish', () => {
  it('answers 202 with a message id and reaches subscribers on both edges', async () => {
    const topic = uniqueTopic('rest');
    const a = await connect(on.edgeA);
    const b = await connect(on.edgeB);
    const gotA = record(a);
    const gotB = record(b);
    await a.subscribeAsync(topic, { qos: 1 });
    await b.subscribeAsync(topic, { qos: 1 });
    const res = await postJson('/v1/publish', { topic, payload: 'hello devices', qos: 1 });
    assert.equal(res.status, 202);
    assert.match(res.json.id ?? '', /^[0-9a-f-]{36}$/);
    const bin = await postJson('/v1/publish', { topic, payload: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64', qos: 0 });
    assert.equal(bin.status, 202);
    await waitFor(() => gotA.length >= 2 && gotB.length >= 2, 10_000, 'both edges');
    await settle(500);
    for (const got of [gotA, gotB]) {
      assert.equal(got.length, 2);
      assert.equal(got[0]?.payload, 'hello devices');
      assert.deepEqual(got[1]?.raw, Buffer.from([0, 1, 2, 255]));
    }
  });

  it('stores a retained REST publish for later subscribers', async () => {
    const topic = uniqueTopic('rest-retained');
    const res = await postJson('/v1/publish', { topic, payload: 'config v2', qos: 1, retain: true });
    assert.equal(res.status, 202);
    const { got } = await subscribed(on.edgeB, topic);
    await waitFor(() => got.length >= 1, 10_000, 'retained');
    assert.equal(got[0]?.payload, 'config v2');
    assert.equal(got[0]?.retain, true);
  });

  const bad: Array<[string, unknown, string | undefined, number, string | undefined]> = [
    ['a body that is not JSON', undefined, '{"topic": ', 400, undefined],
    ['a missing topic', { payload: 'x' }, undefined, 400, 'topic'],
    ['a wildcard topic', { topic: 'a/+', payload: 'x' }, undefined, 400, 'topic'],
    ['a payload that is not a string', { topic: 'a', payload: 5 }, undefined, 400, 'payload'],
    ['an unknown encoding', { topic: 'a', payload: 'x', encoding: 'hex' }, undefined, 400, 'encoding'],
    ['bad base64', { topic: 'a', payload: '@@@', encoding: 'base64' }, undefined, 400, 'payload'],
    ['qos 3', { topic: 'a', payload: 'x', qos: 3 }, undefined, 400, 'qos'],
    ['a retain that is not a boolean', { topic: 'a', payload: 'x', retain: 'yes' }, undefined, 400, 'retain'],
    ['an unknown field', { topic: 'a', payload: 'x', extra: 1 }, undefined, 400, undefined],
    ['a JSON array', [1, 2], undefined, 400, undefined],
  ];
  for (const [what, body, raw, status, field] of bad) {
    it(`answers ${status} with a JSON error for ${what}`, async () => {
      const res = await postJson('/v1/publish', body, raw);
      assert.equal(res.status, status);
      assert.equal(typeof res.json.error?.code, 'string');
      assert.equal(typeof res.json.error?.message, 'string');
      if (field) assert.equal(res.json.error?.field, field);
    });
  }

  it('answers 413 for a payload over the limit', async () => {
    const res = await postJson('/v1/publish', { topic: 'a', payload: 'x'.repeat(300 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(res.json.error?.code, 'payload_too_large');
  });
});

describe('health', () => {
  it('reports the process up and the backends ready', async () => {
    assert.equal((await fetch(`${on.cluster.apiBase}/healthz`)).status, 200);
    const ready = await fetch(`${on.cluster.apiBase}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
  });
});
