/**
 * One round of the highly available topology losing a process under traffic (npm run test:ha).
 * QoS 1 and QoS 2 publishers on both edges, persistent sessions online on both edges and away,
 * clean-session subscribers on both edges, REST pushes and a delayed push; the failure strikes after
 * a random share of the flow was acknowledged. Then every acknowledged message is counted at every
 * device that should have it, by clients that know nothing of rocketpush's insides.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRedis, parseSentinels } from '../../src/cluster/redis-connection.js';
import { api, EDGE_A, EDGE_B, eventually, register, sleep, waitFor } from '../stack/helpers.js';
import { checkReceipts, clients, device, missing, publishAll, type Receipt } from '../stack/durable-clients.js';
import { RedisKeys } from '../../src/cluster/keys.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const script = async (name: string, ...args: string[]): Promise<string> =>
  (await run('bash', [`scripts/${name}.sh`, ...args], { cwd: root, timeout: 300_000 })).stdout;
const sentinels = parseSentinels(process.env.REDIS_SENTINELS ?? '');
const redis = createRedis({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6390',
  sentinelName: process.env.REDIS_SENTINEL_NAME ?? 'rp-redis',
  ...(sentinels.ok && sentinels.sentinels.length > 0 ? { sentinels: sentinels.sentinels } : {}),
}, { maxRetriesPerRequest: null });
// While the master is being replaced, connecting fails for a few seconds: ioredis retries by itself.
redis.on('error', () => undefined);
const prefix = process.env.RP_KEY_PREFIX ?? 'rp:';
const keys = new RedisKeys(prefix);

const ONLINE = 6;
const OFFLINE = 2;
const PER_DEVICE = 40;
const PUSHES = 30;

const GROUPS = (process.env.RP_HA_BROKER_GROUPS ?? 'a,b').split(',').length;
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

/** One kind of failure: what it strikes, and how the topology is made whole again after the round. */
export interface Failure {
  kind: string;
  /** The longest pause of acknowledgements the design aims at (reported, see docs/high-availability.md). */
  goalMs: number;
  /** Chooses the process to strike, before the flow starts. */
  target(): Promise<string>;
  strike(target: string): Promise<void>;
  /** After the round: every process back, replication in sync. */
  recover(target: string): Promise<void>;
}

async function brokerMasters(): Promise<string[]> {
  const roles = await script('rocketmq', 'roles');
  return roles.split('\n').filter((l) => l.endsWith(' master')).map((l) => l.split(' ')[0]!);
}

/** The proxy that carries the edges' gRPC connections (pick-first: all on one of them). */
async function busyProxy(): Promise<string> {
  const ports = (process.env.RP_HA_PROXY_PORTS ?? '8081,8082').split(',');
  const counts = await Promise.all(ports.map(async (p) => {
    const out = (await run('ss', ['-Htn', 'state', 'established', `( dport = :${p} )`])).stdout;
    return out.split('\n').filter((l) => l.trim() !== '').length;
  }));
  const busiest = counts.indexOf(Math.max(...counts));
  return `proxy-${busiest}`;
}

const inSync = async () => { await script('rocketmq', 'wait-sync', '240'); };

