/** A persistent-session edge killed mid-flow: shared by tests 105 (QoS 1) and 107 (QoS 2), which run side by side on edges of their own. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { closeAll, connect, EDGE_A, EDGE_PORTS, uniqueTopic, waitFor } from './helpers.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.RP_DATA_DIR ?? `${root}/.data`;
/** The QoS 1 file's edge listens here, the QoS 2 file's five ports up. */
const doomedPort = Number(process.env.RP_TEST_DOOMED_SESSION_EDGE_PORT ?? 18861);
export const DEVICES = 4;
export const PER_DEVICE = 300;

export interface Receipt { payload: string; dup: boolean }

const devices: MqttClient[] = [];
const started: string[] = [];
after(async () => {
  await Promise.all(devices.map((d) => d.endAsync(true).catch(() => undefined)));
  await closeAll();
  // The killed edges' pid files go too: the cluster's status must not count them as down.
  for (const id of started) {
    await run('bash', ['scripts/edge.sh', 'stop', id], { cwd: root }).catch(() => undefined);
  }
});

/**
 * Persistent devices on an edge that is killed with SIGKILL while messages flow to them. Each
 * device is one mqtt.js client (its session state, like a real device's, survives the
 * reconnect) whose server list sends it to a live edge when the first one is gone.
 */
export async function killMidFlow(qos: 1 | 2, edgeId: string): Promise<Receipt[][]> {
  const port = doomedPort + (qos - 1) * 5;
  started.push(edgeId);
  await run('bash', ['scripts/edge.sh', 'start', edgeId, String(port)], { cwd: root, timeout: 120_000, env: { ...process.env, RP_SUPERVISE: '0' } });
  const topics = Array.from({ length: DEVICES }, () => uniqueTopic(`killed-session-q${qos}`));
  const receipts: Receipt[][] = topics.map(() => []);
  // Just before the kill each device holds back its acknowledgement (PUBACK at QoS 1, PUBREC at
  // QoS 2), so that every session has a message in flight when its edge dies.
  let holding = false;
  const held: (() => void)[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const device = mqtt.connect({
      servers: [{ host: '127.0.0.1', port }, { host: '127.0.0.1', port: EDGE_PORTS[1]! }],
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
export function assertOrderAndCompleteness(receipts: Receipt[][]) {
  receipts.forEach((r, i) => {
    const firsts: string[] = [];
    const seen = new Set<string>();
    for (const x of r) if (!seen.has(x.payload)) { seen.add(x.payload); firsts.push(x.payload); }
    assert.deepEqual(firsts, Array.from({ length: PER_DEVICE }, (_, n) => `${i}:${n}`), `device ${i} got every message in order`);
  });
}
