import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import type { QueuePlace } from '../../src/bus/session-consumer.js';
import { MemorySessionStore } from '../../src/cluster/memory/memory-session-store.js';
import { clusterPersistence } from '../../src/edge/cluster-persistence.js';
import { SessionOutbox, type SessionQueueReader } from '../../src/edge/session-outbox.js';
import { createLogger } from '../../src/log.js';
import type { Batch, BusMessage } from '../../src/message/envelope.js';
import { listenOnTcp, type BrokerOnTcp } from '../support/aedes-on-tcp.js';

/**
 * The session outbox against a real aedes and real MQTT clients in this process, with the session
 * store in memory and the queue reader faked: what a persistent session's device receives from
 * its queue, and what the outbox tells the queue, without RocketMQ or Redis.
 */
const memoryPersistence = createRequire(import.meta.url)('aedes-persistence') as () => object;
const log = createLogger('error', { service: 'test' });

class FakeReader implements SessionQueueReader {
  readonly calls: string[] = [];
  subscribe(liteTopic: string, offset?: number): Promise<void> { this.calls.push(`subscribe ${liteTopic} ${offset ?? 'committed'}`); return Promise.resolve(); }
  unsubscribe(liteTopic: string): Promise<void> { this.calls.push(`unsubscribe ${liteTopic}`); return Promise.resolve(); }
  reposition(liteTopic: string, offset: number): Promise<void> { this.calls.push(`reposition ${liteTopic} ${offset}`); return Promise.resolve(); }
  queueGroups(): string[] { return ['rp-broker-a']; }
}

let store: MemorySessionStore;
let reader: FakeReader;
let outbox: SessionOutbox;
let broker: Aedes;
let tcp: BrokerOnTcp;
let port = 0;
const open: MqttClient[] = [];

before(async () => {
  store = new MemorySessionStore();
  reader = new FakeReader();
  outbox = new SessionOutbox(store, reader, log);
  broker = new Aedes({
    persistence: clusterPersistence(memoryPersistence(), store, outbox, log) as never,
    // As the session guard does: a persistent session's queue is read once the device is admitted.
    authenticate: (client, _u, _p, done) => {
      if (client.clean) { done(null, true); return; }
      outbox.attach(client).then(() => done(null, true), () => done(null, false));
    },
    authorizeForward: (_client, packet) => packet,
  });
  broker.on('connackSent', (_packet, client) => outbox.connackSent(client));
  broker.on('clientDisconnect', (client) => outbox.detach(client));
  tcp = await listenOnTcp(broker);
  port = tcp.port;
});

after(async () => {
  for (const c of open) c.end(true);
  await tcp.close();
});

/** A device with a persistent session that records what it receives from the very first packet. */
async function device(clientId: string): Promise<{ client: MqttClient; got: { payload: string; dup: boolean; qos: number; messageId?: number }[] }> {
  const got: { payload: string; dup: boolean; qos: number; messageId?: number }[] = [];
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId, clean: false, reconnectPeriod: 0 });
  open.push(client);
  client.on('message', (_t, payload, packet) => got.push({ payload: payload.toString(), dup: packet.dup, qos: packet.qos, messageId: packet.messageId }));
  await new Promise<void>((resolve, reject) => { client.once('connect', () => resolve()); client.once('error', reject); });
  return { client, got };
}

/** A device that never acknowledges anything: it records the PUBLISH packets it gets. */
async function silentDevice(clientId: string): Promise<{ end: () => void; got: { payload: string; dup: boolean; messageId?: number }[] }> {
  const got: { payload: string; dup: boolean; messageId?: number }[] = [];
  const socket = tcpConnect(port, '127.0.0.1');
  const parser = mqttPacket.parser();
  let connected: () => void = () => undefined;
  const connack = new Promise<void>((r) => { connected = r; });
  parser.on('packet', (p: mqttPacket.Packet) => {
    if (p.cmd === 'connack') connected();
    if (p.cmd === 'publish') got.push({ payload: p.payload.toString(), dup: p.dup, messageId: p.messageId });
  });
  socket.on('data', (d) => parser.parse(d));
  socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, clientId, keepalive: 60 }));
  await connack;
  return { end: () => socket.destroy(), got };
}

