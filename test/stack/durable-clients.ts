/**
 * Devices and publishers as independent MQTT clients see the cluster, for the tests that kill a
 * process under traffic and count what arrived (tests 92 and 93, and the HA failure tests).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { sleep } from './helpers.js';

export interface Receipt { payload: string; dup: boolean }

/** Every client a round opened, closed when it ends. */
export const clients: MqttClient[] = [];

/**
 * A device as a phone runs it: one mqtt.js client that reconnects by itself, with a persistent
 * session (or a clean one), acknowledging each message 30-200 ms later: deliveries are in flight
 * when RocketMQ goes away, and each session's queue has a backlog (what a reader that skips ahead
 * loses).
 */
export async function device(url: string, clientId: string, clean: boolean, got: Receipt[]): Promise<MqttClient> {
  const client = mqtt.connect(url, { clientId, clean, reconnectPeriod: 500, reconnectOnConnackError: true, connectTimeout: 20_000, keepalive: 300 });
  clients.push(client);
  client.on('message', (_t, payload, packet) => got.push({ payload: payload.toString(), dup: packet.dup }));
  const ack = client.handleMessage.bind(client);
  client.handleMessage = (packet, done) => {
    setTimeout(() => {
      // A device that went away meanwhile acknowledges nothing (mqtt.js' stores are closed by then).
      if (client.disconnecting || client.disconnected) return;
      ack(packet, done);
    }, 30 + Math.random() * 170);
  };
  // Like a phone, it tries again when refused (CONNACK 3 while the cluster recovers from a restart).
  client.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${clientId} not connected within 60 s`)), 60_000);
    client.once('connect', () => { clearTimeout(timer); resolve(undefined); });
  });
  return client;
}

/**
 * A publisher that keeps `window` QoS 1/2 publishes in flight and records which were acknowledged
 * (and, through `onAck`, when).
 */
export async function publishAll(url: string, qos: 1 | 2, work: { topic: string; payload: string }[], window: number, acked: Set<string>, onAck: (payload: string) => void = () => undefined): Promise<void> {
  const pub = mqtt.connect(url, { clientId: `rk-pub-${qos}-${randomUUID().slice(0, 6)}`, reconnectPeriod: 500, reconnectOnConnackError: true, keepalive: 300 });
  clients.push(pub);
  pub.on('error', () => undefined);
  await new Promise((resolve) => pub.once('connect', resolve));
  let next = 0;
  await Promise.all(Array.from({ length: window }, async () => {
    while (next < work.length) {
      const w = work[next++]!;
      await pub.publishAsync(w.topic, w.payload, { qos });
      acked.add(w.payload);
      onAck(w.payload);
      // Spread the flow over a few seconds, so that the kill falls in the middle of it.
      await sleep(window * 8);
    }
  }));
  await pub.endAsync();
}

export function missing(d: { clientId: string; got: Receipt[] }, acked: Set<string>): string[] {
  const seen = new Set(d.got.map((r) => r.payload));
  return [...acked].filter((p) => p.startsWith(`${d.clientId}|`) && !seen.has(p));
}


/**
 * What one device received, checked as MQTT promises it: a QoS 1 repeat carries DUP, a QoS 2 message
 * comes once, and each publisher's messages (payload `<client>|<n>`) arrive in publish order,
 * counting first arrivals. Returns how many repeats there were.
 */
export function checkReceipts(d: { clientId: string; qos: 1 | 2; got: Receipt[] }, where: string): number {
  const counts = new Map<string, number>();
  for (const r of d.got) counts.set(r.payload, (counts.get(r.payload) ?? 0) + 1);
  if (d.qos === 2) {
    assert.deepEqual([...counts].filter(([, n]) => n > 1), [], `QoS 2: nothing twice at ${d.clientId} (${where})`);
  } else {
    const firstSeen = new Set<string>();
    for (const r of d.got) {
      if (firstSeen.has(r.payload)) assert.equal(r.dup, true, `QoS 1: a repeat of ${r.payload} carries DUP (${where})`);
      firstSeen.add(r.payload);
    }
  }
  const order = [...counts.keys()].map((p) => Number(p.split('|')[1]));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), `publish order at ${d.clientId} (${where})`);
  return [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
}
