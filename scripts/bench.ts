// npm run bench: rocketpush against two peers measured in the same run, under one client load (this
// process): Mosquitto from Debian (installed when missing; its own port, no persistence,
// TCP_NODELAY) and a plain in-memory aedes. rocketpush runs across edges: publishers on edge 1,
// subscribers on edge 2. Prints one table, each rocketpush figure as a ratio to both peers.
// rocketpush is measured in both topologies when the bench runs the stack itself: the single-node
// one, then the highly available one (npm start -- --ha), whose row is the cost of replication.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { openDevices, type RawDevice } from './bench-raw-device.js';
import { cpuWindow, stackProcesses, type CpuPerMessage } from './bench-cpu.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 20);
const IDLE = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 10_000);
const BROADCAST = Number(process.env.BENCH_BROADCAST_DEVICES ?? 10_000);
const STORM = Number(process.env.BENCH_STORM_DEVICES ?? 5000);
const only = (process.env.BENCH_ONLY ?? 'abcdefgh').split('');
// BENCH_SYSTEMS=rocketpush measures one system alone (for profiling); ratios then print as n/a.
const measured = (process.env.BENCH_SYSTEMS ?? 'mosquitto,aedes,rocketpush,rocketpush-ha').split(',');
const edgePorts = (process.env.RP_EDGE_PORTS ?? '1883,1884').split(',').map(Number);
const apiPort = Number(process.env.API_PORT ?? 3000);
const dataDir = process.env.RP_DATA_DIR ?? join(root, '.data');

interface System { name: 'mosquitto' | 'aedes' | 'rocketpush' | 'rocketpush-ha'; pubPort: number; subPort: number; pid: () => number }
/** What a row's measured window cost in CPU, filled in by the workload. */
type CpuSlot = { result?: CpuPerMessage };
const isRocketpush = (sys: System) => sys.name.startsWith('rocketpush');
interface Figure { value: number; unit: string; detail?: string; higherIsBetter: boolean }

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], f: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * f))] ?? NaN;
};
const stamped = (bytes = 64) => { const b = Buffer.alloc(bytes); b.writeDoubleBE(now(), 0); return b; };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

async function clients(port: number, n: number, tag: string): Promise<MqttClient[]> {
  const out: MqttClient[] = [];
  for (let i = 0; i < n; i += 50) {
    out.push(...await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `bench-${tag}-${i + j}`, reconnectPeriod: 0, keepalive: 0 }))));
  }
  return out;
}

async function closeAll(cs: MqttClient[]): Promise<void> {
  await Promise.all(cs.map((c) => c.endAsync(true).catch(() => undefined)));
}

/** (a), (b): `publishers` QoS 1 publishers, one in flight each, into one subscriber. */
async function fanIn(sys: System, publishers: number, seconds = SECONDS, cpu?: CpuSlot): Promise<Figure> {
  const tag = randomUUID().slice(0, 8);
  const topic = `bench/${tag}`;
  const [sub] = await clients(sys.subPort, 1, `${tag}-s`);
  let delivered = 0;
  sub!.on('message', () => { delivered++; });
  await sub!.subscribeAsync(topic, { qos: 1 });
  const pubs = await clients(sys.pubPort, publishers, `${tag}-p`);
  await sleep(500);
  const acks: number[] = [];
  let stop = false;
  const started = Date.now();
  const window = cpuWindow(processesOf(sys));
  const flows = pubs.map(async (p) => {
    while (!stop) {
      const t = now();
      await p.publishAsync(topic, stamped(), { qos: 1 });
      acks.push(now() - t);
    }
  });
  await sleep(seconds * 1000);
  const counted = delivered;
  const elapsed = (Date.now() - started) / 1000;
  if (cpu) cpu.result = window.end(counted);
  stop = true;
  await Promise.race([Promise.all(flows), sleep(10_000)]);
  await closeAll([sub!, ...pubs]);
  return { value: counted / elapsed, unit: 'msg/s', detail: `PUBACK p50 ${quantile(acks, 0.5).toFixed(1)} ms`, higherIsBetter: true };
}

