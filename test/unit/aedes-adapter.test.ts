import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Aedes, type Client } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { AEDES_VERSION, clientSubscriptions, clientWill, closeWithoutWill, deliverQoS, gatedClient, nextBrokerCounter, takePacketId } from '../../src/edge/aedes-adapter.js';
import { listenOnTcp, type BrokerOnTcp } from '../support/aedes-on-tcp.js';

/**
 * What rocketpush relies on inside aedes, checked against the installed aedes itself: an upgrade
 * that changes any of it fails here, not in production.
 */
let broker: Aedes;
let tcp: BrokerOnTcp;
let port = 0;
const clients = new Map<string, Client>();
const wrappedDeliveries: string[] = [];
const open: MqttClient[] = [];

before(async () => {
  broker = new Aedes({
    preConnect: (client, _packet, done) => {
      // As the outbound gate does: replace the deliver functions before anything subscribes.
      const c = gatedClient(client);
      const deliver0 = c.deliver0;
      c.deliver0 = (packet, cb) => { wrappedDeliveries.push(packet.topic); deliver0.call(client, packet, cb); };
      done(null, true);
    },
  });
  broker.on('client', (c) => clients.set(c.id, c));
  tcp = await listenOnTcp(broker);
  port = tcp.port;
});

after(async () => {
  for (const c of open) c.end(true);
  await tcp.close();
});

async function device(id: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: id, reconnectPeriod: 0, ...opts });
  open.push(c);
  for (let i = 0; i < 50 && !clients.has(id); i++) await new Promise((r) => setTimeout(r, 10));
  return c;
}

const nextMessage = (c: MqttClient) => new Promise<{ topic: string; messageId?: number; qos: number }>((resolve) => {
  c.once('message', (topic, _payload, packet) => resolve({ topic, messageId: packet.messageId, qos: packet.qos }));
});

describe('the aedes adapter against the installed aedes', () => {
  it('is written for the exact aedes version package.json pins', () => {
    const installed = JSON.parse(readFileSync(new URL('../../node_modules/aedes/package.json', import.meta.url), 'utf8')) as { version: string };
    const pinned = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }).dependencies.aedes;
    assert.equal(installed.version, AEDES_VERSION);
    assert.equal(pinned, AEDES_VERSION);
  });

  it('closes a connection without publishing its will, and with the will when closed plainly', async () => {
    const watcher = await device('will-watcher');
    await watcher.subscribeAsync('drained/+', { qos: 0 });
    const wills: string[] = [];
    watcher.on('message', (topic) => wills.push(topic));
    const closedBy = async (id: string, close: (c: Client) => void) => {
      const d = await device(id, { will: { topic: `drained/${id}`, payload: Buffer.from('gone'), qos: 0, retain: false } });
      const gone = new Promise<void>((r) => d.once('close', () => r()));
      close(clients.get(id)!);
      await gone;
    };
    await closedBy('quiet', closeWithoutWill);
    await closedBy('plain', (c) => c.close());
    for (let i = 0; i < 50 && wills.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(wills, ['drained/plain']);
  });

  it('reads the will a device sent in CONNECT', async () => {
    await device('with-will', { will: { topic: 'last/words', payload: Buffer.from('bye'), qos: 1, retain: false } });
    const will = clientWill(clients.get('with-will')!);
    assert.equal(will?.topic, 'last/words');
    assert.equal(Buffer.from(will!.payload).toString(), 'bye');
    assert.equal(will?.qos, 1);
    await device('without-will');
    assert.equal(clientWill(clients.get('without-will')!), undefined);
  });

  it('reads a client\'s subscriptions with their QoS', async () => {
    const c = await device('subscriber');
    await c.subscribeAsync({ 'a/+': { qos: 1 }, 'b/#': { qos: 0 } });
    const subs = clientSubscriptions(clients.get('subscriber')!);
    assert.equal(subs['a/+']?.qos, 1);
    assert.equal(subs['b/#']?.qos, 0);
  });

  it('takes packet ids from the same sequence aedes uses for its own QoS 1 deliveries', async () => {
    const c = await device('ids');
    await c.subscribeAsync('ids/t', { qos: 1 });
    const first = nextMessage(c);
    broker.publish({ cmd: 'publish', topic: 'ids/t', payload: Buffer.from('1'), qos: 1, retain: false, dup: false }, () => undefined);
    const a = (await first).messageId!;
    const taken = takePacketId(clients.get('ids')!);
    assert.equal(taken, a + 1);
    const second = nextMessage(c);
    broker.publish({ cmd: 'publish', topic: 'ids/t', payload: Buffer.from('2'), qos: 1, retain: false, dup: false }, () => undefined);
    assert.equal((await second).messageId, taken + 1);
  });

  it('writes a QoS 1 packet through the client\'s own delivery', async () => {
    const c = await device('direct');
    const got = nextMessage(c);
    deliverQoS(clients.get('direct')!, { cmd: 'publish', topic: 'direct/t', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, messageId: 4242 }, () => undefined);
    assert.deepEqual(await got, { topic: 'direct/t', messageId: 4242, qos: 1 });
  });

  it('continues the broker counter aedes stamps on every publish', async () => {
    const taken = nextBrokerCounter(broker);
    // What aedes hands its subscribers (its mq) carries the counter it stamped.
    const stamped = new Promise<number>((resolve) => {
      broker.subscribe('counter/t', (packet: { brokerCounter?: number }, cb: () => void) => { resolve(packet.brokerCounter ?? -1); cb(); }, () => undefined);
    });
    await new Promise((r) => setImmediate(r));
    broker.publish({ cmd: 'publish', topic: 'counter/t', payload: Buffer.from('c'), qos: 0, retain: false, dup: false }, () => undefined);
    assert.equal(await stamped, taken + 1);
  });

  it('lets deliver functions replaced before CONNACK carry every delivery of a later subscription', async () => {
    const c = await device('wrapped');
    await c.subscribeAsync('wrapped/t', { qos: 0 });
    const got = nextMessage(c);
    broker.publish({ cmd: 'publish', topic: 'wrapped/t', payload: Buffer.from('w'), qos: 0, retain: false, dup: false }, () => undefined);
    await got;
    assert.ok(wrappedDeliveries.includes('wrapped/t'));
  });
});