let seq = 0;
function batch(topic: string, payloads: string[], qos: 1 | 2 = 1, origin = 'edge-1'): Batch {
  const at = Date.now() + seq;
  return {
    batchId: `b-${++seq}`,
    messages: payloads.map((p, i): BusMessage => ({ id: `m-${seq}-${i}`, topic, payload: Buffer.from(p), qos, retain: false, origin, clientId: 'publisher', publishedAt: at + i, expiresAt: 0 })),
  };
}

const liteTopicOf = async (clientId: string) => `s-${(await store.open(clientId)).generation}`;
const at = (offset: number): QueuePlace => ({ queue: 'rp-broker-a', offset });

describe('the session outbox', () => {
  it('subscribes a connecting session\'s queue from its start, and writes a batch to the device: done once every message is acknowledged', async () => {
    const { got } = await device('dev-1');
    const liteTopic = await liteTopicOf('dev-1');
    assert.ok(reader.calls.includes(`subscribe ${liteTopic} 0`), reader.calls.join('; '));
    const b = batch('t/1', ['one', 'two', 'three']);
    for (const m of b.messages) await store.reserve('dev-1', { id: m.id, origin: m.origin, publishedAt: m.publishedAt }, 100);
    assert.equal(await outbox.handle(liteTopic, b, at(0)), 'done');
    assert.deepEqual(got.map((g) => g.payload), ['one', 'two', 'three']);
    const after = await store.queueState('dev-1');
    assert.deepEqual([after.positions, after.oldestQueuedAt, await store.pending('dev-1')], [{ 'rp-broker-a': 1 }, null, 0]);
    assert.equal(outbox.stats.sessionDelivered, 3);
  });

  it('skips a batch handed out again after the device had it, and never writes it twice', async () => {
    const { got } = await device('dev-2');
    const liteTopic = await liteTopicOf('dev-2');
    const b = batch('t/2', ['x']);
    assert.equal(await outbox.handle(liteTopic, b, at(0)), 'done');
    assert.equal(await outbox.handle(liteTopic, b, at(0)), 'done');
    assert.deepEqual(got.map((g) => g.payload), ['x']);
  });

  it('puts back a batch for a session that is not connected here', async () => {
    assert.equal(await outbox.handle('s-nobody-here', batch('t/3', ['y']), at(0)), 'later');
  });

  it('holds a batch while an earlier message of its publisher is still queued, and subscribes the queue again', async () => {
    const { got } = await device('dev-3');
    const liteTopic = await liteTopicOf('dev-3');
    const early = batch('t/4', ['first']);
    const late = batch('t/4', ['second']);
    for (const m of [...early.messages, ...late.messages]) await store.reserve('dev-3', { id: m.id, origin: m.origin, publishedAt: m.publishedAt }, 100);
    // The later batch comes first (it went to the group that was read).
    assert.equal(await outbox.handle(liteTopic, late, { queue: 'rp-broker-a', offset: 0 }), 'later');
    assert.ok(reader.calls.some((c) => c.startsWith(`reposition ${liteTopic}`)), 'the queue is subscribed again at once');
    assert.equal(outbox.stats.sessionBatchesHeldForOrder, 1);
    assert.equal(await outbox.handle(liteTopic, early, { queue: 'rp-broker-b', offset: 0 }), 'done');
    assert.equal(await outbox.handle(liteTopic, late, { queue: 'rp-broker-a', offset: 0 }), 'done');
    assert.deepEqual(got.map((g) => g.payload), ['first', 'second']);
  });

  it('writes a message again with DUP and the same packet id when the device comes back before acknowledging it', async () => {
    const first = await silentDevice('dev-4');
    const liteTopic = await liteTopicOf('dev-4');
    const b = batch('t/5', ['again']);
    const handled = outbox.handle(liteTopic, b, at(0));
    for (let i = 0; i < 200 && first.got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(first.got.map((g) => [g.payload, g.dup]), [['again', false]]);
    first.end();
    assert.equal(await handled, 'later', 'the connection went before the PUBACK');
    const second = await device('dev-4');
    assert.equal(await outbox.handle(liteTopic, b, at(0)), 'done');
    assert.deepEqual(second.got.map((g) => [g.payload, g.dup, g.messageId]), [['again', true, first.got[0]!.messageId]]);
    assert.equal(outbox.stats.sessionRedelivered, 1);
  });
});