/** (c), (d): one publisher, 50 subscribers. QoS 0 as fast as the socket takes it; QoS 1 with 64 in flight. */
async function fanOut(sys: System, qos: 0 | 1, cpu?: CpuSlot): Promise<Figure> {
  const tag = randomUUID().slice(0, 8);
  const topic = `bench/${tag}`;
  const subs = await clients(sys.subPort, 50, `${tag}-s`);
  let delivered = 0;
  const latencies: number[] = [];
  for (const s of subs) {
    s.on('message', (_t, payload) => { delivered++; if (delivered % 10 === 0) latencies.push(now() - payload.readDoubleBE(0)); });
    await s.subscribeAsync(topic, { qos });
  }
  const [pub] = await clients(sys.pubPort, 1, `${tag}-p`);
  await sleep(500);
  let stop = false;
  const started = Date.now();
  const window = cpuWindow(processesOf(sys));
  const flow = (async () => {
    if (qos === 0) {
      while (!stop && pub!.connected) {
        for (let i = 0; i < 50; i++) pub!.publish(topic, stamped(), { qos: 0 });
        if (pub!.stream.writableNeedDrain) await new Promise((r) => pub!.stream.once('drain', r));
        else await new Promise((r) => setImmediate(r));
      }
    } else {
      await Promise.all(Array.from({ length: 64 }, async () => {
        while (!stop) await pub!.publishAsync(topic, stamped(), { qos: 1 });
      }));
    }
  })();
  await sleep(SECONDS * 1000);
  const counted = delivered;
  const elapsed = (Date.now() - started) / 1000;
  if (cpu) cpu.result = window.end(counted);
  stop = true;
  await Promise.race([flow, sleep(10_000)]);
  await closeAll([...subs, pub!]);
  return {
    value: counted / elapsed, unit: 'deliveries/s', higherIsBetter: true,
    detail: qos === 1 ? `publish -> deliver p99 ${quantile(latencies, 0.99).toFixed(0)} ms` : undefined,
  };
}

/**
 * (e): 1,000 msg/s of QoS 1 from 10 publishers, each to its own subscriber: publish -> deliver p50
 * and p99. With `waitForAck`, each publisher sends its next message only after the previous one's
 * PUBACK (as many device libraries do), so it keeps its 100 msg/s only while PUBACK comes within 10 ms.
 */
async function steady(sys: System, waitForAck = false): Promise<{ p50: Figure; p99: Figure; rate: Figure }> {
  const tag = randomUUID().slice(0, 8);
  const subs = await clients(sys.subPort, 10, `${tag}-s`);
  const latencies: number[] = [];
  await Promise.all(subs.map(async (s, i) => {
    s.on('message', (_t, payload) => latencies.push(now() - payload.readDoubleBE(0)));
    await s.subscribeAsync(`bench/${tag}/${i}`, { qos: 1 });
  }));
  const pubs = await clients(sys.pubPort, 10, `${tag}-p`);
  await sleep(500);
  const started = Date.now();
  let sent = 0;
  await Promise.all(pubs.map(async (p, i) => {
    const sends: Promise<unknown>[] = [];
    for (let n = 0; n < SECONDS * 100; n++) {
      const due = started + n * 10 + i;
      if (due > Date.now()) await sleep(due - Date.now());
      if (waitForAck && Date.now() > started + SECONDS * 1000) break;
      const send = p.publishAsync(`bench/${tag}/${i}`, stamped(), { qos: 1 });
      sent++;
      if (waitForAck) await send;
      else sends.push(send);
    }
    await Promise.all(sends);
  }));
  const rate = sent / ((Date.now() - started) / 1000);
  await sleep(1000);
  await closeAll([...subs, ...pubs]);
  return {
    p50: { value: quantile(latencies, 0.5), unit: 'ms', higherIsBetter: false },
    p99: { value: quantile(latencies, 0.99), unit: 'ms', higherIsBetter: false },
    rate: { value: rate, unit: 'msg/s', higherIsBetter: true },
  };
}

/**
 * (f): RSS the broker process gains per idle connection, as the slope past a first block: a first
 * fifth of the devices connects, then the measured IDLE more. What a process grows once under a
 * connect burst (Node's young generation sizes up to its limit, 3 x RP_NODE_SEMI_SPACE_MB for an
 * edge) is then not spread over the devices; the detail gives the figure of the first block alone.
 */
