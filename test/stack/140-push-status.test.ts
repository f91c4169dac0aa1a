// stack: runs beside other stack tests, ~8 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { RocketpushClient } from '@rocketpush/client';
import { adminKey, api, API, closeAll, EDGE_A, EDGE_B, eventually, register, sleep, startApi, subscribed, waitFor, type Received } from './helpers.js';

after(async () => { await closeAll(); });

const OPTIMIST_API_PORT = 3110;
const client = new RocketpushClient({ baseUrl: API, apiKey: adminKey() });

/** A registered device connected with a clean session, listening to its topic. */
async function online(url = EDGE_A): Promise<{ id: string; got: Received[] }> {
  const id = await register('on');
  const { got } = await subscribed(url, `devices/${id}`, 1, { clientId: id });
  return { id, got };
}

describe('delayed pushes through RocketMQ\'s delay messages (the other push status cases run at the unit level: test/unit/push-status)', () => {
  it('delivers a delayed push at its time, through RocketMQ\'s delay messages, and refuses a delay past the broker\'s limit', async () => {
    const live = await online(EDGE_B);
    const res = await api('POST', '/v1/pushes', { target: { devices: [live.id] }, payload: 'later', format: 'text', delay: 3 });
    assert.equal(res.status, 202);
    const deliverAt = Date.parse(res.json.deliverAt as string);
    assert.ok(deliverAt - Date.parse(res.json.acceptedAt as string) >= 2900);
    assert.equal((await client.status(res.json.id!)).state, 'scheduled');
    await sleep(1500);
    assert.equal(live.got.length, 0, 'not before its time');
    await waitFor(() => live.got.length >= 1, 20_000, 'the delayed push');
    assert.ok(Date.now() >= deliverAt - 100, 'not early');
    assert.equal(live.got[0]!.payload, 'later');
    await eventually(async () => (await client.status(res.json.id!)).counts.acknowledged === 1, 30_000, 'its receipt');
    assert.equal((await client.status(res.json.id!)).state, 'accepted');

    const at = new Date(Date.now() + 2000).toISOString();
    const byTime = await api('POST', '/v1/pushes', { target: { devices: [live.id] }, payload: 'at a time', format: 'text', deliverAt: at });
    assert.equal(byTime.status, 202);
    await waitFor(() => live.got.length >= 2, 20_000, 'the scheduled push');

    // Two days: past the gRPC proxy's own default limit (one day), within the configured three.
    const farAhead = await api('POST', '/v1/pushes', { target: { devices: [live.id] }, payload: 'x', format: 'text', delay: 2 * 24 * 3600 });
    assert.equal(farAhead.status, 202, JSON.stringify(farAhead.json));
    assert.equal((await client.cancel(farAhead.json.id!)).state, 'cancelled');
    const tooFar = await api('POST', '/v1/pushes', { target: { devices: [live.id] }, payload: 'x', format: 'text', delay: 4 * 24 * 3600 });
    assert.equal(tooFar.status, 400);
    assert.equal(tooFar.json.error?.code, 'delay_too_long');
    assert.equal(tooFar.json.error?.field, 'delay');

    // An API that believes in a longer limit than RocketMQ's: the broker's refusal is the answer.
    const optimist = await startApi(OPTIMIST_API_PORT, `opt:${adminKey()}:*`, { ROCKETMQ_MAX_DELAY_S: String(10 * 24 * 3600) });
    try {
      const refused = await api('POST', '/v1/pushes', { target: { devices: [live.id] }, payload: 'x', format: 'text', delay: 5 * 24 * 3600 },
        { base: `http://127.0.0.1:${OPTIMIST_API_PORT}` });
      assert.equal(refused.status, 400, JSON.stringify(refused.json));
      assert.equal(refused.json.error?.code, 'delay_too_long');
      assert.match(refused.json.error?.message ?? '', /RocketMQ refused/);
    } finally {
      optimist.kill('SIGTERM');
    }
  });
});
