import { randomUUID } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

// Devices as tests drive them (mqtt.js clients that record what they receive) and the waits tests
// use, for the stack tests against real processes and the unit tests against an in-process cluster.

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

/** For a timeout message: how many of `expected` arrived and which were missing (the first few). */
export function progress(got: { payload: string }[], expected: string[]): string {
  const seen = new Set(got.map((m) => m.payload));
  const missing = expected.filter((e) => !seen.has(e));
  return `${expected.length - missing.length}/${expected.length} arrived (${got.length} receipts), missing ${missing.slice(0, 10).join(',')}${missing.length > 10 ? ',…' : ''}`;
}