async function idle(sys: System): Promise<Figure> {
  const pid = sys.pid();
  const prefix = `bench-idle-${randomUUID().slice(0, 6)}`;
  const before = rssKiB(pid);
  const first = Math.max(1000, Math.round(IDLE / 5));
  const warm = await openDevices([sys.subPort], first, `${prefix}-w`);
  await sleep(3000);
  const middle = rssKiB(pid);
  const devices = await openDevices([sys.subPort], IDLE, prefix);
  await sleep(3000);
  const after = rssKiB(pid);
  for (const d of [...warm, ...devices]) d.close();
  await sleep(1000);
  return {
    value: (after - middle) / IDLE, unit: 'KiB/connection', higherIsBetter: false,
    detail: `the first ${first.toLocaleString('en')}: ${((middle - before) / first).toFixed(1)} KiB each`,
  };
}

/** (g): one message to BROADCAST devices subscribed to `broadcast`: time until every device has it. */
async function broadcast(sys: System, send: () => Promise<void>, cpu?: CpuSlot): Promise<Figure> {
  const ports = isRocketpush(sys) ? edgePorts : [sys.subPort];
  const devices: RawDevice[] = await openDevices(ports, BROADCAST, `bench-bc-${randomUUID().slice(0, 6)}`);
  await Promise.all(devices.map((d) => d.subscribe('broadcast', 1)));
  await sleep(1000);
  const started = now();
  const window = cpuWindow(processesOf(sys));
  await send();
  const deadline = Date.now() + 60_000;
  while (devices.some((d) => d.received === 0) && Date.now() < deadline) await sleep(5);
  const ms = now() - started;
  const got = devices.filter((d) => d.received > 0).length;
  if (cpu) cpu.result = window.end(got);
  for (const d of devices) d.close();
  await sleep(1000);
  return { value: ms, unit: 'ms', detail: got < BROADCAST ? `only ${got}/${BROADCAST} within 60 s` : undefined, higherIsBetter: false };
}

/** (h): a reconnect storm: STORM clean devices connecting to one broker/edge, 200 under way at a time. */
async function storm(sys: System): Promise<Figure> {
  const latencies: number[] = [];
  const started = now();
  const devices = await openDevices([sys.subPort], STORM, `bench-storm-${randomUUID().slice(0, 6)}`, 200, latencies);
  const seconds = (now() - started) / 1000;
  for (const d of devices) d.close();
  await sleep(2000);
  return {
    value: STORM / seconds, unit: 'CONNACK/s', higherIsBetter: true,
    detail: `CONNECT -> CONNACK p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms`,
  };
}

// --- the three systems -----------------------------------------------------------------------

