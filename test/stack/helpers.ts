import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** Where the stack under test listens; the same variables the scripts use. */
export const EDGE_PORTS = (process.env.RP_EDGE_PORTS ?? '1883,1884').split(',').map(Number);
export const EDGE_A = `mqtt://127.0.0.1:${EDGE_PORTS[0]}`;
export const EDGE_B = `mqtt://127.0.0.1:${EDGE_PORTS[1]}`;
export const API = `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`;

const open: MqttClient[] = [];
const sessionPresent = new WeakMap<MqttClient, boolean>();

/** The session present flag of the CONNACK a client got from `connect`. */
export function hadSession(client: MqttClient): boolean | undefined {
  return sessionPresent.get(client);
}

export function uniqueTopic(name: string): string {
  return `test/${name}/${randomUUID().slice(0, 8)}`;
}

/** Connects, and fails (instead of hanging, as connectAsync does) when the server closes first. */
export function connect(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    clientId: `t-${randomUUID().slice(0, 12)}`,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...opts,
  });
  open.push(client);
  // Queued messages of a persistent session can come in the same read as CONNACK, before the
  // caller could listen: everything is recorded from the start, and record() hands that out.
  record(client);
  return new Promise((resolve, reject) => {
    const fail = (err?: Error) => { cleanup(); reject(err ?? new Error(`connection to ${url} closed before CONNACK`)); };
    const ok = (connack: { sessionPresent: boolean }) => { cleanup(); sessionPresent.set(client, connack.sessionPresent); resolve(client); };
    const cleanup = () => { client.off('connect', ok); client.off('error', fail); client.off('close', fail); };
    client.once('connect', ok);
    client.once('error', fail);
    client.once('close', fail);
  });
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
}

export interface Received {
  topic: string;
  payload: string;
  raw: Buffer;
  qos: number;
  retain: boolean;
  dup: boolean;
}

const recordings = new WeakMap<MqttClient, Received[]>();

/** Everything `client` received, from when it was created by connect() (or from now for others). */
export function record(client: MqttClient): Received[] {
  const known = recordings.get(client);
  if (known) return known;
  const got: Received[] = [];
  recordings.set(client, got);
  client.on('message', (topic, payload, packet) => {
    got.push({ topic, payload: payload.toString(), raw: Buffer.from(payload), qos: packet.qos, retain: packet.retain, dup: packet.dup });
  });
  return got;
}

/** A client connected to `url` and subscribed to `topic`, with everything it receives. */
export async function subscribed(url: string, topic: string, qos: 0 | 1 | 2 = 1, opts: IClientOptions = {}): Promise<{ client: MqttClient; got: Received[] }> {
  const client = await connect(url, opts);
  const got = record(client);
  await client.subscribeAsync(topic, { qos });
  return { client, got };
}

/**
 * Waits until both edges admit new connections again, persistent ones included (after a broker or
 * Redis restart, routes and caches take a while): a CONNECT needs Redis, a control message through
 * RocketMQ and, for a persistent session, the broker's lite subscription.
 */
export async function clusterSettled(ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      for (const url of [EDGE_A, EDGE_B]) {
        // A persistent session too: its queue subscription needs the broker's group config back.
        const clientId = `settle-${randomUUID().slice(0, 8)}`;
        await (await connect(url, { connectTimeout: 15_000, clientId, clean: false })).endAsync(true);
        await (await connect(url, { connectTimeout: 15_000, clientId, clean: true })).endAsync(true);
      }
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the cluster did not admit connections again within ${ms} ms: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** What a wait is for; a function is asked at the timeout, so the error can tell how far it got. */
export type Expectation = string | (() => string);

/** Waits until `cond` holds, polling; fails with `what` after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, what: Expectation): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(20);
  }
}

/** Like waitFor, for a condition that has to ask a server. */
export async function eventually(cond: () => Promise<boolean>, ms: number, what: Expectation): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(100);
  }
}

/** Lets stragglers arrive, so that a count checked afterwards also proves nothing extra came. */
export function settle(ms = 1500): Promise<void> {
  return sleep(ms);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface JsonReply {
  status: number;
  json: { id?: string; error?: { code: string; message: string; field?: string }; [key: string]: unknown };
}

/** A second API process on `port` with keys of its own; resolves once it is ready. */
export async function startApi(port: number, apiKeys: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['dist/api/main.js'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'ignore',
    env: { ...process.env, API_PORT: String(port), API_KEYS: apiKeys, ...env },
  });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return proc; } catch { /* not up yet */ }
    await sleep(200);
  }
  proc.kill('SIGTERM');
  throw new Error(`the API on port ${port} did not become ready`);
}

/** The admin API key of the running stack: RP_API_KEY, or the one scripts/up.sh made. */
export function adminKey(): string {
  if (process.env.RP_API_KEY) return process.env.RP_API_KEY;
  const dataDir = process.env.RP_DATA_DIR ?? fileURLToPath(new URL('../../.data', import.meta.url));
  return readFileSync(`${dataDir}/api-key`, 'utf8').trim();
}

/** One REST call; `key` null sends no API key, undefined sends the admin key. */
export async function api(method: string, path: string, body?: unknown, opts: { key?: string | null; raw?: string; base?: string } = {}): Promise<JsonReply> {
  const key = opts.key === undefined ? adminKey() : opts.key;
  const res = await fetch(`${opts.base ?? API}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key !== null ? { authorization: `Bearer ${key}` } : {}) },
    ...(opts.raw !== undefined || body !== undefined ? { body: opts.raw ?? JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: JsonReply['json'] = {};
  try { json = JSON.parse(text) as JsonReply['json']; } catch { json = { text }; }
  return { status: res.status, json };
}

export function postJson(path: string, body: unknown, raw?: string): Promise<JsonReply> {
  return api('POST', path, body, raw !== undefined ? { raw } : {});
}

/** For a timeout message: how many of `expected` arrived and which were missing (the first few). */
export function progress(got: { payload: string }[], expected: string[]): string {
  const seen = new Set(got.map((m) => m.payload));
  const missing = expected.filter((e) => !seen.has(e));
  return `${expected.length - missing.length}/${expected.length} arrived (${got.length} receipts), missing ${missing.slice(0, 10).join(',')}${missing.length > 10 ? ',…' : ''}`;
}

/** Registers a device with a unique id (`<prefix>-…`) through the API; resolves with the id. */
export async function register(prefix: string): Promise<string> {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  const res = await api('POST', '/v1/devices', { id });
  if (res.status !== 201) throw new Error(`registering ${id}: ${res.status} ${JSON.stringify(res.json)}`);
  return id;
}

/**
 * A process log read from this moment on: log files are appended to across runs, so a line an
 * earlier run wrote must not satisfy a test.
 */
export async function logFrom(name: string): Promise<{ read(): Promise<string> }> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const file = `${process.env.RP_DATA_DIR ?? `${root}/.data`}/logs/${name}.log`;
  const start = await stat(file).then((s) => s.size, () => 0);
  return { read: async () => (await readFile(file)).subarray(start).toString('utf8') };
}
