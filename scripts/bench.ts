// npm run bench: cross-edge delivered msg/s and publish-to-deliver latency, at QoS 0 and 1, with N
// publishers on edge 1 and N subscribers on edge 2 (pairs, one topic each), against the running
// stack (started when it is not); the same workload on a plain in-memory aedes, started in this
// run, is the reference row.
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';

const root = fileURLToPath(new URL('..', import.meta.url));
const N = Number(process.env.BENCH_PAIRS ?? 4);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
const PAYLOAD = Number(process.env.BENCH_PAYLOAD_BYTES ?? 64);
const ports = (process.env.RP_EDGE_PORTS ?? '1883,1884').split(',').map(Number);
const apiPort = Number(process.env.API_PORT ?? 3000);

interface Result { name: string; qos: number; delivered: number; expected: number; seconds: number; p50: number; p99: number }

const now = () => performance.timeOrigin + performance.now();

async function run(name: string, pubUrl: string, subUrl: string, qos: 0 | 1, persistent = false): Promise<Result> {
  const tag = randomUUID().slice(0, 8);
  const subs: MqttClient[] = [];
  const pubs: MqttClient[] = [];
  const latencies: number[] = [];
  let delivered = 0;
  let lastAt = 0;
  for (let i = 0; i < N; i++) {
    const s = await mqtt.connectAsync(subUrl, { clientId: `bench-s-${tag}-${i}`, reconnectPeriod: 0, clean: !persistent });
    s.on('message', (_t, payload) => {
      const at = now();
      latencies.push(at - payload.readDoubleBE(0));
      delivered++;
      lastAt = at;
    });
    await s.subscribeAsync(`bench/${tag}/${i}`, { qos });
    subs.push(s);
    pubs.push(await mqtt.connectAsync(pubUrl, { clientId: `bench-p-${tag}-${i}`, reconnectPeriod: 0 }));
  }
  // Subscriptions must be live everywhere before the clock starts.
  await new Promise((r) => setTimeout(r, 500));
  const expected = N * MESSAGES;
  const started = now();
  await Promise.all(pubs.map(async (p, i) => {
    let next = 0;
    const topic = `bench/${tag}/${i}`;
    await Promise.all(Array.from({ length: WINDOW }, async () => {
      while (next < MESSAGES) {
        next++;
        const payload = Buffer.alloc(PAYLOAD);
        payload.writeDoubleBE(now(), 0);
        await p.publishAsync(topic, payload, { qos });
      }
    }));
  }));
  const deadline = Date.now() + 60_000;
  let last = -1;
  while (delivered < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    if (qos === 0 && delivered === last) break; // QoS 0 may drop; stop once nothing moves
    last = delivered;
  }
  await Promise.all([...subs, ...pubs].map((c) => c.endAsync(true)));
  // A clean-session connect ends the benchmark's persistent sessions (and their queues).
  if (persistent) {
    for (let i = 0; i < N; i++) {
      await (await mqtt.connectAsync(subUrl, { clientId: `bench-s-${tag}-${i}`, reconnectPeriod: 0, clean: true })).endAsync();
    }
  }
  latencies.sort((a, b) => a - b);
  const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * f))] ?? NaN;
  return { name, qos, delivered, expected, seconds: (lastAt - started) / 1000, p50: q(0.5), p99: q(0.99) };
}

const PUSH_DEVICES = Number(process.env.BENCH_PUSH_DEVICES ?? 200);
const PUSHES = Number(process.env.BENCH_PUSHES ?? 20);

/**
 * REST pushes fanned out to registered devices (all online on edge 2, QoS 1): device deliveries
 * per second, and how long after the last delivery the status endpoint counted every receipt.
 */
