import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { closeAll, clusterSettled, connect, EDGE_A, EDGE_B, settle, sleep, uniqueTopic, waitFor, subscribed } from './helpers.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const rocketmq = (cmd: string) => run('bash', ['scripts/rocketmq.sh', cmd], { cwd: root, timeout: 180_000 });

after(async () => {
  await rocketmq('start-broker').catch(() => undefined);
  await closeAll();
  // The next test file must find a cluster that works again.
  await clusterSettled();
});

describe('accepted means durable', () => {
  it('withholds PUBACK while the RocketMQ broker is down, then acks and delivers once it is back', async () => {
    const topic = uniqueTopic('outage');
    const { got } = await subscribed(EDGE_B, topic);
    const pub = await connect(EDGE_A, { keepalive: 300 });
    await pub.publishAsync(topic, 'before', { qos: 1 });
    await waitFor(() => got.length === 1, 10_000, 'the message sent before the outage');

    await rocketmq('stop-broker');
    let acked = false;
    const pending = pub.publishAsync(topic, 'during', { qos: 1 }).then(() => { acked = true; });
    await sleep(5000);
    assert.equal(acked, false, 'no PUBACK while RocketMQ cannot store the message');

    await rocketmq('start-broker');
    await pending;
    assert.equal(acked, true);
    await waitFor(() => got.length >= 2, 120_000, 'delivery after the broker came back');
    await settle();
    assert.deepEqual(got.map((m) => m.payload), ['before', 'during']);
  });

  it('loses no acknowledged message when the broker is killed with SIGKILL mid-flow and restarted', async () => {
    // For some seconds after a broker restart a CONNECT can get CONNACK 3 (routes are refreshing).
    await clusterSettled();
    const topic = uniqueTopic('broker-killed');
    const { got } = await subscribed(EDGE_B, topic);
    const pub = await connect(EDGE_A, { keepalive: 300 });
    const total = 600;
    const acked: string[] = [];
    let next = 0;
    let killed = false;
    const publishing = Promise.all(Array.from({ length: 16 }, async () => {
      while (next < total) {
        const payload = `b${next++}`;
        await pub.publishAsync(topic, payload, { qos: 1 });
        acked.push(payload);
        if (!killed && acked.length >= 200) {
          killed = true;
          await rocketmq('kill-broker');
        }
      }
    }));
    await waitFor(() => killed, 60_000, 'the kill');
    await sleep(3000);
    await rocketmq('start-broker');
    await publishing;
    assert.equal(acked.length, total, 'every publish was acknowledged once the broker was back');
    await waitFor(() => new Set(got.map((m) => m.payload)).size >= total, 120_000, 'every acknowledged message delivered');
    const received = new Set(got.map((m) => m.payload));
    assert.deepEqual(acked.filter((p) => !received.has(p)), [], 'no acknowledged message lost');
    assert.equal(got.length, received.size, 'no message delivered twice');
  });
});