export const FAILURES: Record<string, Failure> = {
  'broker-master': {
    kind: 'kill -9 of a broker group\'s master, left dead',
    goalMs: 5000,
    target: async () => pick(await brokerMasters()),
    strike: async (t) => {
      await script('rocketmq', 'kill', t, '--stay-dead');
      // The controllers elect the in-sync slave: the strike hit the master, and a new one took over.
      await eventually(async () => { const m = await brokerMasters(); return !m.includes(t) && m.length === GROUPS; }, 60_000, `a new master for ${t}'s group`);
    },
    // Only for the next round: the lost master comes back (as slave) once this round has counted.
    recover: async (t) => { await script('rocketmq', 'start-one', t); await inSync(); },
  },
  'broker-disk': {
    kind: 'kill -9 of a master and its store deleted (disk lost), then started again',
    goalMs: 5000,
    target: async () => pick(await brokerMasters()),
    strike: async (t) => {
      await script('rocketmq', 'kill', t, '--stay-dead', '--wipe');
      // Started again with an empty disk while the flow goes on: it must rejoin as slave and copy.
      void sleep(1000 + Math.random() * 4000).then(() => script('rocketmq', 'start-one', t)).catch((err: unknown) => {
        console.log(`# restarting ${t} after its disk was lost failed (recover tries again): ${String(err)}`);
      });
    },
    recover: async (t) => {
      // start-one is a no-op when the strike's own restart already runs it.
      await script('rocketmq', 'start-one', t);
      await inSync();
    },
  },
  proxy: {
    kind: 'kill -9 of the gRPC proxy the edges use',
    goalMs: 5000,
    target: busyProxy,
    strike: async (t) => { await script('rocketmq', 'kill', t); },
    recover: async (t) => {
      const port = (process.env.RP_HA_PROXY_PORTS ?? '8081,8082').split(',')[Number(t.split('-')[1])];
      await eventually(async () => (await run('ss', ['-Htln', `( sport = :${port} )`])).stdout.trim() !== '', 120_000, `${t} listening again`);
    },
  },
  namesrv: {
    kind: 'kill -9 of a name server (and its controller)',
    goalMs: 5000,
    target: async () => pick(['namesrv-0', 'namesrv-1', 'namesrv-2']),
    strike: async (t) => { await script('rocketmq', 'kill', t); },
    recover: async () => { await inSync(); },
  },
  'redis-master': {
    kind: 'kill -9 of the Redis master',
    goalMs: 10_000,
    target: async () => `redis-${(await script('redis', 'master')).trim().split(' ')[1]}`,
    strike: async (t) => { await script('redis', 'kill', t); },
    recover: async () => { await script('redis', 'wait-sync', '120'); },
  },
};

export interface RoundResult {
  failure: string;
  target: string;
  acknowledged: number;
  lost: number;
  duplicatesQos1: number;
  duplicatesQos2: number;
  longestPauseMs: number;
  tookMs: number;
  /** The edges' session reader corrections during the round (rocketpush_session_reader_events_total). */
  readerEvents: Record<string, number>;
}

/** Both edges' session reader events, summed (an edge's HTTP port is its MQTT port + 8000). */
async function readerEvents(): Promise<Record<string, number>> {
  const sum: Record<string, number> = {};
  for (const url of [EDGE_A, EDGE_B]) {
    const port = Number(new URL(url).port) + 8000;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const [, event, n] of text.matchAll(/^rocketpush_session_reader_events_total\{[^}]*event="(\w+)"[^}]*\} (\d+)/gm)) {
      sum[event!] = (sum[event!] ?? 0) + Number(n);
    }
  }
  return sum;
}

interface Device { clientId: string; topic: string; qos: 1 | 2; got: Receipt[]; edge: string; back: string; online: boolean }

export async function closeRound(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
}

export async function quit(): Promise<void> {
  await closeRound();
  redis.disconnect();
}

/** One round of failure `name`; `struck` learns the target before anything is killed. */
export async function round(name: string, struck: (target: string) => void): Promise<RoundResult> {
  try {
    return await roundOf(name, struck);
  } finally {
    await closeRound();
  }
}

