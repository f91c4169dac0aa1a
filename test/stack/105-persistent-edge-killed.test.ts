// stack: runs beside other stack tests, ~90 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { closeAll, connect, EDGE_A, EDGE_PORTS, uniqueTopic, waitFor } from './helpers.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.RP_DATA_DIR ?? `${root}/.data`;
const doomedPort = Number(process.env.RP_TEST_DOOMED_SESSION_EDGE_PORT ?? 18861);
const DEVICES = 4;
const PER_DEVICE = 300;

interface Receipt { payload: string; dup: boolean }

const devices: MqttClient[] = [];
after(async () => {
  await Promise.all(devices.map((d) => d.endAsync(true).catch(() => undefined)));
  await closeAll();
  // The killed edges' pid files go too: the cluster's status must not count them as down.
  for (const id of ['test-edge-sessions-q1', 'test-edge-sessions-q2']) {
    await run('bash', ['scripts/edge.sh', 'stop', id], { cwd: root }).catch(() => undefined);
  }
});

/**
 * Persistent devices on an edge that is killed with SIGKILL while messages flow to them. Each
 * device is one mqtt.js client (its session state, like a real device's, survives the
 * reconnect) whose server list sends it to a live edge when the first one is gone.
 */
async function killMidFlow(qos: 1 | 2, edgeId: string) {
  await run('bash', ['scripts/edge.sh', 'start', edgeId, String(doomedPort)], { cwd: root, timeout: 120_000, env: { ...process.env, RP_SUPERVISE: '0' } });
  const topics = Array.from({ length: DEVICES }, () => uniqueTopic(`killed-session-q${qos}`));
  const receipts: Receipt[][] = topics.map(() => []);
  // Just before the kill each device holds back its acknowledgement (PUBACK at QoS 1, PUBREC at
  // QoS 2), so that every session has a message in flight when its edge dies.
  let holding = false;
  const held: (() => void)[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const device = mqtt.connect({
      servers: [{ host: '127.0.0.1', port: doomedPort }, { host: '127.0.0.1', port: EDGE_PORTS[1]! }],
      clientId: `killed-${qos}-${i}-${randomUUID().slice(0, 6)}`, clean: false, reconnectPeriod: 500, connectTimeout: 20_000,
    });
    if (qos === 1) {
      device.handleMessage = (_packet, done) => { if (holding) held.push(() => done()); else done(); };
    } else {
      device.options.customHandleAcks = (_topic, _message, _packet, ack) => {
        if (holding) held.push(() => ack(0)); else ack(0);
      };
    }
    devices.push(device);
    device.on('message', (_t, payload, packet) => receipts[i]!.push({ payload: payload.toString(), dup: packet.dup }));
    await new Promise((resolve) => device.once('connect', resolve));
    await device.subscribeAsync(topics[i]!, { qos });
  }

  const publisher = await connect(EDGE_A);
  const publishing = (async () => {
    for (let n = 0; n < PER_DEVICE; n++) {
      await Promise.all(topics.map((t, i) => publisher.publishAsync(t, `${i}:${n}`, { qos })));
    }
  })();
  const total = () => receipts.reduce((a, r) => a + r.length, 0);
  await waitFor(() => total() >= (DEVICES * PER_DEVICE) / 4, 60_000, 'a quarter of the messages delivered before the kill');
  holding = true;
  await waitFor(() => held.length >= DEVICES, 10_000, 'every device holding an acknowledgement back');
  const pid = Number((await readFile(`${dataDir}/run/edge-${edgeId}.pid`, 'utf8')).trim());
  process.kill(pid, 'SIGKILL');
  const atKill = total();
  holding = false;
  for (const release of held.splice(0)) release();
  await publishing;
  assert.ok(atKill < DEVICES * PER_DEVICE, 'the edge was killed while messages were still flowing');

  const distinct = () => receipts.reduce((a, r) => a + new Set(r.map((x) => x.payload)).size, 0);
  // The batch the dead edge held comes back after the proxy's invisible time (ROCKETMQ_INVISIBLE_MS).
  await waitFor(() => distinct() >= DEVICES * PER_DEVICE, 120_000, 'every accepted message delivered');
  return receipts;
}

/** Per device: the first receipt of each message, in order, is the publish order. */
function assertOrderAndCompleteness(receipts: Receipt[][]) {
  receipts.forEach((r, i) => {
    const firsts: string[] = [];
    const seen = new Set<string>();
    for (const x of r) if (!seen.has(x.payload)) { seen.add(x.payload); firsts.push(x.payload); }
    assert.deepEqual(firsts, Array.from({ length: PER_DEVICE }, (_, n) => `${i}:${n}`), `device ${i} got every message in order`);
  });
}

describe('an edge killed while QoS 1/2 messages flow to persistent sessions on it', () => {
  it('QoS 1: the devices resume on another edge, nothing is lost, and every repeat carries DUP', async () => {
    const receipts = await killMidFlow(1, 'test-edge-sessions-q1');
    assertOrderAndCompleteness(receipts);
    let repeats = 0;
    for (const r of receipts) {
      const seen = new Set<string>();
      for (const x of r) {
        if (seen.has(x.payload)) { repeats++; assert.equal(x.dup, true, `repeat of ${x.payload} has DUP`); }
        seen.add(x.payload);
      }
    }
    // Each device had received one message it had not acknowledged when the edge died.
    assert.ok(repeats >= DEVICES, `at least one repeat per device (got ${repeats})`);
  });

  it('QoS 2: the devices resume on another edge, nothing is lost and nothing arrives twice', async () => {
    const receipts = await killMidFlow(2, 'test-edge-sessions-q2');
    assertOrderAndCompleteness(receipts);
    for (const r of receipts) assert.equal(r.length, PER_DEVICE, 'each message exactly once');
  });
});