async function runPushes(subUrl: string): Promise<{ result: Result; receiptLagMs: number }> {
  const base = `http://127.0.0.1:${apiPort}`;
  const { readFileSync } = await import('node:fs');
  const key = process.env.RP_API_KEY ?? readFileSync(`${root}.data/api-key`, 'utf8').trim();
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const tag = randomUUID().slice(0, 8);
  const ids = Array.from({ length: PUSH_DEVICES }, (_, i) => `bench-${tag}-${i}`);
  const devices: MqttClient[] = [];
  const latencies: number[] = [];
  let delivered = 0;
  let lastAt = 0;
  for (const id of ids) {
    const res = await fetch(`${base}/v1/devices`, { method: 'POST', headers, body: JSON.stringify({ id }) });
    if (res.status !== 201) throw new Error(`registering ${id}: HTTP ${res.status}`);
    const d = await mqtt.connectAsync(subUrl, { clientId: id, reconnectPeriod: 0 });
    d.on('message', (_t, payload) => {
      const at = now();
      latencies.push(at - (JSON.parse(payload.toString()) as { t: number }).t);
      delivered++;
      lastAt = at;
    });
    await d.subscribeAsync(`devices/${id}`, { qos: 1 });
    devices.push(d);
  }
  await new Promise((r) => setTimeout(r, 500));
  const expected = PUSH_DEVICES * PUSHES;
  const started = now();
  const pushIds = await Promise.all(Array.from({ length: PUSHES }, async () => {
    const res = await fetch(`${base}/v1/pushes`, { method: 'POST', headers, body: JSON.stringify({ target: { devices: ids }, payload: { t: now() }, qos: 1 }) });
    return ((await res.json()) as { id: string }).id;
  }));
  const deadline = Date.now() + 60_000;
  while (delivered < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const allDelivered = now();
  let acked = 0;
  while (Date.now() < deadline) {
    const counts = await Promise.all(pushIds.map(async (id) => {
      const res = await fetch(`${base}/v1/pushes/${id}?limit=1`, { headers });
      return ((await res.json()) as { counts: { acknowledged: number } }).counts.acknowledged;
    }));
    acked = counts.reduce((a, b) => a + b, 0);
    if (acked >= expected) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const receiptLagMs = now() - allDelivered;
  await Promise.all(devices.map((d) => d.endAsync(true)));
  for (const id of ids) await fetch(`${base}/v1/devices/${id}`, { method: 'DELETE', headers });
  latencies.sort((a, b) => a - b);
  const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * f))] ?? NaN;
  if (acked < expected) console.error(`receipts: only ${acked}/${expected} acknowledged within the deadline`);
  return {
    result: { name: `REST pushes, ${PUSHES} x ${PUSH_DEVICES} devices (fan-out)`, qos: 1, delivered, expected, seconds: (lastAt - started) / 1000, p50: q(0.5), p99: q(0.99) },
    receiptLagMs,
  };
}

async function stackReady(): Promise<boolean> {
  try { return (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok; } catch { return false; }
}

let startedStack = false;
if (!(await stackReady())) {
  execFileSync('bash', ['scripts/up.sh', '--detach'], { cwd: root, stdio: 'inherit' });
  startedStack = true;
}
const plain = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-plain-aedes.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const plainPort = await new Promise<number>((resolve) => plain.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));

const results: Result[] = [];
let receiptLag = NaN;
try {
  // Warm-up round so that JIT and connection set-up do not count.
  await run('warm-up', `mqtt://127.0.0.1:${ports[0]}`, `mqtt://127.0.0.1:${ports[1]}`, 1);
  for (const qos of [0, 1] as const) {
    results.push(await run('rocketpush (edge 1 -> RocketMQ -> edge 2)', `mqtt://127.0.0.1:${ports[0]}`, `mqtt://127.0.0.1:${ports[1]}`, qos));
    results.push(await run('plain aedes, in memory (reference)', `mqtt://127.0.0.1:${plainPort}`, `mqtt://127.0.0.1:${plainPort}`, qos));
  }
  results.push(await run('rocketpush, persistent sessions (queue per session)', `mqtt://127.0.0.1:${ports[0]}`, `mqtt://127.0.0.1:${ports[1]}`, 1, true));
  const pushes = await runPushes(`mqtt://127.0.0.1:${ports[1]}`);
  results.push(pushes.result);
  receiptLag = pushes.receiptLagMs;
} finally {
  plain.kill('SIGTERM');
  if (startedStack) execFileSync('bash', ['scripts/down.sh'], { cwd: root, stdio: 'inherit' });
}

console.log(`\n${N} publishers -> ${N} subscribers, ${MESSAGES} messages each, ${PAYLOAD}-byte payload, window ${WINDOW}\n`);
console.log('| system | QoS | delivered | msg/s | p50 ms | p99 ms |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.qos} | ${r.delivered}/${r.expected} | ${Math.round(r.delivered / r.seconds)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`);
}
const rate = (r: Result) => r.delivered / r.seconds;
for (const qos of [0, 1]) {
  const [rp, ref] = results.filter((r) => r.qos === qos);
  if (rp && ref) console.log(`QoS ${qos}: rocketpush delivers ${(rate(rp) / rate(ref)).toFixed(2)}x the msg/s of plain aedes`);
}
const clean1 = results.find((r) => r.qos === 1 && r.name.startsWith('rocketpush (edge'));
const persistent1 = results.find((r) => r.name.includes('persistent'));
if (clean1 && persistent1) console.log(`QoS 1 to persistent sessions: ${(rate(persistent1) / rate(clean1)).toFixed(2)}x the msg/s of clean sessions`);
const fanOut = results.find((r) => r.name.startsWith('REST pushes'));
if (clean1 && fanOut) {
  console.log(`REST push fan-out: ${(rate(fanOut) / rate(clean1)).toFixed(2)}x the device deliveries/s of MQTT QoS 1 (clean); every receipt counted ${Math.round(receiptLag)} ms after the last delivery`);
}
process.exit(0);