function startMosquitto(port: number): ChildProcess {
  if (!existsSync('/usr/sbin/mosquitto')) {
    console.error('installing Mosquitto from Debian');
    execFileSync('bash', ['-c', 'apt-get install -y mosquitto >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y mosquitto >/dev/null)'], { stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'rp-bench-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    `listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'set_tcp_nodelay true',
    'max_queued_messages 100000', 'max_inflight_messages 0', 'log_dest none', '',
  ].join('\n'));
  return spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${port}`);
}

async function stackReady(): Promise<boolean> {
  try { return (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok; } catch { return false; }
}

const topologyFile = join(dataDir, 'run', 'topology');
const runningTopology = () => (existsSync(topologyFile) ? readFileSync(topologyFile, 'utf8').trim() : 'single');
let startedStack = false;
if (!(await stackReady())) {
  execFileSync('bash', ['scripts/up.sh', '--detach'], { cwd: root, stdio: 'inherit' });
  startedStack = true;
}
// A stack you started yourself is measured as it is, in its own topology, and not swapped.
const ownStack = !startedStack;
if (ownStack) console.error(`measuring the running ${runningTopology()} stack; the other topology is left out`);
const mosquittoPort = await freePort();
const mosquitto = startMosquitto(mosquittoPort);
const plain = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-plain-aedes.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const plainPort = await new Promise<number>((resolve) => plain.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
await waitPort(mosquittoPort);
const edgePid = () => Number(readFileSync(join(dataDir, 'run', 'edge-edge-2.pid'), 'utf8').trim());
const systems: System[] = [
  { name: 'mosquitto', pubPort: mosquittoPort, subPort: mosquittoPort, pid: () => mosquitto.pid! },
  { name: 'aedes', pubPort: plainPort, subPort: plainPort, pid: () => plain.pid! },
  { name: 'rocketpush', pubPort: edgePorts[0]!, subPort: edgePorts[1]!, pid: edgePid },
  { name: 'rocketpush-ha', pubPort: edgePorts[0]!, subPort: edgePorts[1]!, pid: edgePid },
];

/** The processes whose CPU a message costs: the broker, or every process of the stack. */
function processesOf(sys: System): Map<string, number> {
  return isRocketpush(sys) ? stackProcesses(join(dataDir, 'run')) : new Map([[sys.name, sys.pid()]]);
}

/** Before the HA row: the single-node stack this bench started goes down, the HA one comes up. */
function switchToHa(): void {
  execFileSync('bash', ['scripts/down.sh'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['scripts/up.sh', '--ha', '--detach'], { cwd: root, stdio: 'inherit' });
}
const apiKey = process.env.RP_API_KEY ?? (existsSync(join(dataDir, 'api-key')) ? readFileSync(join(dataDir, 'api-key'), 'utf8').trim() : '');

async function send(sys: System): Promise<void> {
  if (isRocketpush(sys)) {
    const res = await fetch(`http://127.0.0.1:${apiPort}/v1/pushes`, {
      method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { broadcast: true }, payload: { hello: 'everyone' }, qos: 1 }),
    });
    if (res.status !== 202) throw new Error(`push: HTTP ${res.status} ${await res.text()}`);
    return;
  }
  const [p] = await clients(sys.pubPort, 1, `bc-${randomUUID().slice(0, 6)}`);
  await p!.publishAsync('broadcast', 'hello everyone', { qos: 1 });
  await p!.endAsync();
}

interface Row { key: string; label: string; target: string; figures: Partial<Record<System['name'], Figure>>; cpu: Partial<Record<System['name'], CpuSlot>> }
const rows: Row[] = [];
const row = (key: string, label: string, target: string): Row => { const r = { key, label, target, figures: {}, cpu: {} }; rows.push(r); return r; };
/** The row's CPU slot for one system, to hand to its workload. */
const cpuOf = (r: Row, sys: System): CpuSlot => (r.cpu[sys.name] = {});