async function roundOf(name: string, struck: (target: string) => void): Promise<RoundResult> {
  const failure = FAILURES[name]!;
  const started = Date.now();
  const eventsBefore = await readerEvents();
  const tag = randomUUID().slice(0, 6);
  const target = await failure.target();
  const total = 2 * 2 * (ONLINE + OFFLINE) * PER_DEVICE + 2 * PUSHES;
  const strikeAfter = Math.floor(total * (0.1 + Math.random() * 0.6));
  const where = `${failure.kind}: ${target} after ${strikeAfter} of ${total} acknowledgements (round ${tag})`;

  // Persistent devices on both edges, at QoS 1 and 2; a quarter of them away during the flow, back
  // on the other edge afterwards.
  const devices: Device[] = [];
  for (const [e, edge] of [EDGE_A, EDGE_B].entries()) {
    for (const qos of [1, 2] as const) {
      for (let i = 0; i < ONLINE + OFFLINE; i++) {
        const clientId = `ha-${tag}-e${e}-q${qos}-${i}`;
        const d: Device = { clientId, topic: `ha/${tag}/e${e}/q${qos}/${i}`, qos, got: [], edge, back: e === 0 ? EDGE_B : EDGE_A, online: i < ONLINE };
        const c = await device(edge, clientId, false, d.got);
        await c.subscribeAsync(d.topic, { qos });
        if (!d.online) await c.endAsync();
        devices.push(d);
      }
    }
  }
  // Clean-session subscribers on both edges, for every QoS 1 topic.
  const cleanGot: Receipt[][] = [[], []];
  for (const [e, edge] of [EDGE_A, EDGE_B].entries()) {
    const c = await device(edge, `ha-${tag}-clean-${e}`, true, cleanGot[e]!);
    await c.subscribeAsync(`ha/${tag}/+/q1/+`, { qos: 1 });
  }
  // Registered devices for the REST pushes (one per edge) and the delayed push.
  const pushTargets = await Promise.all([0, 1].map(async (e) => {
    const id = await register(`ha-${tag}-push${e}`);
    const got: Receipt[] = [];
    const c = await device(e === 0 ? EDGE_A : EDGE_B, id, false, got);
    await c.subscribeAsync(`devices/${id}`, { qos: 1 });
    return { id, got };
  }));

  const acked = new Set<string>();
  const ackTimes: number[] = [];
  const onAck = () => { ackTimes.push(Date.now()); };
  const work = (e: number, qos: 1 | 2) => devices.filter((d) => d.qos === qos && d.topic.includes(`/e${e}/`))
    .flatMap((d) => Array.from({ length: PER_DEVICE }, (_, n) => ({ topic: d.topic, payload: `${d.clientId}|${n}` })))
    .sort((a, b) => Number(a.payload.split('|')[1]) - Number(b.payload.split('|')[1]));
  // Each edge's devices are published to from the other edge: every message crosses RocketMQ.
  const flows = [
    publishAll(EDGE_B, 1, work(0, 1), 8, acked, onAck), publishAll(EDGE_B, 2, work(0, 2), 8, acked, onAck),
    publishAll(EDGE_A, 1, work(1, 1), 8, acked, onAck), publishAll(EDGE_A, 2, work(1, 2), 8, acked, onAck),
  ];
  // REST pushes, as a backend sends them: one at a time, again after a 5xx until accepted.
  const pushed: string[] = [];
  const pushFlow = (async () => {
    for (let n = 0; n < PUSHES; n++) {
      for (const t of pushTargets) {
        const payload = `push-${tag}-${t.id}-${n}`;
        for (;;) {
          const res = await api('POST', '/v1/pushes', { target: { devices: [t.id] }, payload, format: 'text' }).catch(() => ({ status: 0, json: {} }));
          if (res.status === 202) break;
          assert.ok(res.status === 0 || res.status >= 500, `a push is refused only while the cluster recovers: ${res.status} ${JSON.stringify(res.json)} (${where})`);
          await sleep(250);
        }
        pushed.push(payload);
        onAck();
        await sleep(40);
      }
    }
  })();
  const delay = 1 + Math.floor(Math.random() * 4);
  let delayed = await api('POST', '/v1/pushes', { target: { devices: [pushTargets[0]!.id] }, payload: `delayed-${tag}`, format: 'text', delay });
  for (let i = 0; delayed.status >= 500 && i < 60; i++) {
    await sleep(1000);
    delayed = await api('POST', '/v1/pushes', { target: { devices: [pushTargets[0]!.id] }, payload: `delayed-${tag}`, format: 'text', delay });
  }
  assert.equal(delayed.status, 202, `the delayed push was accepted: ${JSON.stringify(delayed.json)}`);

  await waitFor(() => ackTimes.length >= strikeAfter, 120_000, `${strikeAfter} acknowledgements before the strike (${where})`);
  const struckAt = Date.now();
  struck(target);
  await failure.strike(target);
  await Promise.all([...flows, pushFlow]);
  const flowEnd = Date.now();
  assert.equal(acked.size, devices.length * PER_DEVICE, `every publish was acknowledged (${where})`);
  // The longest stretch with no acknowledgement from the strike to the end of the flow.
  const after = [struckAt, ...ackTimes.filter((t) => t >= struckAt).sort((a, b) => a - b)];
  let longestPauseMs = 0;
  for (let i = 1; i < after.length; i++) longestPauseMs = Math.max(longestPauseMs, after[i]! - after[i - 1]!);

  for (const d of devices.filter((x) => !x.online)) await device(d.back, d.clientId, false, d.got);

  const report = () => `${where}: ${devices.map((d) => `${d.clientId} missing ${missing(d, acked).length}`).filter((s) => !s.endsWith(' 0')).join(', ')}`;
  await waitFor(() => devices.every((d) => missing(d, acked).length === 0), 240_000, report);
  for (const t of pushTargets) {
    const mine = pushed.filter((p) => p.includes(`-${t.id}-`));
    await waitFor(() => mine.every((p) => t.got.some((r) => r.payload === p)), 120_000,
      () => `every accepted push at ${t.id}: ${mine.filter((p) => !t.got.some((r) => r.payload === p)).length} missing (${where})`);
  }
  await waitFor(() => pushTargets[0]!.got.some((r) => r.payload === `delayed-${tag}`), 120_000, `the delayed push (${where})`);

  let duplicatesQos1 = 0;
  let duplicatesQos2 = 0;
  for (const d of devices) {
    const repeats = checkReceipts(d, where);
    if (d.qos === 2) duplicatesQos2 += repeats; else duplicatesQos1 += repeats;
  }
  assert.equal(duplicatesQos2, 0, `QoS 2: nothing delivered twice (${where})`);
  const q1 = [...acked].filter((p) => p.includes('-q1-'));
  for (const got of cleanGot) {
    await waitFor(() => q1.every((p) => got.some((r) => r.payload === p)), 120_000, `every QoS 1 message at both clean-session subscribers (${where})`);
  }
  for (const d of devices) {
    const key = keys.persistentQueued(d.clientId);
    const deadline = Date.now() + 30_000;
    while ((await redis.zcard(key)) > 0 && Date.now() < deadline) await sleep(200);
    assert.equal(await redis.zcard(key), 0, `pending count of ${d.clientId} back to 0 (${where})`);
  }
  // Without a person: acknowledgements came back by themselves (the goal per failure is reported).
  assert.ok(longestPauseMs < 60_000, `acknowledgements resumed within a minute, not ${longestPauseMs} ms (${where})`);
  const lost = devices.reduce((n, d) => n + missing(d, acked).length, 0);
  const eventsAfter = await readerEvents();
  const result: RoundResult = {
    failure: name, target, acknowledged: acked.size + pushed.length, lost,
    duplicatesQos1, duplicatesQos2, longestPauseMs, tookMs: Date.now() - started,
    readerEvents: Object.fromEntries(Object.entries(eventsAfter).map(([e, n]) => [e, n - (eventsBefore[e] ?? 0)])),
  };
  console.log(`# ${where}: ${JSON.stringify(result)}; flow ended ${flowEnd - struckAt} ms after the strike`);
  return result;
}