try {
  const chosen = systems.filter((s) => measured.includes(s.name)).filter((s) => {
    if (!ownStack) return true;
    // Your own stack is one topology: its row is the one of that topology.
    return !isRocketpush(s) || s.name === (runningTopology() === 'ha' ? 'rocketpush-ha' : 'rocketpush');
  });
  const ra = row('a', 'fan-in QoS 1, 500 publishers x 1 in flight -> 1', '>= 0.5x Mosquitto');
  const rb = row('b', 'fan-in QoS 1, 50 publishers x 1 in flight -> 1', '>= 0.25x Mosquitto');
  const rc = row('c', 'fan-out QoS 0, 1 -> 50', '>= 0.6x Mosquitto, >= 1.0x aedes');
  const rd = row('d', 'fan-out QoS 1, 64 in flight, 1 -> 50', '>= 1.0x aedes, p99 < 1 s');
  const re50 = row('e', '1,000 msg/s QoS 1 from 10 publishers, p50', '<= 3 ms');
  const re99 = row('e', '1,000 msg/s QoS 1 from 10 publishers, p99', '<= 10 ms');
  const rw50 = row('e', '1,000 msg/s QoS 1, publishers wait for each PUBACK, p50', '<= 3 ms');
  const rw99 = row('e', '1,000 msg/s QoS 1, publishers wait for each PUBACK, p99', '<= 10 ms');
  const rwRate = row('e', '1,000 msg/s QoS 1, publishers wait for each PUBACK, rate kept', '1,000 msg/s');
  const rf = row('f', `${IDLE.toLocaleString('en')} idle connections on one broker/edge`, '<= 8 KiB');
  const rg = row('g', `broadcast to ${BROADCAST.toLocaleString('en')} devices (REST push for rocketpush)`, '<= 1.0x Mosquitto\'s time');
  const rh = row('h', `connect storm: ${STORM.toLocaleString('en')} clean devices, 200 connecting at a time`, '>= 1.0x aedes');
  for (const sys of chosen) {
    if (sys.name === 'rocketpush-ha' && !ownStack) switchToHa();
    // A warm-up so that JIT and first connections do not count: the JVMs of a fresh stack need tens
    // of seconds of load before their figures settle (cold runs gave 3-10x lower rates).
    await fanIn(sys, 100, isRocketpush(sys) ? WARMUP : 2).catch(() => undefined);
    console.error(`measuring ${sys.name}`);
    if (only.includes('a')) ra.figures[sys.name] = await fanIn(sys, 500, SECONDS, cpuOf(ra, sys));
    if (only.includes('b')) rb.figures[sys.name] = await fanIn(sys, 50, SECONDS, cpuOf(rb, sys));
    if (only.includes('c')) rc.figures[sys.name] = await fanOut(sys, 0, cpuOf(rc, sys));
    if (only.includes('d')) rd.figures[sys.name] = await fanOut(sys, 1, cpuOf(rd, sys));
    if (only.includes('e')) {
      const e = await steady(sys);
      re50.figures[sys.name] = e.p50; re99.figures[sys.name] = e.p99;
      const w = await steady(sys, true);
      rw50.figures[sys.name] = w.p50; rw99.figures[sys.name] = w.p99; rwRate.figures[sys.name] = w.rate;
    }
    if (only.includes('f')) rf.figures[sys.name] = await idle(sys);
    if (only.includes('g')) rg.figures[sys.name] = await broadcast(sys, () => send(sys), cpuOf(rg, sys));
    if (only.includes('h')) rh.figures[sys.name] = await storm(sys);
  }
} finally {
  mosquitto.kill('SIGTERM');
  plain.kill('SIGTERM');
  if (startedStack) execFileSync('bash', ['scripts/down.sh'], { cwd: root, stdio: 'inherit' });
}

const fmt = (f?: Figure) => (f ? `${f.value >= 100 ? Math.round(f.value).toLocaleString('en') : f.value.toFixed(1)} ${f.unit}${f.detail ? ` (${f.detail})` : ''}` : '-');
// A ratio above 1 is always "rocketpush better": speed as rp/peer, times and sizes as peer/rp.
const ratio = (rp?: Figure, peer?: Figure) => {
  if (!rp || !peer || !peer.value || !rp.value) return '-';
  return `${(rp.higherIsBetter ? rp.value / peer.value : peer.value / rp.value).toFixed(2)}x`;
};
console.log(`\nnpm run bench: ${SECONDS} s per throughput workload, one client process, ${new Date().toISOString()}\n`);
console.log('| workload | Mosquitto | plain aedes | rocketpush | rocketpush HA | rocketpush vs Mosquitto | vs aedes | HA vs Mosquitto | HA vs single | target |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const { mosquitto: m, aedes: a, rocketpush: p, 'rocketpush-ha': h } = r.figures;
  if (!m && !a && !p && !h) continue;
  console.log(`| (${r.key}) ${r.label} | ${fmt(m)} | ${fmt(a)} | ${fmt(p)} | ${fmt(h)} | ${ratio(p, m)} | ${ratio(p, a)} | ${ratio(h, m)} | ${ratio(h, p)} | ${r.target} |`);
}
console.log('\nRatios: above 1x rocketpush is better (msg/s: rocketpush / peer; ms and KiB: peer / rocketpush); "HA vs single" is the HA topology against the single-node one, the cost of replication.');
console.log('\nCPU per message over each row\'s measured window (µs of user + system time per delivered message, from /proc; the largest processes first):\n');
console.log('| workload | system | total µs/msg | by process (µs/msg) |');
console.log('|---|---|---|---|');
for (const r of rows) {
  for (const [name, slot] of Object.entries(r.cpu)) {
    const c = slot?.result;
    if (!c || c.messages === 0) continue;
    const parts = c.byProcess.filter(([, us]) => us >= 0.05).map(([p, us]) => `${p} ${us.toFixed(1)}`).join(', ');
    console.log(`| (${r.key}) | ${name} | ${c.total.toFixed(1)} | ${parts} |`);
  }
}
process.exit(0);
